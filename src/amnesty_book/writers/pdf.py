"""Writes the reader PDF with WeasyPrint: tagged PDF/UA-1, page-bottom footnotes, outline, fonts embedded."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from .. import weasyprint_fixes
from ..errors import BookError, Problem
from ..fetcher import ProjectFetcher
from ..model import Book, Plate
from ..rendering import render
from ..styles import stylesheet

PDF_VARIANT = "pdf/ua-1"


def write_pdf(book: Book, out: Path) -> list[Path]:
    target = out / f"{book.config.slug}.pdf"
    target.write_bytes(render_pdf(book))
    return [target]


def render_pdf(book: Book) -> bytes:
    weasyprint_fixes.apply()
    roots = {face.path.parent for face in book.fonts} | {plate.file.parent for plate in book.plates}
    fetcher = ProjectFetcher(*roots)
    fonts = FontConfiguration()
    css = CSS(
        string=stylesheet(book, "pdf", lambda face: face.path.as_uri()),
        font_config=fonts,
        url_fetcher=fetcher,
    )

    def image_src(plate: Plate) -> str:
        return plate.file.as_uri()

    html = render(
        "book.html.j2", book, "pdf", href=lambda anchor: f"#{anchor}", image_src=image_src, stylesheets=[]
    )
    with _failing_on_weasyprint_errors() as problems:
        document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=[css], font_config=fonts)
        problems += _misplaced_notes(book, document)
        pdf = document.write_pdf(
            pdf_variant=PDF_VARIANT, pdf_identifier=book.config.identifier.encode(), custom_metadata=True
        )
    if problems:
        raise BookError(problems)
    assert pdf is not None
    return pdf


def _misplaced_notes(book: Book, document: Document) -> list[Problem]:
    """Notes that did not land whole at the foot of the page of their call.

    WeasyPrint never splits a note: one taller than the room left is moved to a later page,
    or grows over the text and off the page, and its text would be lost to the reader.
    """
    pages_of: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages_of.setdefault(anchor, number)
    problems = []
    for note in book.notes:
        call_page, note_page = pages_of.get(note.call_anchor), pages_of.get(note.anchor)
        top = document.pages[note_page - 1].anchors[note.anchor][1] if note_page else None
        if note_page is None or note_page != call_page or top is None or top < 0:
            problems.append(
                Problem(
                    note.location,
                    f"note {note.number} [^{note.label}] does not fit at the foot of page {call_page} "
                    "where it is called; shorten the note or move its call",
                )
            )
    return problems


@contextmanager
def _failing_on_weasyprint_errors() -> Iterator[list[Problem]]:
    """WeasyPrint only logs what it could not do (a refused file, a PDF/UA fault): collect it."""
    problems: list[Problem] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if record.levelno >= logging.WARNING and "HarfBuzz" not in message:
                problems.append(Problem(None, f"PDF: {message}"))

    logger = logging.getLogger("weasyprint")
    handler = Collect(logging.WARNING)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield problems
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
