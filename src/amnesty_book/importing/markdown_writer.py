"""Writes pandoc's reading of a document (its JSON syntax tree) as the book's Markdown: chapter
files, labelled notes, plates and their captions, citations and cross-references, with what
could not be mapped noted against the paragraph it stood in."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amnesty_book.importing import citations, house_style
from amnesty_book.importing.audit import CAPTION_LABEL
from amnesty_book.importing.markers import (
    Bookmark,
    CaptionStart,
    Citation,
    Dropped,
    Markers,
    Reference,
    Rule,
    Unmapped,
    split,
)
from amnesty_book.model.numbering import Anchors
from amnesty_book.model.text import quotation_marks

Node = dict[str, Any]
# Headings go down to level 3 in the book (readers/manuscript.py).
_DEEPEST = 3
# A reference's place in the written text until every heading, plate and note is known.
_REF_OPEN, _REF_CLOSE = "\ue002", "\ue003"
_REF = re.compile(f"{_REF_OPEN}(\\d+){_REF_CLOSE}")
# Text that Markdown would read as its own syntax, escaped.
_ESCAPED = str.maketrans({c: "\\" + c for c in "\\`*_[]^~|@"} | {"<": "&lt;", "&": "&amp;", "\u00ad": ""})
_LINE_START = re.compile(r"^(#|>|[-+*] |\d+[.)] |:::|\s+)")
# A file name Word gives a picture as its description when the author gave none.
_FILE_NAME = re.compile(
    r"^[\w\s-]*\.(?:png|jpe?g|gif|tiff?|bmp|emf|wmf|svg)$|^(?:Picture|Image|Obraz|Grafika) \d+$", re.I
)


@dataclass
class Finding:
    """A line of the import report: what, about which block of which file."""

    what: str
    detail: str
    chapter: int | None = None
    block: int | None = None  # its place among the chapter's blocks
    note: int | None = None  # or the number of the note it is in


@dataclass
class PlateDraft:
    id: str
    image: Path  # as pandoc extracted it
    caption: str  # Markdown
    alt: str
    chapter: int
    block: int


@dataclass
class Chapter:
    title: str
    blocks: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (label, Markdown)


@dataclass
class Written:
    """The manuscript as the importer writes it."""

    chapters: list[Chapter]
    plates: list[PlateDraft]
    findings: list[Finding]
    mended: Counter[str]
    notes: int
    citations: int


def write(
    document: Node, markers: Markers, language: str, title: str, descriptions: dict[str, str]
) -> Written:
    """The document's manuscript; `descriptions` are its pictures' alt text, by file name,
    where pandoc does not read them (an .odt's)."""
    writer = _Writer(markers, language)
    writer.descriptions = descriptions
    writer.document(document, title)
    return writer.finish()


def escape(text: str) -> str:
    return text.translate(_ESCAPED)


class _Writer:
    def __init__(self, markers: Markers, language: str) -> None:
        self.markers = markers
        self.language = language
        self.chapters: list[Chapter] = []
        self.plates: list[PlateDraft] = []
        self.findings: list[Finding] = []
        self.mended: Counter[str] = Counter()
        self.notes = 0
        self.citations = 0
        self.shift = 0
        # where each bookmark a reference names stands:
        # ("sec", heading number), ("plate", id) or ("note", label)
        self.bookmarks: dict[str, tuple[str, str]] = {}
        self.headings: list[str] = []  # plain text of every heading, in order
        self.in_note: int | None = None
        self.pending: list[str] = []  # bookmarks waiting for the next note call or heading
        self.caption_of: str | None = None  # the plate whose caption is being written
        self.descriptions: dict[str, str] = {}
        self.at_title = False  # a chapter's title is being written: its findings are about line 1

    # --- the document ---

    def document(self, document: Node, title: str) -> None:
        blocks = document["blocks"]
        abstract = document.get("meta", {}).get("abstract")
        if abstract and abstract["t"] == "MetaInlines":
            abstract = [{"t": "Para", "c": abstract["c"]}]
        else:
            abstract = abstract["c"] if abstract and abstract["t"] == "MetaBlocks" else []
        blocks = abstract + blocks  # pandoc takes Word's Abstract paragraphs for metadata
        levels = [block["c"][0] for block in blocks if block["t"] == "Header"]
        self.shift = min(levels) - 1 if levels else 0
        if not blocks or blocks[0]["t"] != "Header" or blocks[0]["c"][0] - self.shift != 1:
            self.chapters.append(Chapter(escape(title)))
            self.headings.append(title)
        if abstract:
            self.finding("abstract", "the document's abstract is set as its first paragraphs")
        self.blocks(self._captioned(blocks))

    def finish(self) -> Written:
        anchors = Anchors()
        heading_anchors = [anchors.make(text) for text in self.headings]
        for index, chapter in enumerate(self.chapters):
            chapter.title = self._resolve(chapter.title, heading_anchors, index, None)
            chapter.blocks = [
                self._resolve(block, heading_anchors, index, number)
                for number, block in enumerate(chapter.blocks)
            ]
            chapter.notes = [
                (label, self._resolve(text, heading_anchors, None, None)) for label, text in chapter.notes
            ]
        for plate in self.plates:
            plate.caption = self._resolve(plate.caption, heading_anchors, plate.chapter, plate.block)
        return Written(self.chapters, self.plates, self.findings, self.mended, self.notes, self.citations)

    def _resolve(self, text: str, anchors: list[str], chapter: int | None, block: int | None) -> str:
        def resolved(match: re.Match[str]) -> str:
            marker = self.markers[int(match.group(1))]
            assert isinstance(marker, Reference)
            target = self.bookmarks.get(marker.bookmark)
            if marker.kind != "PAGEREF" and target is not None:
                kind, name = target
                return f"@{kind}:{anchors[int(name)] if kind == 'sec' else name}"
            self.findings.append(
                Finding(
                    "cross-reference",
                    f"a {marker.kind} field to '{marker.bookmark}' kept as its text, “{marker.shown}”"
                    + ("; the book's pages are not Word's" if marker.kind == "PAGEREF" else ""),
                    chapter,
                    block,
                )
            )
            return escape(marker.shown)

        return _REF.sub(resolved, text)

    # --- blocks ---

    def _captioned(self, blocks: list[Node]) -> list[Node]:
        """Blocks with each picture alone in its paragraph and a caption paragraph above or under
        it made one figure, as pandoc makes it of a caption under a picture."""
        out: list[Node] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            image = _lone_image(block)
            if image is not None:
                caption = None
                if index + 1 < len(blocks) and self._is_caption(blocks[index + 1]):
                    caption, index = blocks[index + 1], index + 1
                elif out and self._is_caption(out[-1]):
                    caption = out.pop()
                out.append(
                    {
                        "t": "Figure",
                        "c": [
                            ["", [], []],
                            [None, [caption] if caption else []],
                            [{"t": "Plain", "c": [image]}],
                        ],
                    }
                )
            else:
                out.append(block)
            index += 1
        return out

    def _is_caption(self, block: Node) -> bool:
        if block["t"] not in ("Para", "Plain") or not block["c"] or block["c"][0]["t"] != "Str":
            return False
        parts = split(block["c"][0]["c"])
        return bool(parts) and isinstance(parts[0], int) and isinstance(self.markers[parts[0]], CaptionStart)

    def blocks(self, blocks: list[Node]) -> None:
        for block in blocks:
            self.block(block)

    def block(self, block: Node) -> None:
        kind = block["t"]
        if kind == "Header":
            self.header(block)
        elif kind == "Figure":
            self.figure(block)
        elif kind in ("Para", "Plain"):
            self.paragraph(block["c"])
        elif kind == "Div":
            self.blocks(block["c"][1])
        else:
            text = self.render_block(block, top=True)
            if text.strip():
                self.add(text)

    def chapter(self) -> Chapter:
        if not self.chapters:
            self.chapters.append(Chapter("Untitled"))
            self.headings.append("Untitled")
        return self.chapters[-1]

    def add(self, text: str) -> None:
        self.chapter().blocks.append(text)

    def here(self) -> tuple[int, int]:
        chapter = self.chapter()
        return len(self.chapters) - 1, len(chapter.blocks)

    def finding(self, what: str, detail: str) -> None:
        if self.in_note is not None:
            self.findings.append(Finding(what, detail, len(self.chapters) - 1, None, self.in_note))
        else:
            chapter, block = self.here()
            self.findings.append(Finding(what, detail, chapter, None if self.at_title else block, None))

    def header(self, block: Node) -> None:
        level, _, inlines = block["c"]
        level -= self.shift
        plain = _plain(inlines, self.markers).strip()
        if not plain:
            self.take_images(inlines)
            return
        if level > _DEEPEST:
            self.finding(
                "heading",
                f"a heading of level {level + self.shift} set as a bold paragraph: "
                f"the book's go down to {_DEEPEST}",
            )
            self.add(f"**{self.inlines(inlines).strip()}**")
            return
        if level == 1:  # the chapter first: a note its title calls is defined in its file
            self.chapters.append(Chapter(""))
        self.at_title = True
        text = self.inlines(inlines).strip()
        self.at_title = False
        heading = len(self.headings)
        self.headings.append(plain)
        for name in self.pending:
            self.bookmarks[name] = ("sec", str(heading))
        self.pending.clear()
        if level == 1:
            self.chapters[-1].title = text
        else:
            self.add(f"{'#' * level} {text}")
        self.take_images(inlines)

    def paragraph(self, inlines: list[Node]) -> None:
        if _only_marks(inlines, self.markers, Dropped):
            self.dropped(inlines)
            return
        if _only_marks(inlines, self.markers, Rule):
            self.add("***")
            return
        images = _images(inlines)
        text = self.inlines(inlines).strip()
        self.pending.clear()  # a bookmark on a paragraph, not on a heading or a note's call
        if text and _plain(inlines, self.markers).strip():
            if _bold_only(inlines):
                self.finding(
                    "possible heading",
                    "a paragraph all in bold, kept as it is: make it a heading ('## ') if it is one",
                )
            self.add(_line_safe(text))  # (marks alone print nothing: their findings are made)
        for image in images:
            self.plate(image, [], inline=bool(_plain(inlines, self.markers).strip()))

    def dropped(self, inlines: list[Node]) -> None:
        for part in split(_plain_raw(inlines)):
            if isinstance(part, int):
                marker = self.markers[part]
                if isinstance(marker, Dropped):
                    self.finding("left out", marker.what)
                    chapter = self.chapter()
                    # a heading over nothing but a bibliography ("References") goes with it
                    if (
                        not chapter.blocks
                        and len(self.chapters) > 1
                        and marker.what.startswith("a bibliography")
                    ):
                        self.chapters.pop()
                        self.findings[-1].detail += f"; its heading “{chapter.title}” too"
                        self.findings[-1].chapter = len(self.chapters) - 1
                    elif (
                        chapter.blocks
                        and chapter.blocks[-1].startswith("#")
                        and marker.what.startswith("a bibliography")
                    ):
                        heading = chapter.blocks.pop()
                        self.findings[-1].detail += f"; its heading “{heading.lstrip('# ')}” too"

    def figure(self, block: Node) -> None:
        _, (_, caption_blocks), content = block["c"]
        images = [
            image for part in content for image in _images(part["c"] if isinstance(part["c"], list) else [])
        ]
        caption: list[Node] = []
        for part in caption_blocks:
            if part["t"] in ("Para", "Plain"):
                caption += ([{"t": "Space"}] if caption else []) + part["c"]
        for number, image in enumerate(images):
            self.plate(image, caption if number == 0 else [], inline=False)

    def plate(self, image: Node, caption: list[Node], inline: bool) -> None:
        _, alt_inlines, (source, _) = image["c"]
        plate_id = self.plate_id(_plain(caption, self.markers))
        previous, self.caption_of = self.caption_of, plate_id
        caption_text = self.inlines(caption).strip()
        self.caption_of = previous
        caption_text = CAPTION_LABEL.sub("", caption_text, count=1) if caption_text else ""
        alt = " ".join(_plain(alt_inlines, self.markers).split()) or self.descriptions.get(
            Path(source).name, ""
        )
        if self.in_note is not None:
            self.finding(
                "picture in a note",
                f"a picture ({Path(source).name}) in a note is not imported: a plate stands in the text",
            )
            return
        if inline:
            self.finding(
                "picture in a paragraph", "a picture inside a paragraph's text is set as a plate after it"
            )
        chapter, block = self.here()
        self.plates.append(
            PlateDraft(
                plate_id, Path(source), caption_text, alt if not _FILE_NAME.match(alt) else "", chapter, block
            )
        )
        self.add(f"::: plate {plate_id}")

    def plate_id(self, caption: str) -> str:
        words = re.sub(
            r"[^a-z0-9]+", " ", ascii_text(CAPTION_LABEL.sub("", caption, count=1)).lower()
        ).split()
        base = "-".join(words[:4])[:40].strip("-") or f"plate-{len(self.plates) + 1}"
        taken = {plate.id for plate in self.plates}
        found, number = base, 1
        while found in taken:
            number += 1
            found = f"{base}-{number}"
        return found

    def take_images(self, inlines: list[Node]) -> None:
        for image in _images(inlines):
            self.plate(image, [], inline=True)

    # --- blocks as text (lists, quotations, tables, notes' blocks) ---

    def render_block(self, block: Node, top: bool = False) -> str:
        kind, content = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            for image in _images(content):
                if top:
                    self.plate(image, [], inline=True)
                else:
                    self.finding(
                        "picture",
                        f"a picture ({Path(image['c'][2][0]).name}) in a list, quotation or note "
                        "is not imported",
                    )
            return _line_safe(self.inlines(content).strip())
        if kind == "Header":
            return f"**{self.inlines(content[2]).strip()}**"
        if kind == "BlockQuote":
            inner = self.render_blocks(content)
            return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
        if kind in ("BulletList", "OrderedList"):
            return self.render_list(block)
        if kind == "Table":
            return self.render_table(block)
        if kind == "CodeBlock":
            return f"```\n{content[1]}\n```"
        if kind == "HorizontalRule":
            return "***"
        if kind == "Div":
            return self.render_blocks(content[1])
        if kind == "Figure":
            if top:
                self.figure(block)
            else:
                self.finding("picture", "a picture in a list, quotation or note is not imported")
            return ""
        if kind == "LineBlock":
            return "\n\n".join(_line_safe(self.inlines(line).strip()) for line in content)
        if kind == "DefinitionList":
            out = []
            for term, definitions in content:
                out.append(
                    self.inlines(term).strip()
                    + "\n"
                    + "\n".join(
                        ":   " + self.render_blocks(definition).replace("\n", "\n    ")
                        for definition in definitions
                    )
                )
            return "\n\n".join(out)
        self.finding("unknown block", f"a block pandoc calls {kind} is not imported")
        return ""

    def render_blocks(self, blocks: list[Node]) -> str:
        return "\n\n".join(text for block in blocks if (text := self.render_block(block)).strip())

    def render_list(self, block: Node) -> str:
        ordered = block["t"] == "OrderedList"
        items = block["c"][1] if ordered else block["c"]
        start = block["c"][0][0] if ordered else 1
        out = []
        for number, item in enumerate(items, start=start):
            mark = f"{number}." if ordered else "-"
            inner = self.render_blocks(item) or " "
            lines = inner.split("\n")
            indent = " " * 4
            out.append(
                f"{mark}{' ' * (4 - len(mark))}{lines[0]}"
                + "".join(f"\n{indent}{line}" if line else "\n" for line in lines[1:])
            )
        loose = any(len(item) > 1 for item in items)
        return ("\n\n" if loose else "\n").join(out)

    def render_table(self, block: Node) -> str:
        _, caption, columns, head, bodies, foot = block["c"]
        if self.in_note is not None:
            self.finding(
                "table in a note",
                "a table in a note is set as its rows, one paragraph each: the book's notes hold no table",
            )
        rows = [row for row in head[1]]
        for body in bodies:
            rows += body[2] + body[3]
        rows += foot[1]
        cells = [[self.cell(cell) for cell in row[1]] for row in rows]
        if any(cell[3] > 1 or cell[2] > 1 for row in rows for cell in row[1]):
            self.finding("table", "merged cells are set as separate ones, the merged text in the first")
        width = max((len(row) for row in cells), default=0)
        if not width:
            return ""
        cells = [row + [""] * (width - len(row)) for row in cells]
        caption_text = " ".join(
            self.inlines(part["c"]) for part in caption[1] if part["t"] in ("Para", "Plain")
        ).strip()
        if self.in_note is not None:
            return "\n\n".join(" | ".join(row) for row in cells)
        if not head[1]:
            self.finding("table", "a table without a heading row: its first row is set as its head")
        alignments = {"AlignLeft": ":---", "AlignRight": "---:", "AlignCenter": ":---:"}
        lines = [
            "| " + " | ".join(cells[0]) + " |",
            "|" + "|".join(alignments.get(column[0]["t"], "---") for column in columns[:width]) + "|",
            *("| " + " | ".join(row) + " |" for row in cells[1:]),
        ]
        if caption_text:
            self.finding("table caption", "a table's caption is set as a paragraph above it")
            return f"{_line_safe(caption_text)}\n\n" + "\n".join(lines)
        return "\n".join(lines)

    def cell(self, cell: list) -> str:
        blocks = cell[4]
        texts = []
        for block in blocks:
            if block["t"] in ("Para", "Plain"):
                texts.append(self.inlines(block["c"]).strip())
            else:
                self.finding("table", "a list or quotation in a table cell is set as its text")
                texts.append(self.render_block(block).replace("\n", " "))
        if len(texts) > 1:
            self.finding("table", "a table cell of several paragraphs is set as one")
        return " ".join(texts).replace("\n", " ")

    # --- notes ---

    def note(self, blocks: list[Node]) -> str:
        self.notes += 1
        label = str(self.notes)
        for name in self.pending:
            self.bookmarks[name] = ("note", label)
        self.pending.clear()
        outer, self.in_note = self.in_note, self.notes
        texts = [text for block in blocks if (text := self.render_block(block)).strip()]
        self.in_note = outer
        if not texts:
            texts = ["[empty note]"]
            self.finding("empty note", f"note {label} has no text in the document")
        if texts[0].startswith(("> ", "-", "1.")):
            texts.insert(0, "…")  # a note opening with a quotation or list: a first line for its label
        body = texts[0] + "".join(
            "\n\n" + "\n".join(f"    {line}" if line else "" for line in text.split("\n"))
            for text in texts[1:]
        )
        self.chapter().notes.append((label, body))
        return f"[^{label}]"

    # --- inline text ---

    def inlines(self, inlines: list[Node]) -> str:
        out: list[str] = []
        words: list[str] = []

        def flush() -> None:
            if words:
                text = "".join(words)
                before = out[-1][-1:] if out and out[-1] else ""
                out.append(self.text(text, before))
                words.clear()

        for node in inlines:
            kind, content = node["t"], node.get("c")
            if kind == "Str":
                words.append(content)
            elif kind in ("Space", "SoftBreak"):
                words.append(" ")
            elif kind == "LineBreak":
                self.mended["manual line breaks"] += 1
                words.append(" ")
            else:
                flush()
                out.append(self.inline(kind, content))
        flush()
        return re.sub(r"(?<=\S) {2,}(?=\S)", " ", "".join(out))

    def text(self, text: str, before: str) -> str:
        """Words of the document (with markers) as Markdown text."""
        out = []
        for part in split(text):
            if isinstance(part, int):
                out.append(self.marker(part))
            else:
                mended = house_style.mend(
                    part, out[-1][-1:] if out and out[-1] else before, self.language, self.mended
                )
                out.append(escape(mended))
        return "".join(out)

    def marker(self, number: int) -> str:
        marker = self.markers[number]
        if isinstance(marker, Citation):
            self.citations += 1
            return citations.markdown(marker, escape)
        if isinstance(marker, Reference):
            return f"{_REF_OPEN}{number}{_REF_CLOSE}"
        if isinstance(marker, Bookmark):
            if self.caption_of is not None:
                self.bookmarks[marker.name] = ("plate", self.caption_of)
            else:
                self.pending.append(marker.name)
            return ""
        if isinstance(marker, Unmapped):
            self.finding(marker.what, marker.detail)
            return ""
        if isinstance(marker, Dropped):
            self.finding("left out", marker.what)
            return ""
        return ""  # CaptionStart, CaptionNumber: the caption's own marks

    def inline(self, kind: str, content: Any) -> str:
        wrapping = {"Emph": "*", "Strong": "**", "Superscript": "^", "Subscript": "~"}
        if kind in wrapping:
            inner = self.inlines(content)
            stripped = inner.strip()
            if not stripped:
                return inner
            mark = wrapping[kind]
            if kind in ("Superscript", "Subscript") and " " in stripped:
                self.finding(
                    "superscript" if kind == "Superscript" else "subscript",
                    f"“{stripped[:40]}” has spaces: set as ordinary text",
                )
                return inner
            lead = inner[: len(inner) - len(inner.lstrip())]
            tail = inner[len(inner.rstrip()) :]
            return f"{lead}{mark}{stripped}{mark}{tail}"
        if kind == "Underline":
            self.mended["underlining set as emphasis"] += 1
            return self.inline("Emph", content)
        if kind == "SmallCaps":
            inner = self.inlines(content)
            return f"[{inner.strip()}]{{.smallcaps}}" if inner.strip() else inner
        if kind == "Strikeout":
            self.finding(
                "struck-through text", f"“{_plain(content, self.markers)[:60]}” kept as ordinary text"
            )
            return self.inlines(content)
        if kind == "Quoted":
            opening, closing, single_opening, single_closing = quotation_marks(self.language)
            marks = (
                (opening, closing) if content[0]["t"] == "DoubleQuote" else (single_opening, single_closing)
            )
            return f"{marks[0]}{self.inlines(content[1])}{marks[1]}"
        if kind == "Cite":
            return self.inlines(content[1])
        if kind == "Code":
            return f"`{content[1]}`" if "`" not in content[1] else escape(content[1])
        if kind == "Math":
            self.finding("equation", f"an equation kept as its TeX, `{content[1][:40]}`")
            return f"`{content[1]}`"
        if kind == "RawInline":
            return ""
        if kind == "Link":
            text = self.inlines(content[1])
            url = content[2][0]
            if url.startswith("#"):
                self.finding("link", f"a link inside the document, to '{url}', kept as its text")
                return text
            if not re.match(r"^(https?:|mailto:)", url):
                self.finding(
                    "link", f"a link to '{url[:60]}' kept as its text: the book links only to the web"
                )
                return text
            return f"[{text}](<{url}>)" if " " in url or ")" in url else f"[{text}]({url})"
        if kind == "Image":
            return ""  # a plate, after its paragraph
        if kind == "Note":
            return self.note(content)
        if kind == "Span":
            (_, _, attributes), inner = content[0], content[1]
            language = dict(attributes).get("lang")
            text = self.inlines(inner)
            if language and not language.startswith(self.language) and text.strip():
                return f"[{text}]{{lang={language}}}"
            return text
        return ""


def _lone_image(block: Node) -> Node | None:
    """The picture a paragraph holds with nothing else but spaces and marks."""
    if block["t"] not in ("Para", "Plain"):
        return None
    images = [node for node in block["c"] if node["t"] == "Image"]
    rest = [node for node in block["c"] if node["t"] not in ("Image", "Space", "SoftBreak", "LineBreak")]
    if len(images) == 1 and all(
        node["t"] == "Str" and not _without_marks(node["c"]).strip() for node in rest
    ):
        return images[0]
    return None


def _without_marks(text: str) -> str:
    return "".join(part for part in split(text) if isinstance(part, str))


def _images(inlines: list[Node]) -> list[Node]:
    found = []
    for node in inlines:
        if node["t"] == "Image":
            found.append(node)
        elif node["t"] in (
            "Emph",
            "Strong",
            "Underline",
            "SmallCaps",
            "Superscript",
            "Subscript",
            "Strikeout",
        ):
            found += _images(node["c"])
        elif node["t"] in ("Span", "Link"):
            found += _images(node["c"][1])
    return found


def _plain_raw(inlines: list[Node]) -> str:
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "SmallCaps", "Superscript", "Subscript", "Strikeout"):
            out.append(_plain_raw(content))
        elif kind in ("Span", "Link", "Cite") or kind == "Quoted":
            out.append(_plain_raw(content[1]))
        elif kind in ("Code", "Math"):
            out.append(content[1])
    return "".join(out)


def plain(inlines: list[Node]) -> str:
    """The inlines' words (pandoc's metadata: a title, an author)."""
    return " ".join(_plain_raw(inlines).split())


def _plain(inlines: list[Node], markers: Markers) -> str:
    """The inlines' words, without markers (a citation's shown text kept)."""
    out = []
    for part in split(_plain_raw(inlines)):
        if isinstance(part, str):
            out.append(part)
        else:
            marker = markers[part]
            if isinstance(marker, Citation | Reference):
                out.append(marker.shown)
    return "".join(out)


def _only_marks(inlines: list[Node], markers: Markers, kind: type) -> bool:
    parts = [part for part in split(_plain_raw(inlines)) if not (isinstance(part, str) and not part.strip())]
    return bool(parts) and all(isinstance(part, int) and isinstance(markers[part], kind) for part in parts)


def _bold_only(inlines: list[Node]) -> bool:
    meaningful = [node for node in inlines if node["t"] not in ("Space", "SoftBreak")]
    return len(meaningful) == 1 and meaningful[0]["t"] == "Strong"


def _line_safe(text: str) -> str:
    """A paragraph whose first characters Markdown would read as syntax, escaped."""
    text = text.lstrip()
    match = _LINE_START.match(text)
    if match:
        return (
            "\\" + text
            if match.group(1)[0] in "#>-+*:"
            else text.replace(".", "\\.", 1).replace(")", "\\)", 1)
        )
    return text


def ascii_text(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return folded.encode("ascii", "ignore").decode()
