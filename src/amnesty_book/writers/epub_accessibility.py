"""The EPUB's accessibility metadata (schema.org, EPUB Accessibility 1.1), derived from its documents."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import tinycss2
from lxml import etree

from amnesty_book.project.labels import labels_for

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"

_NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HEADINGS = "//x:h1 | //x:h2 | //x:h3 | //x:h4 | //x:h5 | //x:h6"
# Lengths that do not follow the reader's chosen text size.
_ABSOLUTE_UNITS = {"px", "pt", "pc", "cm", "mm", "q", "in"}
# Values that leave text and background colours to the reading system (night mode, sepia).
_NEUTRAL_COLOURS = {"inherit", "currentcolor", "transparent", "initial", "unset"}
# What could flash, move or make a sound: without any, the book has no hazard.
_DYNAMIC = "//x:audio | //x:video | //x:script | //x:canvas | //x:object | //x:embed"


@dataclass(frozen=True)
class Accessibility:
    """What the documents offer, and every failed check (conformance is claimed only without any)."""

    access_modes: tuple[str, ...]
    sufficient: tuple[str, ...]
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    problems: tuple[str, ...]

    @property
    def conforms(self) -> bool:
        return not self.problems

    def metadata(self) -> list[tuple[str, str]]:
        """(property, value) of each <meta> for the package document, in order."""
        items = [("schema:accessMode", mode) for mode in self.access_modes]
        items += [("schema:accessModeSufficient", modes) for modes in self.sufficient]
        items += [("schema:accessibilityFeature", feature) for feature in self.features]
        items += [("schema:accessibilityHazard", hazard) for hazard in self.hazards]
        items.append(("schema:accessibilitySummary", self.summary))
        if self.conforms:
            items.append(("dcterms:conformsTo", CONFORMANCE))
            items.append(("a11y:certifiedBy", f"amnesty-book {version('amnesty-book')} (automated checks)"))
        return items


def assess(documents: Mapping[str, bytes], stylesheet: str, language: str) -> Accessibility:
    """Checks the XHTML content documents (by file name, nav and cover included) and their CSS."""
    trees = {name: etree.fromstring(content) for name, content in documents.items()}
    images = [image for tree in trees.values() for image in tree.xpath("//x:img", namespaces=_NS)]
    headings = [problem for name, tree in trees.items() for problem in _heading_problems(name, tree)]
    order = list(_reading_order_problems(trees))
    styles = list(
        _stylesheet_problems(tinycss2.parse_stylesheet(stylesheet, skip_comments=True, skip_whitespace=True))
    )
    problems = [
        *(problem for name, tree in trees.items() for problem in _document_problems(name, tree)),
        *_link_problems(trees),
        *headings,
        *order,
        *styles,
    ]
    described = all((image.get("alt") or "").strip() for image in images)
    offered = {
        "alternativeText": bool(images) and described,
        "ARIA": any(tree.xpath("//*[@role]") for tree in trees.values()),
        "displayTransformability": not styles,
        "readingOrder": not order,
        "structuralNavigation": not headings
        and any(tree.xpath(_HEADINGS, namespaces=_NS) for tree in trees.values()),
        "tableOfContents": any(_nav_links(tree, "toc") for tree in trees.values()),
    }
    features = sorted([name for name, present in offered.items() if present] + _page_features(trees))
    dynamic = any(tree.xpath(_DYNAMIC, namespaces=_NS) for tree in trees.values())
    return Accessibility(
        access_modes=("textual", "visual") if images else ("textual",),
        sufficient=(("textual",) if described else ()) + (("textual,visual",) if images else ()),
        features=tuple(features),
        hazards=("unknown",) if dynamic else ("none",),
        summary=_summary(labels_for(language), not problems, set(features)),
        problems=tuple(problems),
    )


def _summary(labels: Mapping[str, str], conforms: bool, features: set[str]) -> str:
    """The accessibilitySummary: one sentence for the verdict, one for each thing offered."""
    sentences = [labels["a11y_conforms" if conforms else "a11y_not_conforming"]]
    if "alternativeText" in features:
        sentences.append(labels["a11y_images"])
    if {"structuralNavigation", "tableOfContents"} <= features:
        sentences.append(labels["a11y_navigation"])
    if "displayTransformability" in features:
        sentences.append(labels["a11y_display"])
    return " ".join(sentences)


def _page_features(trees: Mapping[str, etree._Element]) -> list[str]:
    """The hook for page navigation: claimed only once the nav has a page-list of the print pages.

    Whoever adds that page-list must also declare where its page numbers come from (EPUB
    Accessibility 1.1, "Page source": the pageBreakSource metadata).
    """
    features = []
    if any(_nav_links(tree, "page-list") for tree in trees.values()):
        features.append("pageNavigation")
    if any(
        tree.xpath('//*[contains(concat(" ", @epub:type, " "), " pagebreak ")]', namespaces=_NS)
        for tree in trees.values()
    ):
        features.append("printPageNumbers")
    return features


def _nav_links(tree: etree._Element, kind: str) -> list[etree._Element]:
    return tree.xpath(f'//x:nav[contains(concat(" ", @epub:type, " "), " {kind} ")]//x:a', namespaces=_NS)


def _document_problems(name: str, tree: etree._Element) -> Iterator[str]:
    if not (tree.get("lang") or tree.get(_XML_LANG)):
        yield f"{name}: no language"
    if not "".join(tree.xpath("x:head/x:title//text()", namespaces=_NS)).strip():
        yield f"{name}: no title"
    for image in tree.xpath("//x:img", namespaces=_NS):
        if not (image.get("alt") or "").strip():
            yield f"{name}: {image.get('src')} has no text alternative"
    for link in tree.xpath("//x:a", namespaces=_NS):
        if not ("".join(link.itertext()).strip() or link.get("aria-label")):
            yield f"{name}: a link has no text"
    for table in tree.xpath("//x:table", namespaces=_NS):
        if not table.xpath(".//x:th", namespaces=_NS):
            yield f"{name}: a table has no header cells"


def _heading_problems(name: str, tree: etree._Element) -> Iterator[str]:
    """Heading levels go down one step at a time, so the outline has no holes."""
    level = 0
    for heading in tree.xpath(_HEADINGS, namespaces=_NS):
        if level and int(heading.tag[-1]) > level + 1:
            yield f"{name}: heading levels skip from h{level} to h{heading.tag[-1]}"
        level = int(heading.tag[-1])


def _link_problems(trees: Mapping[str, etree._Element]) -> Iterator[str]:
    """Every link inside the book reaches a document and, if it names one, an id in it."""
    ids = {name: set(tree.xpath("//@id")) for name, tree in trees.items()}
    for name, tree in trees.items():
        for href in tree.xpath("//x:a/@href", namespaces=_NS):
            if ":" in href:
                continue  # a link out of the book
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            if target not in ids or (fragment and fragment not in ids[target]):
                yield f"{name}: link to {href} leads nowhere"


def _reading_order_problems(trees: Mapping[str, etree._Element]) -> Iterator[str]:
    """Notes are asides a reader can skip, and text repeated for display is hidden from speech."""
    for name, tree in trees.items():
        for note in tree.xpath('//*[@role="doc-footnote" or @role="doc-endnote"]'):
            if etree.QName(note).localname != "aside":
                yield f"{name}: a note is not an aside, so it interrupts the text"
        for quote in tree.xpath('//*[contains(concat(" ", @class, " "), " pullquote ")]'):
            if quote.get("aria-hidden") != "true":
                yield f"{name}: a pull quote is not hidden from speech, so it is read twice"


def _stylesheet_problems(rules: Iterable[Any]) -> Iterator[str]:
    """The text follows the reader's size and colours: no absolute lengths, colours or page sizes."""
    for rule in rules:
        keyword = getattr(rule, "lower_at_keyword", None)
        if keyword == "page":
            yield "CSS: @page sets a page size"
            continue
        if getattr(rule, "content", None) is None:
            continue
        if keyword in {"media", "supports"}:
            yield from _stylesheet_problems(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            )
            continue
        for declaration in tinycss2.parse_declaration_list(
            rule.content, skip_comments=True, skip_whitespace=True
        ):
            if declaration.type != "declaration":
                continue
            name = declaration.lower_name
            value = tinycss2.serialize(declaration.value).strip().lower()
            # Hairlines may stay absolute: they draw rules, not text.
            if not name.startswith(("border", "outline")) and any(
                token.type == "dimension" and token.lower_unit in _ABSOLUTE_UNITS
                for token in declaration.value
            ):
                yield f"CSS: {name}: {value} is an absolute length"
            if name in {"color", "background", "background-color"} and value not in _NEUTRAL_COLOURS:
                yield f"CSS: {name}: {value} overrides the reader's colours"
            if name == "position" and value == "fixed":
                yield "CSS: position: fixed"
