"""Reads an OpenDocument text (.odt) before pandoc does: its properties, its title-page
paragraphs, captions, comments, Zotero citations and pictures' descriptions, with markers
(markers.py) put in a copy where pandoc would drop or flatten them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from amnesty_book.importing.citations import CITATION_FIELD
from amnesty_book.importing.markers import CaptionStart, Dropped, Unmapped
from amnesty_book.importing.word import WordFacts, xml_part

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
# Paragraph styles, by their display names folded: LibreOffice's and pandoc's.
_CAPTIONS = {"caption", "illustration", "figure", "drawing", "figurecaption", "imagecaption"}
_TITLE_PAGE = {"title": "title", "author": "author"}
_BIBLIOGRAPHY = re.compile(r"^ZOTERO_BIBL\b|CSL_BIBLIOGRAPHY")


def t(name: str) -> str:
    return f"{{{_TEXT}}}{name}"


def mend(source: Path, target: Path) -> WordFacts:
    """Writes the document to `target` with its markers in place; returns what it found.
    Raises ValueError, KeyError or zipfile.BadZipFile for a damaged document."""
    facts = WordFacts()
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        content = xml_part(archive, "content.xml")
        styles = xml_part(archive, "styles.xml") if "styles.xml" in names else None
        if "meta.xml" in names:
            _properties(xml_part(archive, "meta.xml"), facts)
        if not facts.language and styles is not None:
            facts.language = _language(styles)
        parents = _style_parents(content, styles)
        _Mender(facts, parents).mend(content)
        facts.paragraphs = [_said(paragraph) for paragraph in content.iter(t("p"), t("h"))]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                data = (
                    etree.tostring(content, xml_declaration=True, encoding="UTF-8")
                    if info.filename == "content.xml"
                    else archive.read(info)
                )
                kind = (
                    zipfile.ZIP_STORED
                    if info.filename == "mimetype" or not info.filename.endswith(".xml")
                    else zipfile.ZIP_DEFLATED
                )
                copy.writestr(info, data, compress_type=kind)
    return facts


def _properties(meta: etree._Element, facts: WordFacts) -> None:
    for attribute, path in (
        ("title", f"{{{_DC}}}title"),
        ("author", f"{{{_META}}}initial-creator"),
        ("language", f"{{{_DC}}}language"),
        ("date", f"{{{_META}}}creation-date"),
    ):
        found = next(meta.iter(path), None)
        if found is not None and (found.text or "").strip():
            setattr(facts, attribute, found.text.strip())
    if not facts.author:
        found = next(meta.iter(f"{{{_DC}}}creator"), None)
        facts.author = (found.text or "").strip() if found is not None else ""


def _language(styles: etree._Element) -> str:
    for properties in styles.iter(f"{{{_STYLE}}}text-properties"):
        language = properties.get(f"{{{_FO}}}language")
        if language and language != "zxx":
            country = properties.get(f"{{{_FO}}}country")
            return f"{language}-{country}" if country and country != "none" else language
    return ""


def _style_parents(content: etree._Element, styles: etree._Element | None) -> dict[str, str]:
    """Each paragraph style's parent, by name (an automatic style "P3" is a "Caption")."""
    parents = {}
    for root in (content, styles):
        for style in root.iter(f"{{{_STYLE}}}style") if root is not None else ():
            parents[style.get(f"{{{_STYLE}}}name", "")] = style.get(f"{{{_STYLE}}}parent-style-name", "")
    return parents


def _folded(name: str) -> str:
    return re.sub(r"_20_|[\s_-]", "", name).lower()


class _Mender:
    def __init__(self, facts: WordFacts, parents: dict[str, str]) -> None:
        self.facts = facts
        self.markers = facts.markers
        self.parents = parents

    def style_of(self, paragraph: etree._Element) -> set[str]:
        """The paragraph's style and those it is based on, folded."""
        found, name = set(), paragraph.get(t("style-name"), "")
        while name and _folded(name) not in found:
            found.add(_folded(name))
            name = self.parents.get(name, "")
        return found

    def mend(self, content: etree._Element) -> None:
        self.facts.changes = sum(1 for _ in content.iter(t("changed-region")))
        for paragraph in list(content.iter(t("p"))):
            styles = self.style_of(paragraph)
            page = next((key for name, key in _TITLE_PAGE.items() if name in styles), None)
            if page and paragraph.getparent().tag == f"{{{_OFFICE}}}text":
                words = " ".join("".join(paragraph.itertext()).split())
                if words and not getattr(self.facts, page):
                    setattr(self.facts, page, words)
                paragraph.getparent().remove(paragraph)  # the title page: book.toml's
            elif styles & _CAPTIONS:
                paragraph.text = self.markers.mark(CaptionStart()) + (paragraph.text or "")
        for annotation in list(content.iter(f"{{{_OFFICE}}}annotation")):
            author = next(annotation.iter(f"{{{_DC}}}creator"), None)
            words = " ".join(" ".join(p.itertext()) for p in annotation.iter(t("p"))).strip()
            who = f"{author.text}: " if author is not None and author.text else ""
            self._replace(annotation, annotation, self.markers.mark(Unmapped("comment", f"{who}“{words}”")))
        for end in list(content.iter(f"{{{_OFFICE}}}annotation-end")):
            end.getparent().remove(end)
        self._citations(content)
        for section in list(content.iter(t("section"))):
            if _BIBLIOGRAPHY.search(section.get(t("name"), "")):
                marker = etree.Element(t("p"))
                marker.text = self.markers.mark(
                    Dropped("a bibliography (the book's Sources list the works cited)")
                )
                section.addprevious(marker)
                section.getparent().remove(section)
        for frame in content.iter(f"{{{_DRAW}}}frame"):
            image = frame.find(f"{{{_DRAW}}}image")
            description = frame.find(f"{{{_SVG}}}desc")
            if image is not None and description is not None and (description.text or "").strip():
                self.facts.descriptions[Path(image.get(f"{{{_XLINK}}}href", "")).name] = (
                    description.text.strip()
                )

    def _citations(self, content: etree._Element) -> None:
        """Zotero's citations in LibreOffice: reference marks named by the citation's JSON."""
        starts = {mark.get(t("name"), ""): mark for mark in content.iter(t("reference-mark-start"))}
        for end in list(content.iter(t("reference-mark-end"))):
            name = end.get(t("name"), "")
            start = starts.get(name)
            code = re.sub(r"\s+RND\w+$", "", name.removeprefix("ZOTERO_ITEM "))
            found = CITATION_FIELD.match(f"ADDIN {code}") if name.startswith("ZOTERO_ITEM") else None
            if start is None or found is None or start.getparent() is not end.getparent():
                continue
            shown = "".join(_between_text(start, end))
            citation = self.facts.works.citation(found.group(1), shown)
            if citation is not None:
                self._replace(start, end, self.markers.mark(citation))

    @staticmethod
    def _replace(start: etree._Element, end: etree._Element, mark: str) -> None:
        """`start` to `end` (siblings; the same element for one) replaced by the text `mark`."""
        parent, previous = start.getparent(), start.getprevious()
        text = mark + (end.tail or "")
        node = start
        while node is not None:
            following = node.getnext()
            parent.remove(node)  # its tail too: the text inside the range
            if node is end:
                break
            node = following
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text


def _said(paragraph: etree._Element) -> str:
    """A paragraph's own text: not its notes' (their paragraphs are counted on their own), a
    space for a line break, a tab or spaces."""
    out = [paragraph.text or ""]
    for child in paragraph:
        if child.tag in (t("line-break"), t("tab"), t("s")):
            out.append(" ")
        elif child.tag not in (t("note"), f"{{{_OFFICE}}}annotation", t("p")):
            out.append(_said(child))
        out.append(child.tail or "")
    return "".join(out)


def _between_text(start: etree._Element, end: etree._Element) -> list[str]:
    parts = [start.tail or ""]
    node = start.getnext()
    while node is not None and node is not end:
        parts += ["".join(node.itertext()), node.tail or ""]
        node = node.getnext()
    return parts
