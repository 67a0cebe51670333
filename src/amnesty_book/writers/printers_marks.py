"""What the press file carries for the print shop beyond WeasyPrint's crop marks and
registration crosses: a slug line outside the trim, and blank pages that make the page count
a multiple of four."""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from pathlib import Path

from pypdf import PageObject, PdfWriter, Transformation
from pypdf.generic import ContentStream, NameObject
from weasyprint import HTML

from amnesty_book.project.config import POINTS_PER_MM

# The slug line's baseline stands this far above the sheet's bottom edge: in the outer half of
# the bleed the marks stand in, clear of the 3 mm bleed.
_SLUG_BASELINE_MM = 3
_SLUG_SIZE_PT = 6
# Its two halves keep this clear of the registration cross at the middle of the bottom edge,
# and this clear of the crop marks on the trim's lines.
_CROSS_CLEARANCE_MM = 10
_CROP_CLEARANCE_MM = 4


def pad_to_four(writer: PdfWriter) -> None:
    """Blank pages at the document's end, the same size and boxes as its last, to make a
    multiple of four: what a print shop imposes sheets of."""
    last = writer.pages[-1]
    for _ in range(-len(writer.pages) % 4):
        blank = writer.add_blank_page(float(last.mediabox.width), float(last.mediabox.height))
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            blank[NameObject(box)] = last[box]


def add_slug_lines(writer: PdfWriter, left: str, right: Sequence[str], face: Path) -> None:
    """A slug line under each page's trim: `left` (what the file is) near the trim's left,
    `right[i]` (the date, page n of N) near its right, in `face`; marked as an artifact, as
    the crop marks are, so that the tagged PDF's reading is unchanged."""
    first = writer.pages[0]
    box = [float(value) for value in first.mediabox]
    trim = [float(value) for value in first.trimbox]
    slugs = PdfWriter(clone_from=io.BytesIO(_slug_pages(left, right, box, trim, face))).pages
    for page, slug in zip(writer.pages, slugs, strict=True):
        _mark_as_artifact(slug)
        page.merge_transformed_page(slug, Transformation().translate(tx=box[0], ty=box[1]))


def _slug_pages(left: str, right: Sequence[str], box: list[float], trim: list[float], face: Path) -> bytes:
    """One page the sheet's size for each slug line, the line in place, set by WeasyPrint (so
    its face is embedded, as PDF/X asks)."""
    width, height = box[2] - box[0], box[3] - box[1]
    inset = _CROP_CLEARANCE_MM * POINTS_PER_MM
    trim_left, trim_right = trim[0] - box[0] + inset, trim[2] - box[0] - inset
    half = (trim_right - trim_left) / 2 - _CROSS_CLEARANCE_MM * POINTS_PER_MM
    css = f"""
      @font-face {{ font-family: slug; src: url({face.as_uri()}); }}
      @page {{ size: {width}pt {height}pt; margin: 0; }}
      body {{ margin: 0; font: {_SLUG_SIZE_PT}pt/1 slug; }}
      section {{ position: relative; height: {height}pt; break-after: page; }}
      span {{ position: absolute; bottom: {_SLUG_BASELINE_MM * POINTS_PER_MM}pt; width: {half}pt;
              white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
      .left {{ left: {trim_left}pt; }}
      .right {{ left: {trim_right - half}pt; text-align: right; }}
    """
    pages = "".join(
        f'<section><span class="left">{escape(left)}</span>'
        f'<span class="right">{escape(text)}</span></section>'
        for text in right
    )
    html = f"<!DOCTYPE html><html><head><style>{css}</style></head><body>{pages}</body></html>"
    return HTML(string=html).write_pdf()


def _mark_as_artifact(page: PageObject) -> None:
    content = ContentStream(page.get_contents(), page.pdf)
    content.set_data(b"/Artifact BMC\n" + content.get_data() + b"\nEMC\n")
    page.replace_contents(content)
