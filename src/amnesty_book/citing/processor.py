"""Sets the book's citations in its CSL style with pandoc's citeproc: the notes and in-text
citations, in the book's numbering and order, and the entries of its Sources."""

from __future__ import annotations

import json
import re
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from amnesty_book.citing.bibliography import Bibliography, unreadable
from amnesty_book.citing.pandoc_program import pandoc, pandoc_identity
from amnesty_book.citing.pandoc_text import Node, block_markup, inline_markup
from amnesty_book.citing.style import Style
from amnesty_book.model import (
    BibliographyEntry,
    Book,
    CiteRef,
    Heading,
    Inline,
    Note,
    NoteCall,
    PlatePlacement,
    Prose,
)
from amnesty_book.model.rewriting import rewrite_text
from amnesty_book.model.text import plain_text
from amnesty_book.support.cache import DerivedFiles
from amnesty_book.support.errors import BookError, Problems, tell, warn

# An entry cited between two citations that stand apart (a caption, a timeline source), so
# that the style sets neither as "ibid." of the other; it is never listed.
_SEPARATOR = "amnesty-book-separator"
# The dashes that end the punctuation a note call moves after (pandoc leaves them after it).
_DASHES = "\u2013\u2014"
_MARK = re.compile(r"c\d+")
# A full stop that stands alone after a citation (pandoc's Str "."): before a space, a tag or the end.
_LONE_STOP = re.compile(r"\.(?![^\s<])")
# The first letter of markup, after its tags.
_FIRST_LETTER = re.compile(r"^((?:<[^>]*>|\s)*)(\w)")
# Markup with no words: a note's paragraph tags, spaces.
_BLANK = re.compile(r"(?:\s|</?p>)*")
# A citation that ends a sentence: a full stop, perhaps inside closing quotation marks.
_ENDS_WITH_STOP = re.compile(r"\.[\u201d\u2019\u00bb]*$")
# How pandoc's citeproc begins its complaint about a style (not about the bibliography).
_STYLE_ERROR = "CiteprocParseError"


@dataclass(frozen=True)
class _Set:
    """A citation as the style sets it: words in the text, and the note it makes, if any."""

    in_text: str
    note: str  # XHTML paragraphs; empty when the citation makes no note


def key_problem(key: str, bibliography: Bibliography | None) -> str | None:
    """What is wrong with citing `key` (the build's and the linter's words); None if nothing."""
    if bibliography is None:
        return (
            f"@{key} cites a bibliography, but book.toml names none; add [sources] "
            'bibliography = "file.bib", or write \\@ for an @ that cites nothing'
        )
    if key not in bibliography.lines:
        return f"@{key} is not in the bibliography ({bibliography.file}); check the key, or add the entry"
    return None


def check_keys(book: Book, bibliography: Bibliography | None) -> None:
    """Every cited key is in the bibliography: else a problem at the citation."""
    problems = Problems()
    order = _Order(book)
    citations = [cite for cite in order.cites if cite is not None]
    # A key cited twice on a line is reported once.
    cited = {(str(cite.location), key): (cite, key) for cite in citations for key in cite.keys}
    for cite, key in cited.values():
        if problem := key_problem(key, bibliography):
            problems.add(cite.location, problem)
    problems.raise_if_any()


def set_citations(book: Book, bibliography: Bibliography, style: Style, list_uncited: bool) -> Book:
    """The book with every citation set, and its Sources listed (what is cited, or all)."""
    order = _Order(book)
    skeleton = order.skeleton(list_uncited)
    start = time.perf_counter()
    output = _set_by_pandoc(book, skeleton, bibliography, style)
    cited = sum(cite is not None for cite in order.cites)
    tell(f"citations: {cited} set in {style.path.stem} in {time.perf_counter() - start:.2f} s")
    language = book.config.language
    cites = _marked_cites(output["blocks"], order.unmarked)
    beginning = set(order.unmarked)
    settings: dict[int, _Set] = {}
    for index, cite in enumerate(order.cites):
        if cite is None:
            continue  # a separator, or an entry made cited before the citations that stand apart
        found = cites.get(f"c{index}")
        if found is None or tuple(each["citationId"] for each in found["c"][0]) != cite.keys:
            raise BookError.at(cite.location, f"pandoc reads no citation in {cite.source}; check its syntax")
        setting = found["c"][1]
        in_text = [each for each in setting if each["t"] != "Note"]
        note = "".join(block_markup(each["c"], language) for each in setting if each["t"] == "Note")
        words = inline_markup(in_text, language).strip()
        if index in beginning:
            # It begins a note: capitalized, as pandoc capitalizes a note the style makes
            # ("Ibid.", not "ibid.", CMOS 14.34), though not a note that begins with it.
            words = _FIRST_LETTER.sub(lambda found: found.group(1) + found.group(2).upper(), words, count=1)
        settings[id(cite)] = _Set(words, note)
    generated = {cite.note.number: settings[id(cite)].note for cite in order.cites if cite and cite.note}

    def note_content(note: Note) -> Inline:
        if note.number in generated:
            return (generated[note.number],)
        return rewrite(note.content)

    def rewrite(content: Inline) -> Inline:
        parts: list[Any] = []
        made: list[NoteCall] = []
        ends_with_stop = False  # the last part is a citation set in the text, ending a sentence
        for part in content:
            if not isinstance(part, CiteRef):
                if ends_with_stop and isinstance(part, str) and _LONE_STOP.match(part):
                    # The citation's full stop ends the sentence (pandoc's, and after a closing
                    # quotation mark, ours: pandoc would print “Title.”.).
                    part = part[1:]
                parts.append(part)
                ends_with_stop = False
                continue
            setting = settings[id(part)]
            if part.note is None:
                # A citation that makes no note (in a note style: one in a note or a text that
                # stands apart, set by pandoc as in a note). A superscript takes the place of its
                # space, as pandoc's.
                if setting.in_text.startswith("<sup>") and parts and isinstance(parts[-1], str):
                    parts[-1] = parts[-1].rstrip(" \n")
                parts.append(setting.in_text)
                ends_with_stop = bool(_ENDS_WITH_STOP.search(plain_text((setting.in_text,))))
                continue
            if setting.in_text:
                parts.append(setting.in_text)
            elif parts and isinstance(parts[-1], str):
                parts[-1] = parts[-1].rstrip()  # the call takes the citation's place, and its space
            made.append(NoteCall(part.note))
            parts.append(made[-1])
        return _punctuation_before_calls(parts, made)

    printed = []
    for key, blocks in _bibliography(output["blocks"]):
        text = inline_markup(_first_paragraph(blocks), language)
        if key == _SEPARATOR:
            continue
        if not text.strip():  # pandoc warns of it, and lists it empty
            warn(
                bibliography.location(key),
                f"the style {style.path.stem} prints nothing for entry '{key}', which the Sources leave "
                "out; give it the fields its type needs in this style, or another type",
            )
            continue
        printed.append((key, text))
    entries = tuple(
        BibliographyEntry(key, f"source-{number}", text) for number, (key, text) in enumerate(printed, 1)
    )
    return replace(rewrite_text(book, rewrite, note_content), bibliography=entries)


def _punctuation_before_calls(parts: list[Any], made: list[NoteCall]) -> Inline:
    """The calls of notes that citations made after the punctuation that follows them, as
    pandoc sets them: "text.”¹", not "text¹.”"."""
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str) and out and any(out[-1] is call for call in made):
            moved = _leading_punctuation(part)
            if moved:
                out.insert(-1, part[:moved])
                part = part[moved:]
        if part != "":
            out.append(part)
    return tuple(out)


def _leading_punctuation(markup: str) -> int:
    """How many characters of punctuation begin `markup`, as pandoc's citeproc moves them before
    a note: any Unicode punctuation (closing quotation marks and brackets too) up to an en or
    em dash. An ampersand ends them too: in markup it begins an entity."""
    for index, character in enumerate(markup):
        if character in _DASHES or character == "&" or not unicodedata.category(character).startswith("P"):
            return index
    return len(markup)


def _first_paragraph(blocks: list[Node]) -> list[Node]:
    return next((block["c"] for block in blocks if block["t"] in ("Para", "Plain")), [])


class _Order:
    """The book's citations in the order the style must see them: the running text and the
    notes in reading order, each note at its number; then the texts that stand apart (captions,
    credits, plates' sources, the appendices), each set as a note of its own (as pandoc sets a
    citation in a note) whose citations are later citations of their works, never "ibid."."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.cites: list[CiteRef | None] = []
        self.unmarked: list[int] = []  # the citations that begin a note, where no mark may stand
        self.apart: list[Inline] = []
        self.text: list[str] = []
        self.notes: list[str] = []
        self.last_note = 0
        for chapter in book.chapters:
            self.running(chapter.title.content)
            for block in chapter.blocks:
                if isinstance(block, Heading | Prose):
                    self.running(block.content)
                elif isinstance(block, PlatePlacement) and block.plate is not None:
                    self.running(block.plate.caption, apart=True)
                    self.apart += [block.plate.caption, block.plate.credit, block.plate.source]
        for appendix in book.appendices:
            for entry in appendix.entries:
                self.apart += entry.texts().values()
        self.apart = [text for text in self.apart if _citations(text)]
        self.apart_notes = [self.note_text(text) for text in self.apart]

    def running(self, content: Inline, apart: bool = False) -> None:
        for part in content:
            if isinstance(part, NoteCall):
                self.note(part.note)
            elif isinstance(part, CiteRef) and not apart:
                if part.note is not None:
                    self.numbered(part.note)
                self.text.append(self.cite(part))

    def cite(self, cite: CiteRef | None, written: str = "", marked: bool = True) -> str:
        """The citation as the skeleton writes it, after a mark that names it: `[]{#c7}[@key]`.
        (Inside a span, pandoc would set it as a sentence's end.) One that begins a note has
        none (pandoc would parenthesize it): it is the note's first citation."""
        self.cites.append(cite)
        source = " ".join(cite.source.split()) if cite else written
        if not marked:
            self.unmarked.append(len(self.cites) - 1)
            return source
        return f"[]{{#c{len(self.cites) - 1}}}{source}"

    def note(self, note: Note) -> None:
        self.numbered(note)
        self.text.append(f"[^n{note.number}]")
        self.notes.append(f"[^n{note.number}]: {self.note_text(note.content)}")

    def note_text(self, content: Inline) -> str:
        """A note's text as the skeleton writes it: its citations, and around each what decides
        how pandoc's citeproc sets a citation in a note of a note style: whether it begins the
        note (then it is set unparenthesized, else in parentheses or, written `@key`, with a
        comma after the author), whether a full stop follows it alone, and whether what follows
        begins with a capital (a narrative citation then keeps its full stop)."""
        parts = [part for part in content if not isinstance(part, str) or not _BLANK.fullmatch(part)]
        one_paragraph = sum(part.count("<p>") for part in content if isinstance(part, str)) <= 1
        written = ""
        for index, part in enumerate(parts):
            if not isinstance(part, CiteRef):
                continue
            if index == 0 and one_paragraph:
                written = self.cite(part, marked=False)
            else:
                written += f"{' ' if written else 'x '}{self.cite(part)}"
            written += _what_follows(parts[index + 1 :])
        return written or "x"

    def numbered(self, note: Note) -> None:
        """The style counts notes as pandoc does, in their order: the book's numbers."""
        if note.number != self.last_note + 1:
            raise AssertionError(f"note {note.number} comes after note {self.last_note}")
        self.last_note = note.number

    def skeleton(self, list_uncited: bool) -> str:
        apart = [cite for text in self.apart for cite in _citations(text)]
        for key in dict.fromkeys(key for cite in apart for key in cite.keys):
            self.text += [self.cite(None, f"[@{key}]"), self.cite(None, f"[@{_SEPARATOR}]")]
        for number, body in enumerate(self.apart_notes, 1):
            self.text += [self.cite(None, f"[@{_SEPARATOR}]"), f"[^a{number}]"]
            self.notes.append(f"[^a{number}]: {body}")
        header = {
            "references": [{"id": _SEPARATOR, "type": "book", "title": "-", "author": [{"literal": "-"}]}],
            **({"nocite": "@*"} if list_uncited else {}),
        }
        front_matter = f"---\n{json.dumps(header, ensure_ascii=False)}\n..."
        return "\n\n".join([front_matter, "x " + " x ".join(self.text) + " x", *self.notes])


def _citations(content: Inline) -> list[CiteRef]:
    return [part for part in content if isinstance(part, CiteRef)]


def _what_follows(parts: list[Any]) -> str:
    """What the skeleton writes after a citation in a note for what follows it (`parts`): as
    much as pandoc's citeproc looks at, a full stop alone, or a word with or without a capital."""
    if not parts or isinstance(parts[0], CiteRef):
        return ""
    if not isinstance(parts[0], str):
        return " x"
    if _LONE_STOP.match(parts[0]):
        return "."
    return " X" if parts[0].lstrip()[:1].isupper() else " x"


def _marked_cites(blocks: list[Node], unmarked: list[int]) -> dict[str, Node]:
    """The Cite elements of pandoc's output by the mark (an empty span `c0`, `c1`, ...) that
    stands before each; one with no mark begins a note, and is the next of `unmarked`."""
    found: dict[str, Node] = {}
    mark = ""
    first = iter(unmarked)

    def walk(node: Any) -> None:
        nonlocal mark
        if isinstance(node, list):
            for each in node:
                walk(each)
        elif isinstance(node, dict) and "c" in node:
            if node["t"] == "Span" and _MARK.fullmatch(node["c"][0][0]):
                mark = node["c"][0][0]
            elif node["t"] == "Cite":
                found[mark or f"c{next(first, -1)}"], mark = node, ""
            elif node["t"] != "Div" or node["c"][0][0] != "refs":
                walk(node["c"])

    walk(blocks)
    return found


def _bibliography(blocks: list[Node]) -> Iterator[tuple[str, list[Node]]]:
    for block in blocks:
        if block["t"] == "Div" and block["c"][0][0] == "refs":
            for entry in block["c"][1]:
                yield entry["c"][0][0].removeprefix("ref-"), entry["c"][1]


def _locale(language: str) -> str:
    return language if "-" in language else {"en": "en-US"}.get(language, f"{language}-{language.upper()}")


def _set_by_pandoc(book: Book, skeleton: str, bibliography: Bibliography, style: Style) -> dict[str, Any]:
    """pandoc's output for the skeleton, kept in the build's cache: a book whose citations,
    bibliography and style are unchanged is not set again."""
    locale = _locale(book.config.language)

    def run(target: Path) -> None:
        command = [
            pandoc(),
            "--from=markdown",
            "--to=json",
            "--citeproc",
            f"--csl={style.path}",
            f"--bibliography={bibliography.path.name}",
            f"--metadata=lang:{locale}",
            f"--output={target.resolve()}",
        ]
        # In the bibliography's folder, so that pandoc's messages name no other path.
        folder = bibliography.path.parent
        done = subprocess.run(
            command, input=skeleton, cwd=folder, capture_output=True, text=True, check=False
        )
        if done.returncode != 0 and _STYLE_ERROR in done.stderr:
            reason = " ".join(done.stderr.split(_STYLE_ERROR, 1)[1].split()).lstrip(": ")
            raise BookError.at(style.location, f"pandoc cannot read this CSL style ({reason}); correct it")
        if done.returncode != 0:
            raise unreadable(bibliography, done.stderr)

    sources = [bibliography.path, style.path]
    key = f"{pandoc_identity()}\0{locale}\0{skeleton}"
    output = DerivedFiles(book.root).get("citations", sources, key, ".json", run)
    return json.loads(output.read_text(encoding="utf-8"))
