"""Real long books, prepared by others, turned into projects of this builder for the benchmark.

The books are Standard Ebooks' XHTML editions (public domain texts; the editions' own work
dedicated to the public domain under CC0), each read from a local copy of its repository at
a pinned commit: nothing is fetched here. Get a copy once, e.g.

    git clone https://github.com/standardebooks/samuel-pepys_the-diary
    git -C samuel-pepys_the-diary checkout a3031890b10ba1332659e4462fd5db5c99e60616

into one folder (by default bench/real/, which git ignores) holding each book's repository
under its own name; then `python bench/real_books.py bench/real OUT` writes each book's
project into OUT/<book>, and bench/run.py times them (`--real-books DIR`).

The XHTML becomes our Markdown as a new user would write it: a chapter file each, `# title`
(a note called from it kept there), `## ` for the sections, paragraphs on one line each,
quotations as `> `, verse with hard line breaks, lists, section breaks (`***`), words marked
in another language as `[words]{lang=xx}`, italics as `*...*`, and each note defined at the
end of the chapter that calls it, labelled by its number in the source (`[^47]`), its later
paragraphs and quotations indented by four spaces. A minimal book.toml names the title, the
author and the manuscript folder.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class RealBook:
    """A book of another's repository: which chapter files of it make our book."""

    name: str  # the folder of its project, and its name in the benchmark's lines
    repository: str  # github.com/<repository>
    commit: str
    title: str
    author: str
    chapters: tuple[str, ...]  # files of src/epub/text, in order
    about: str  # what it is, for the benchmark's lines


BOOKS = (
    RealBook(
        name="pepys-1660",
        repository="standardebooks/samuel-pepys_the-diary",
        commit="a3031890b10ba1332659e4462fd5db5c99e60616",
        title="The Diary of Samuel Pepys, 1660",
        author="Samuel Pepys",
        chapters=tuple(f"chapter-{month}.xhtml" for month in range(1, 13)),
        about="Pepys's diary, 1660: 12 months, Wheatley's notes (a call in each month's heading)",
    ),
    RealBook(
        name="james-varieties",
        repository="standardebooks/william-james_the-varieties-of-religious-experience",
        commit="9468e743466077aeff166967ef14a965b0bc0fc7",
        title="The Varieties of Religious Experience",
        author="William James",
        chapters=tuple(f"chapter-{lecture}.xhtml" for lecture in range(1, 11)),
        about="James's Varieties, lectures I to XV: long notes, quotations in notes",
    ),
)


def source_folder(sources: Path, book: RealBook) -> Path:
    """Where `book`'s repository is expected in the folder of sources."""
    return sources / book.repository.split("/")[1]


def make_real_book(book: RealBook, source: Path, target: Path) -> str:
    """Writes `book`'s project into `target` from its repository's copy in `source` (a folder
    holding src/epub/text); says how large it is."""
    text = source / "src" / "epub" / "text"
    if not text.is_dir():
        raise SystemExit(f"{source}: no src/epub/text here; get {book.repository} at {book.commit[:12]}")
    notes = _notes(ElementTree.parse(text / "endnotes.xhtml").getroot())
    if target.exists():
        shutil.rmtree(target)
    folder = target / "manuscript"
    folder.mkdir(parents=True)
    called = paragraphs = 0
    for number, name in enumerate(book.chapters, 1):
        chapter = _Chapter(notes)
        lines = chapter.blocks(_section(ElementTree.parse(text / name).getroot()))
        definitions = [chapter.definition(label) for label in chapter.called]
        called += len(chapter.called)
        paragraphs += chapter.paragraphs
        manuscript = "\n\n".join(lines + definitions) + "\n"
        (folder / f"{number:02d}.md").write_text(manuscript, encoding="utf-8")
    identifier = uuid.UUID(hashlib.sha256(book.name.encode()).hexdigest()[:32])
    (target / "book.toml").write_text(
        f"# {book.about}.\n"
        f"# Made by bench/real_books.py from {book.repository} at {book.commit}.\n\n"
        "[book]\n"
        f'title = "{book.title}"\n'
        f'author = "{book.author}"\n'
        'language = "en"\n'
        f'identifier = "urn:uuid:{identifier}"\n'
        f'slug = "{book.name}"\n'
        "edition_date = 2026-12-07\n\n"
        "[sources]\n"
        'manuscript = "manuscript"\n',
        encoding="utf-8",
    )
    return f"{len(book.chapters)} chapters, {paragraphs} paragraphs, {called} notes"


def _section(root: ElementTree.Element) -> ElementTree.Element:
    body = root.find(f"{XHTML}body")
    assert body is not None
    section = body.find(f"{XHTML}section")
    return section if section is not None else body


def _notes(root: ElementTree.Element) -> dict[str, ElementTree.Element]:
    """Each endnote's <li>, by its number."""
    return {
        item.get("id", "").removeprefix("note-"): item
        for item in root.iter(f"{XHTML}li")
        if item.get("id", "").startswith("note-")
    }


def _tag(element: ElementTree.Element) -> str:
    return element.tag.removeprefix(XHTML)


def _types(element: ElementTree.Element) -> set[str]:
    return set(element.get(EPUB_TYPE, "").split())


# Characters Markdown would read as markup, escaped where they stand in text.
_ESCAPED = re.compile(r"([\\`*_\[\]{}])")
# A line opening as a heading, a quotation or a list item would be read as one: its mark is
# escaped (an ordered item's after its number, "1660\. ").
_OPENING = re.compile(r"^(\s*)(#|>|[-+*](?=\s)|\d+[.)](?=\s))")
_SPACES = re.compile(r"[ \t\n\r]+")


def _text(text: str | None) -> str:
    if not text:
        return ""
    text = _SPACES.sub(" ", text)
    text = _ESCAPED.sub(r"\\\1", text).replace("@", r"\@").replace("<", "&lt;")
    return text


class _Chapter:
    """One chapter file read into Markdown: its blocks, and the notes it calls in order."""

    def __init__(self, notes: dict[str, ElementTree.Element]) -> None:
        self.notes = notes
        self.called: list[str] = []
        self.paragraphs = 0
        self.in_note = False

    # Blocks: each a list of lines, joined by blank lines.

    def blocks(self, parent: ElementTree.Element) -> list[str]:
        out: list[str] = []
        for child in parent:
            out += self.block(child)
        return out

    def block(self, element: ElementTree.Element) -> list[str]:
        tag = _tag(element)
        if tag in ("h1", "h2"):
            return [f"# {self.inline(element).strip()}"]
        if tag == "hgroup":
            parts = [self.inline(child).strip() for child in element]
            return [f"# {': '.join(part for part in parts if part)}"]
        if tag in ("h3", "h4", "h5", "h6"):
            return [f"## {self.inline(element).strip()}"]
        if tag == "header" and element.find(f"{XHTML}h2") is not None:
            return self.blocks(element)
        if tag in ("p", "cite"):
            return self.paragraph(element)
        if tag == "blockquote":
            inner = self.blocks(element) if len(element) else self.paragraph(element)
            return [
                "\n".join(f"> {line}" if line else ">" for line in block.split("\n"))
                for block in _quoted(inner)
            ]
        if tag in ("ol", "ul"):
            return [self.listing(element)]
        if tag == "hr":
            return ["***"]
        if tag == "table":
            return [
                self.paragraph_of(" — ".join(self.inline(cell).strip() for cell in row))
                for row in element.iter(f"{XHTML}tr")
            ]
        if tag in ("img", "figure"):
            return []
        if tag in ("section", "article", "header", "footer", "div", "li", "tbody"):
            return self.blocks(element)
        return self.paragraph(element)  # anything else: its text as a paragraph

    def paragraph(self, element: ElementTree.Element) -> list[str]:
        text = self.inline(element).strip()
        return [self.paragraph_of(text)] if text else []

    def paragraph_of(self, text: str) -> str:
        self.paragraphs += 1
        # Each line (verse is broken into lines) opens as text, not as Markdown's markup.
        lines = (line.lstrip() for line in text.split("\n"))
        return "\n".join(_OPENING.sub(_escaped_opening, line) for line in lines)

    def listing(self, element: ElementTree.Element) -> str:
        items = []
        ordered = _tag(element) == "ol"
        for number, item in enumerate(element.findall(f"{XHTML}li"), 1):
            mark = f"{number}. " if ordered else "- "
            if any(_tag(child) in ("p", "blockquote", "ol", "ul") for child in item):
                inner = "\n\n".join(self.blocks(item))
            else:
                inner = self.inline(item).strip()
            indent = " " * len(mark)
            items.append(mark + inner.replace("\n", "\n" + indent).replace("\n" + indent + "\n", "\n\n"))
        return "\n".join(items)

    # Inline text.

    def inline(self, element: ElementTree.Element, emphasis: bool = False) -> str:
        out = [_text(element.text)]
        for child in element:
            out.append(self.phrase(child, emphasis))
            out.append(_text(child.tail))
        return "".join(out)

    def phrase(self, element: ElementTree.Element, emphasis: bool) -> str:
        tag = _tag(element)
        types = _types(element)
        if tag == "a":
            if "noteref" in types and not self.in_note:
                label = element.get("href", "").rpartition("#note-")[2]
                if label not in self.called:
                    self.called.append(label)
                return f"[^{label}]"
            if "backlink" in types or "noteref" in types:
                return ""
            return self.inline(element, emphasis)
        if tag == "br":
            return "  \n"
        if tag in ("i", "em", "cite", "dfn", "b", "strong") and not emphasis:
            inner = self.inline(element, emphasis=True)
            marks = "**" if tag in ("b", "strong") else "*"
            stripped = inner.strip()
            if not stripped:
                return inner
            lead = inner[: len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()) :]
            return f"{lead}{marks}{self.language(element, stripped)}{marks}{trail}"
        if tag == "span" and element.get(XML_LANG) and not emphasis:
            return self.language(element, self.inline(element, emphasis))
        return self.inline(element, emphasis)

    def language(self, element: ElementTree.Element, text: str) -> str:
        """Words marked as in another language, as pandoc marks them, where they are plain text."""
        language = element.get(XML_LANG)
        if language and not re.search(r"[\[\]\\\n*]", text):
            return f"[{text}]{{lang={language}}}"
        return text

    # Notes.

    def definition(self, label: str) -> str:
        note = self.notes[label]
        self.in_note = True
        try:
            blocks = self.blocks(note)
        finally:
            self.in_note = False
        if not blocks:
            blocks = ["(empty in the source)"]
        first, *rest = blocks
        if first.startswith((">", "- ", "1. ", "***")):  # a note opening with a quotation
            body = [f"[^{label}]:"]
            rest = blocks
        else:
            body = [f"[^{label}]: {first}"]
        body += ["\n".join(("    " + line) if line else "" for line in block.split("\n")) for block in rest]
        return "\n\n".join(body)


def _escaped_opening(match: re.Match[str]) -> str:
    space, mark = match.groups()
    return f"{space}{mark[:-1]}\\{mark[-1]}" if mark[0].isdigit() else f"{space}\\{mark}"


def _quoted(blocks: list[str]) -> list[str]:
    """A quotation's blocks as one, blank-line separated, to be prefixed with `> `."""
    return ["\n\n".join(blocks)] if blocks else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, help="the folder holding each book's repository under its name")
    parser.add_argument("out", type=Path, help="the folder to write each book's project into")
    parser.add_argument(
        "--book", action="append", choices=[book.name for book in BOOKS], help="only these books"
    )
    arguments = parser.parse_args()
    for book in BOOKS:
        if arguments.book and book.name not in arguments.book:
            continue
        source = source_folder(arguments.sources, book)
        print(f"{book.name}: {make_real_book(book, source, arguments.out / book.name)}")


if __name__ == "__main__":
    main()
