"""Reads a Word document's parts before pandoc does: its properties, and each field, comment,
text box, shape and tracked change, which it replaces with markers (markers.py) in a copy."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from amnesty_book.importing.citations import BIBLIOGRAPHY_FIELD, CITATION_FIELD, Works
from amnesty_book.importing.markers import (
    Bookmark,
    CaptionNumber,
    CaptionStart,
    Dropped,
    Markers,
    Reference,
    Rule,
    Unmapped,
)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMES = {
    "w": _W,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "o": "urn:schemas-microsoft-com:office:office",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_CAPTION_STYLES = {"caption", "image caption", "figure caption", "table caption", "figure", "illustration"}
# A reference field's bookmark: REF _Ref123 \h
_REFERENCE = re.compile(r"^\s*(REF|NOTEREF|PAGEREF)\s+(\S+)", re.I)
# Fields left out with their result: the book makes its own contents and index.
_DROPPED_FIELDS = {
    "TOC": "a table of contents (the book makes its own)",
    "XE": "an index entry",
    "INDEX": "an index",
}
# The colours that are no colour: Word's automatic one and black.
_NO_COLOUR = {"auto", "000000", "none", "FFFFFF", "ffffff"}


def w(name: str) -> str:
    return f"{{{_W}}}{name}"


@dataclass
class WordFacts:
    """What the document's own parts say, beside its text."""

    title: str = ""
    author: str = ""
    language: str = ""
    date: str = ""
    style: str = ""  # the citation style Zotero or Mendeley used, by its CSL name
    changes: int = 0  # tracked insertions, deletions and moves
    empty_paragraphs: int = 0
    page_breaks: int = 0
    endnotes: int = 0
    fonts: Counter[str] = field(default_factory=Counter)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (what, detail) of the whole document
    descriptions: dict[str, str] = field(default_factory=dict)  # a picture's alt text, by file name
    # the text of each paragraph as pandoc is given it (changes decided), for the audit
    paragraphs: list[str] = field(default_factory=list)
    works: Works = field(default_factory=Works)
    markers: Markers = field(default_factory=Markers)


def mend(source: Path, target: Path, changes: str) -> WordFacts:
    """Writes the document to `target` with its markers in place; returns what it found.
    Raises ValueError, KeyError or zipfile.BadZipFile for a damaged document."""
    facts = WordFacts()
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        trees = {name: xml_part(archive, name) for name in _PARTS if name in names}
        if "word/document.xml" not in trees:
            raise KeyError("word/document.xml")
        styles = xml_part(archive, "word/styles.xml") if "word/styles.xml" in names else None
        comments = _comments(xml_part(archive, "word/comments.xml")) if "word/comments.xml" in names else {}
        _properties(archive, names, facts)
        if not facts.language and styles is not None:
            facts.language = _default_language(styles)
        mender = _Mender(facts, _styles(styles) if styles is not None else {}, comments)
        for name, tree in trees.items():
            mender.mend(tree, body=name == "word/document.xml")
            facts.paragraphs += [
                _said(paragraph, changes)
                for paragraph in tree.iter(w("p"))
                if mender.style_name(paragraph) not in _NOT_TEXT
            ]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                data = (
                    etree.tostring(
                        trees[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                    if info.filename in trees
                    else archive.read(info)
                )
                # pictures stored as they are: compressing a photograph again costs seconds
                kind = (
                    zipfile.ZIP_DEFLATED if info.filename.endswith((".xml", ".rels")) else zipfile.ZIP_STORED
                )
                copy.writestr(info, data, compress_type=kind)
    return facts


def xml_part(archive: zipfile.ZipFile, name: str) -> etree._Element:
    """A part of the document's zip (.docx or .odt) as XML, read safely (no entities, nothing
    fetched); a part that is not XML is a damaged document."""
    try:
        parser = etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True)
        return etree.fromstring(archive.read(name), parser)
    except etree.XMLSyntaxError:
        raise ValueError(f"its part {name} is not well-formed XML") from None


def _styles(root: etree._Element) -> dict[str, str]:
    """Style ids by name, lower-cased."""
    found = {}
    for style in root.iter(w("style")):
        name = style.find(w("name"))
        found[style.get(w("styleId"), "")] = (name.get(w("val"), "") if name is not None else "").lower()
    return found


def _comments(root: etree._Element) -> dict[str, tuple[str, str]]:
    """Each comment's (author, text) by its id."""
    return {
        comment.get(w("id"), ""): (
            comment.get(w("author"), ""),
            " ".join(" ".join(t.text or "" for t in p.iter(w("t"))) for p in comment.iter(w("p"))).strip(),
        )
        for comment in root.iter(w("comment"))
    }


def _properties(archive: zipfile.ZipFile, names: set[str], facts: WordFacts) -> None:
    if "docProps/core.xml" in names:
        core = xml_part(archive, "docProps/core.xml")
        for attribute, path in (
            ("title", "dc:title"),
            ("author", "dc:creator"),
            ("language", "dc:language"),
            ("date", "dcterms:created"),
        ):
            found = core.find(path, _NAMES)
            if found is not None and (found.text or "").strip():
                setattr(facts, attribute, found.text.strip())
    if "docProps/custom.xml" in names:
        custom = xml_part(archive, "docProps/custom.xml")
        # Zotero keeps its preferences, the style among them, in ZOTERO_PREF_1, _2...; Mendeley
        # names the style in "Mendeley Citation Style_1".
        values = {
            prop.get("name", ""): "".join(prop.itertext())
            for prop in custom.iter(f"{{{_NAMES['op']}}}property")
        }
        zotero = "".join(
            values[name] for name in sorted(values, key=_numbered) if name.startswith("ZOTERO_PREF")
        )
        style = re.search(r'style id="([^"]+)"', zotero) or re.search(
            r"^(\S+)$", values.get("Mendeley Citation Style_1", "")
        )
        if style:
            facts.style = style.group(1).rstrip("/").rsplit("/", 1)[-1]


def _numbered(name: str) -> int:
    digits = re.search(r"(\d+)$", name)
    return int(digits.group(1)) if digits else 0


def _default_language(styles: etree._Element) -> str:
    found = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", _NAMES)
    return found.get(w("val"), "") if found is not None else ""


def _run(text: str) -> etree._Element:
    run = etree.Element(w("r"))
    shown = etree.SubElement(run, w("t"))
    shown.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    shown.text = text
    return run


# Paragraphs pandoc takes for the metadata, not the text: the title is book.toml's, and the
# subtitle is reported on its own.
_NOT_TEXT = {"title", "subtitle", "author", "date"}


def _said(paragraph: etree._Element, changes: str) -> str:
    """A paragraph's text as a reader of it sees it: tracked changes decided as asked, a space
    for a line break or a tab."""
    out = []
    for element in paragraph.iter(w("t"), w("delText"), w("br"), w("tab"), w("cr"), w("p")):
        if element.tag == w("p") and element is not paragraph:
            break  # a text box's paragraph: moved out, and counted on its own
        inserted = any(ancestor.tag == w("ins") for ancestor in element.iterancestors())
        if element.tag == w("delText"):
            out.append(element.text or "" if changes == "reject" else "")
        elif element.tag == w("t"):
            out.append("" if inserted and changes == "reject" else element.text or "")
        elif element.tag != w("p"):
            out.append(" ")
    return "".join(out)


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


class _Mender:
    def __init__(
        self, facts: WordFacts, styles: dict[str, str], comments: dict[str, tuple[str, str]]
    ) -> None:
        self.facts = facts
        self.markers = facts.markers
        self.styles = styles
        self.comments = comments
        self.caption_style = next((sid for sid, name in styles.items() if name == "caption"), "Caption")
        self.referenced: set[str] = set()

    def style_name(self, paragraph: etree._Element) -> str:
        style = paragraph.find("w:pPr/w:pStyle", _NAMES)
        value = style.get(w("val"), "") if style is not None else ""
        return self.styles.get(value, value.lower())

    def mend(self, root: etree._Element, body: bool) -> None:
        for instruction in root.iter(w("instrText")):
            reference = _REFERENCE.match(instruction.text or "")
            if reference:
                self.referenced.add(reference.group(2))
        for simple in root.iter(w("fldSimple")):
            reference = _REFERENCE.match(simple.get(w("instr"), ""))
            if reference:
                self.referenced.add(reference.group(2))
        self._changes(root)
        self._text_boxes(root)
        self._notes(root)
        self._bookmarks(root)
        self._fields(root)
        self._simple_fields(root)
        self._comments(root)
        self._objects(root)
        self._runs(root, body)
        self._captions(root)

    def _changes(self, root: etree._Element) -> None:
        for kind in ("ins", "del", "moveFrom", "moveTo"):
            self.facts.changes += sum(
                1 for change in root.iter(w(kind)) if len(change) or change.getparent().tag == w("rPr")
            )

    def _text_boxes(self, root: etree._Element) -> None:
        """A text box's paragraphs after the paragraph it stands in: pandoc would put them in
        its place. In a picture's paragraph, its first paragraph is the picture's caption."""
        for fallback in list(root.iter(f"{{{_NAMES['mc']}}}Fallback")):
            if fallback.find(".//w:txbxContent", _NAMES) is not None:
                fallback.getparent().remove(fallback)
        for content in list(root.iter(w("txbxContent"))):
            host_run = next((a for a in content.iterancestors(w("r"))), None)
            host = next((a for a in content.iterancestors(w("p"))), None)
            if host_run is None or host is None or host_run.getparent() is None:
                continue
            paragraphs = [p for p in content if p.tag == w("p")]
            if not paragraphs:
                continue
            # a picture's caption: a text box in the picture's own paragraph
            pictures = host.find(".//a:blip", _NAMES) is not None
            host_run.getparent().remove(host_run)
            first = paragraphs[0]
            if pictures and _text(first).strip():
                properties = first.find(w("pPr"))
                if properties is None:
                    properties = etree.SubElement(first, w("pPr"))
                    first.insert(0, properties)
                style = properties.find(w("pStyle"))
                if style is None:
                    style = etree.Element(w("pStyle"))
                    properties.insert(0, style)
                style.set(w("val"), self.caption_style)
            else:
                self._insert_at_start(
                    first,
                    self.markers.mark(
                        Unmapped("text box", "its text is set here, after the paragraph it stood in")
                    ),
                )
            anchor = host
            for paragraph in paragraphs:
                anchor.addnext(paragraph)
                anchor = paragraph

    def _notes(self, root: etree._Element) -> None:
        self.facts.endnotes += sum(
            1
            for note in root.iter(w("endnote"))
            if note.get(w("type")) not in ("separator", "continuationSeparator", "continuationNotice")
        )

    def _bookmarks(self, root: etree._Element) -> None:
        for start in list(root.iter(w("bookmarkStart"))):
            name = start.get(w("name"), "")
            if name in self.referenced:
                mark = _run(self.markers.mark(Bookmark(name)))
                if start.getparent().tag == w("p"):
                    start.addnext(mark)
                else:  # a bookmark between paragraphs marks the next one
                    following = start.getnext()
                    if following is not None and following.tag == w("p"):
                        self._insert_at_start(following, mark)

    def _fields(self, root: etree._Element) -> None:
        """Complex fields: begin, code, separate, result, end, as runs that may span paragraphs."""
        stack: list[dict] = []
        for element in list(root.iter(w("fldChar"), w("instrText"))):
            if element.tag == w("instrText"):
                if stack and not stack[-1]["separated"]:
                    stack[-1]["code"] += element.text or ""
                    stack[-1]["runs"].append(element.getparent())
                continue
            kind = element.get(w("fldCharType"))
            run = element.getparent()
            if kind == "begin":
                stack.append({"begin": run, "code": "", "runs": [run], "separated": False, "separate": None})
            elif kind == "separate" and stack:
                stack[-1]["separated"], stack[-1]["separate"] = True, run
            elif kind == "end" and stack:
                found = stack.pop()
                if not stack:
                    self._field(found, run)

    def _field(self, found: dict, end: etree._Element) -> None:
        code: str = found["code"].strip()
        begin: etree._Element = found["begin"]
        result = _between(found["separate"], end) if found["separate"] is not None else []
        shown = "".join(_text(element) for element in result).strip()
        name = code.split()[0].upper() if code.split() else ""
        if BIBLIOGRAPHY_FIELD.match(code) or name in _DROPPED_FIELDS:
            what = (
                "a bibliography (the book's Sources list the works cited)"
                if name != "XE"
                else _DROPPED_FIELDS[name]
            )
            self._drop_span(begin, end, _DROPPED_FIELDS.get(name, what))
            return
        if name == "HYPERLINK":
            return  # pandoc makes it a link
        if begin.getparent() is end.getparent():  # within one paragraph (or link): replaced whole
            citation = CITATION_FIELD.match(code)
            made = self.facts.works.citation(citation.group(1), shown) if citation else None
            reference = _REFERENCE.match(code)
            mark = ""
            if made is not None:
                mark = self.markers.mark(made)
            elif reference:
                mark = self.markers.mark(Reference(reference.group(2), reference.group(1).upper(), shown))
            elif name == "SEQ":
                mark = self.markers.mark(CaptionNumber()) + shown
            if mark:
                self._replace(begin, end, mark)
                return
        mark = self.markers.mark(Unmapped("field", f"{code[:60]}: its text, '{shown[:40]}', is kept"))
        self._unwrap(found["runs"] + [found["separate"], end], begin, mark)

    @staticmethod
    def _replace(begin: etree._Element, end: etree._Element, mark: str) -> None:
        """The field, begin to end, replaced with a run of `mark`."""
        for element in [*_between(begin, end), end]:
            if element.getparent() is not None:
                element.getparent().remove(element)
        begin.addprevious(_run(mark))
        begin.getparent().remove(begin)

    def _unwrap(self, runs: list, begin: etree._Element, mark: str) -> None:
        """The field's code and marks taken out, its result kept as text."""
        begin.addprevious(_run(mark))
        for run in runs:
            if run is not None and run.getparent() is not None:
                run.getparent().remove(run)

    def _drop_span(self, begin: etree._Element, end: etree._Element, what: str) -> None:
        """The paragraphs from the field's beginning to its end, taken out; a mark left."""
        first = next(begin.iterancestors(w("p")), None)
        last = next(end.iterancestors(w("p")), None)
        if first is None or last is None:
            return
        paragraphs = [first]
        while paragraphs[-1] is not last and paragraphs[-1].getnext() is not None:
            paragraphs.append(paragraphs[-1].getnext())
        if what:
            marker = etree.Element(w("p"))
            marker.append(_run(self.markers.mark(Dropped(what))))
            first.addprevious(marker)
        for paragraph in paragraphs:
            paragraph.getparent().remove(paragraph)

    def _simple_fields(self, root: etree._Element) -> None:
        for simple in list(root.iter(w("fldSimple"))):
            code = simple.get(w("instr"), "").strip()
            name = code.split()[0].upper() if code.split() else ""
            shown = _text(simple).strip()
            reference = _REFERENCE.match(code)
            if reference:
                replacement = [
                    _run(self.markers.mark(Reference(reference.group(2), reference.group(1).upper(), shown)))
                ]
            elif name == "SEQ":
                replacement = [_run(self.markers.mark(CaptionNumber()) + shown)]
            elif name in _DROPPED_FIELDS:
                replacement = [_run(self.markers.mark(Dropped(_DROPPED_FIELDS[name])))]
            else:
                mark = self.markers.mark(Unmapped("field", f"{code[:60]}: its text, '{shown[:40]}', is kept"))
                replacement = [_run(mark), *simple]
            for element in replacement:
                simple.addprevious(element)
            simple.getparent().remove(simple)

    def _comments(self, root: etree._Element) -> None:
        for reference in list(root.iter(w("commentReference"))):
            author, words = self.comments.get(reference.get(w("id"), ""), ("", ""))
            run = reference.getparent()
            run.addprevious(
                _run(
                    self.markers.mark(Unmapped("comment", f"{author}: “{words}”" if author else f"“{words}”"))
                )
            )
            run.getparent().remove(run)

    def _objects(self, root: etree._Element) -> None:
        """Embedded objects, charts, diagrams and shapes without text: reported where they stood;
        a horizontal line, a section break."""
        for line in root.xpath(".//w:pict/v:rect[@o:hr='t']", namespaces=_NAMES):
            run = next(line.iterancestors(w("r")), None)
            if run is not None and run.getparent() is not None:
                run.addprevious(_run(self.markers.mark(Rule())))
                run.getparent().remove(run)
        kinds = (
            (".//w:object", "an embedded object (a spreadsheet, an equation of Word 2003...)"),
            (".//a:graphicData[@uri='http://schemas.openxmlformats.org/drawingml/2006/chart']", "a chart"),
            (
                ".//a:graphicData[@uri='http://schemas.openxmlformats.org/drawingml/2006/diagram']",
                "a diagram (SmartArt)",
            ),
            (".//wps:wsp", "a shape"),
            (".//w:pict/v:shape[not(v:imagedata)]", "a shape"),
            (".//w:pict/v:rect", "a shape"),
            (".//w:pict/v:line", "a line"),
        )
        for path, what in kinds:
            for found in root.xpath(path, namespaces=_NAMES):
                run = next(found.iterancestors(w("r")), None)
                if run is not None and run.getparent() is not None:
                    run.addprevious(_run(self.markers.mark(Unmapped(what, "not imported"))))

    def _runs(self, root: etree._Element, body: bool) -> None:
        """Colours and highlights (an editor's marks, often) are reported by paragraph; the fonts
        counted; empty paragraphs and page breaks counted, as the book has neither."""
        for paragraph in root.iter(w("p")):
            coloured = []
            for run in paragraph.iter(w("r")):
                properties = run.find(w("rPr"))
                if properties is None:
                    continue
                fonts = properties.find(w("rFonts"))
                if fonts is not None and fonts.get(w("ascii")):
                    self.facts.fonts[fonts.get(w("ascii"))] += 1
                colour = properties.find(w("color"))
                highlight = properties.find(w("highlight"))
                shading = properties.find(w("shd"))
                marked = (
                    (colour is not None and colour.get(w("val"), "auto") not in _NO_COLOUR)
                    or (highlight is not None and highlight.get(w("val"), "none") != "none")
                    or (shading is not None and shading.get(w("fill"), "auto") not in _NO_COLOUR)
                )
                if marked and _text(run).strip():
                    coloured.append(_text(run).strip())
            if coloured:
                words = " … ".join(coloured)
                self._insert_at_start(
                    paragraph,
                    _run(self.markers.mark(Unmapped("coloured or highlighted text", f"“{words[:80]}”"))),
                )
            if (
                body
                and paragraph.getparent() is not None
                and paragraph.getparent().tag == w("body")
                and not _text(paragraph).strip()
                and paragraph.find(".//w:drawing", _NAMES) is None
                and paragraph.find(".//w:pict", _NAMES) is None
            ):
                self.facts.empty_paragraphs += 1
        self.facts.page_breaks += sum(1 for br in root.iter(w("br")) if br.get(w("type")) == "page")

    def _captions(self, root: etree._Element) -> None:
        for paragraph in root.iter(w("p")):
            style = paragraph.find("w:pPr/w:pStyle", _NAMES)
            if (
                style is not None
                and self.styles.get(style.get(w("val"), ""), style.get(w("val"), "").lower())
                in _CAPTION_STYLES
            ):
                self._insert_at_start(paragraph, _run(self.markers.mark(CaptionStart())))

    @staticmethod
    def _insert_at_start(paragraph: etree._Element, run: etree._Element | str) -> None:
        if isinstance(run, str):
            run = _run(run)
        properties = paragraph.find(w("pPr"))
        if properties is not None:
            properties.addnext(run)
        else:
            paragraph.insert(0, run)


def _between(start: etree._Element, end: etree._Element) -> list[etree._Element]:
    """The siblings after `start` up to `end` (excluded), within start's paragraph."""
    found = []
    following = start.getnext()
    while following is not None and following is not end:
        found.append(following)
        following = following.getnext()
    return found
