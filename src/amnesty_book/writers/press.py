"""Writes the press file: the reader layout on the trim size with 3 mm bleed and crop marks.

Each page has its TrimBox and a BleedBox 3 mm beyond it; the marks stand outside both. A
plate printed at under 300 ppi is reported as a warning, naming the plate and its resolution.
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import RectangleObject
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

from amnesty_book.errors import warn
from amnesty_book.model import Book
from amnesty_book.project.config import MINIMUM_PPI, POINTS_PER_MM, Edition
from amnesty_book.writers.pdf import render_edition

BLEED_MM = 3
_CSS_PX_PER_INCH = 96


def write_press(book: Book, edition: Edition, out: Path) -> list[Path]:
    document, pdf = render_edition(book, edition)
    for plate_id, ppi in placed_resolutions(document, book).items():
        if ppi < MINIMUM_PPI:
            plate = next(plate for plate in book.plates if plate.id == plate_id)
            warn(
                plate.location,
                f"{plate.label} ('{plate.id}') prints at {ppi} ppi in the {edition.name} edition, under "
                f"{MINIMUM_PPI}; supply a scan at least {plate.width * MINIMUM_PPI // ppi + 1} pixels wide",
            )
    target = out / edition.output_name(book.config.slug)
    target.write_bytes(_with_bleed_box(pdf, BLEED_MM))
    return [target]


def _with_bleed_box(pdf: bytes, bleed_mm: float) -> bytes:
    """The PDF with each page's BleedBox `bleed_mm` beyond its TrimBox (WeasyPrint sets it at
    most 10 points beyond, whatever the CSS bleed)."""
    document = PdfWriter(clone_from=io.BytesIO(pdf))
    bleed = bleed_mm * POINTS_PER_MM
    for page in document.pages:
        left, bottom, right, top = (float(value) for value in page.trimbox)
        page.bleedbox = RectangleObject((left - bleed, bottom - bleed, right + bleed, top + bleed))
    output = io.BytesIO()
    document.write(output)
    return output.getvalue()


def placed_resolutions(document: Document, book: Book) -> dict[str, int]:
    """Plate id -> pixels per inch of its image at the size it is printed."""
    by_uri = {plate.file.as_uri(): plate for plate in book.plates}
    found = {}
    for page in document.pages:
        for box in page._page_box.descendants():  # Page exposes no public list of images
            if isinstance(box, boxes.ReplacedBox) and box.element is not None:
                plate = by_uri.get(box.element.get("src", ""))
                if plate is not None and box.width:
                    found[plate.id] = round(plate.width / (box.width / _CSS_PX_PER_INCH))
    return found
