"""Writes the press file: the reader layout on the trim size with 3 mm bleed, crop marks,
registration crosses and a slug line, padded to a multiple of four pages; PDF/X-4 when the
project names the print shop's CMYK profile.

Each page has its TrimBox and a BleedBox 3 mm beyond it; the marks stand outside both. A
plate printed at under 300 ppi is reported as a warning, naming the plate and its resolution.
With a profile, images are converted to it (images/plates.py) and text, rules and crop marks
are black ink alone (pure_black.py); the registration crosses are in the Registration colour.
What a print shop's preflight flags is taken out (preflight.py): links, unused colour spaces.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import pikepdf

from amnesty_book.layout.engine import edition_pdf, plate_widths
from amnesty_book.layout.fetcher import plate_url
from amnesty_book.model import Book
from amnesty_book.prepress.pdf_x import as_pdf_x4
from amnesty_book.prepress.preflight import drop_annotations, drop_unused_colour_spaces
from amnesty_book.prepress.printers_marks import add_marks, add_slug_lines, pad_to_four
from amnesty_book.prepress.pure_black import in_pure_black
from amnesty_book.project.config import MINIMUM_PPI, POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.readers.colour_profile import description
from amnesty_book.support.errors import warn
from amnesty_book.theme.rendering import built_at

BLEED_MM = 3
_CSS_PX_PER_INCH = 96


def write_press(book: Book, edition: Edition, out: Path) -> list[Path]:
    resolutions = placed_resolutions(plate_widths(book, edition), book)  # before the PDF is written
    pdf = edition_pdf(book, edition)
    for plate_id, ppi in resolutions.items():
        if ppi < MINIMUM_PPI:
            plate = next(plate for plate in book.plates if plate.id == plate_id)
            warn(
                plate.location,
                f"{plate.label} ('{plate.id}') prints at {ppi} ppi in the {edition.name} edition, under "
                f"{MINIMUM_PPI}; supply a scan at least {plate.width * MINIMUM_PPI // ppi + 1} pixels wide",
            )
    press = book.config.press
    with pikepdf.open(io.BytesIO(pdf)) as sheets:  # one pass: blank pages, marks, boxes, slug lines, links
        if press.pad_pages:
            pad_to_four(sheets)  # before the marks, which every page carries
        add_marks(sheets)
        _set_bleed_boxes(sheets, BLEED_MM)
        add_slug_lines(sheets, *_slug_line(book, edition, len(sheets.pages)), book.fonts[0].path)
        drop_annotations(sheets)
        pdf = _saved(sheets)
    if press.profile:
        pdf = in_pure_black(pdf)
    # After the colours are rewritten, which may leave a colour space unused.
    with pikepdf.open(io.BytesIO(pdf)) as sheets:
        drop_unused_colour_spaces(sheets)
        pdf = _saved(sheets)
    if press.profile:
        profile = book.root / press.profile
        identifier = f"{book.config.identifier} {edition.name}"
        pdf = as_pdf_x4(pdf, profile, press.output_condition, description(profile), identifier)
    target = out / edition.output_name(book.config.slug)
    target.write_bytes(pdf)
    return [target]


def _saved(pdf: pikepdf.Pdf) -> bytes:
    output = io.BytesIO()
    pdf.save(output, deterministic_id=True)
    return output.getvalue()


def _slug_line(book: Book, edition: Edition, pages: int) -> tuple[str, list[str]]:
    """What the slug line says: the book and the edition at the left; the date it was built
    and "page n of N" at the right of each page."""
    labels = book.config.labels
    left = f"{book.config.title} — {labels[KINDS[edition.kind].label_key]}, {edition.page_size}"
    day = built_at(book).date().isoformat()
    return left, [f"{day} — {labels['slug_page'].format(n=n, total=pages)}" for n in range(1, pages + 1)]


def _set_bleed_boxes(pdf: pikepdf.Pdf, bleed_mm: float) -> None:
    """Each page's BleedBox `bleed_mm` beyond its TrimBox."""
    bleed = bleed_mm * POINTS_PER_MM
    for page in pdf.pages:
        left, bottom, right, top = (float(value) for value in page.trimbox)
        page.bleedbox = pikepdf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])


def placed_resolutions(widths: Mapping[str, float], book: Book) -> dict[str, int]:
    """Plate id -> pixels per inch of its image at the size it is printed (`widths`, in CSS
    pixels by image URL: engine.plate_widths)."""
    return {
        plate.id: round(plate.width / (widths[plate_url(plate.id)] / _CSS_PX_PER_INCH))
        for plate in book.plates
        if plate_url(plate.id) in widths
    }
