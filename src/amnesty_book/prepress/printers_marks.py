"""What the press file carries for the print shop around the reader's pages: crop marks and
registration crosses, a slug line outside the trim, and blank pages that make the page count
a multiple of four. Each is drawn once and placed on every page whole, as a form XObject
marked as an artifact: nothing of a page's own content is parsed or rewritten, and its
tagged reading is unchanged."""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from pathlib import Path

import pikepdf
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


# WeasyPrint draws crop marks and registration crosses in the outer half of the bleed it is
# given: given 12 mm, the marks run 6 mm inwards from the sheet's edge and stop 6 mm short of
# the trim, clear of the 3 mm bleed.
MARKS_MM = 12


def add_marks(pdf: pikepdf.Pdf) -> None:
    """Crop marks and registration crosses around each page's trim (its MediaBox as WeasyPrint
    wrote it, at the origin), drawn by WeasyPrint on blank pages of the same size; each
    page's sheet grows by MARKS_MM to hold them, and its TrimBox keeps the page. The crosses
    are in the Registration colour, the crop marks as WeasyPrint draws them."""
    width, height = (float(value) for value in pdf.pages[0].mediabox[2:])
    crops, sheet = _marks_form(pdf, width, height, "crop")
    crosses, _ = _marks_form(pdf, width, height, "cross")
    _in_registration(crosses, pdf.make_indirect(_registration()))
    for page in pdf.pages:
        page.TrimBox = pikepdf.Array(page.MediaBox)
        page.MediaBox = pikepdf.Array(sheet)
        _place(pdf, page, pikepdf.Name.Marks, crops, 0, 0)
        _place(pdf, page, pikepdf.Name.Crosses, crosses, 0, 0)


def _marks_form(
    pdf: pikepdf.Pdf, width: float, height: float, marks: str
) -> tuple[pikepdf.Object, list[float]]:
    """WeasyPrint's `marks` (CSS) around a trim of `width` by `height` points, as a form in
    `pdf`, and the sheet they stand on."""
    css = f"@page {{ size: {width}pt {height}pt; margin: 0; bleed: {MARKS_MM}mm; marks: {marks}; }}"
    marks_page = HTML(string=f"<!DOCTYPE html><html><head><style>{css}</style></head></html>").write_pdf()
    with pikepdf.open(io.BytesIO(marks_page)) as drawn:
        sheet = [float(value) for value in drawn.pages[0].MediaBox]
        form = pdf.copy_foreign(pikepdf.Page(drawn.pages[0]).as_form_xobject())
    form.BBox = pikepdf.Array(sheet)  # the whole sheet, not the trim pikepdf takes
    return form, sheet


def _registration() -> pikepdf.Array:
    """The Registration colour space: a separation named All, which marks every plate at once
    (ISO 32000-1, 8.6.6.4), so that the crosses show how far the plates print from one
    another. Its alternate, for whatever shows the page in process colours, is all four inks."""
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])


_FILL_COLOURS = {"g", "rg", "k", "sc", "scn"}
_STROKE_COLOURS = {"G", "RG", "K", "SC", "SCN"}


def _in_registration(form: pikepdf.Object, space: pikepdf.Object) -> None:
    """Every colour that `form` and the forms it draws set, the Registration colour `space`
    at full tint; WeasyPrint's own colour spaces dropped."""
    operations: list[tuple[list[object], pikepdf.Operator]] = []
    for operands, operator in pikepdf.parse_content_stream(form):
        name = str(operator)
        if name in _FILL_COLOURS or name in _STROKE_COLOURS:
            stroke = name in _STROKE_COLOURS
            operations.append(([pikepdf.Name.Registration], pikepdf.Operator("CS" if stroke else "cs")))
            operations.append(([1], pikepdf.Operator("SCN" if stroke else "scn")))
        elif name not in ("cs", "CS"):
            operations.append((operands, operator))
    form.write(pikepdf.unparse_content_stream(operations))
    form.Resources.ColorSpace = pikepdf.Dictionary(Registration=space)
    for nested in form.Resources.get("/XObject", {}).values():
        if nested.get("/Subtype") == pikepdf.Name.Form:
            _in_registration(nested, space)


def pad_to_four(pdf: pikepdf.Pdf) -> None:
    """Blank pages at the document's end, the same size and boxes as its last, to make a
    multiple of four: what a print shop imposes sheets of. They have no content stream of
    their own, where pikepdf writes an empty one: qpdf saves it with a filter and no data,
    which Ghostscript reports as a damaged stream."""
    last = pdf.pages[-1]
    for _ in range(-len(pdf.pages) % 4):
        blank = pdf.add_blank_page()
        del blank.obj["/Contents"]
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            blank.obj[box] = last.obj[box]


def add_slug_lines(pdf: pikepdf.Pdf, left: str, right: Sequence[str], face: Path) -> None:
    """A slug line under each page's trim: `left` (what the file is) near the trim's left,
    `right[i]` (the date, page n of N) near its right, in `face`; marked as an artifact, as
    the crop marks are, so that the tagged PDF's reading is unchanged.

    Each line is set on a page of its own by WeasyPrint and placed on its page whole, as a
    form XObject: nothing of the page's own content is parsed or rewritten."""
    first = pdf.pages[0]
    box = [float(value) for value in first.mediabox]
    trim = [float(value) for value in first.trimbox]
    with pikepdf.open(io.BytesIO(_slug_pages(left, right, box, trim, face))) as slugs:
        forms = [pikepdf.Page(slug).as_form_xobject() for slug in slugs.pages]
        for page, form in zip(pdf.pages, forms, strict=True):
            _place(pdf, page, pikepdf.Name.Slug, pdf.copy_foreign(form), box[0], box[1])


def _place(
    pdf: pikepdf.Pdf, page: pikepdf.Page, name: pikepdf.Name, form: pikepdf.Object, x: float, y: float
) -> None:
    """Draws `form` on `page` as an artifact, its origin at (x, y), after the page's content."""
    # WeasyPrint's pages share one resource dictionary: each is given its own.
    resources = pikepdf.Dictionary(page.Resources)
    resources.XObject = pikepdf.Dictionary(resources.get("/XObject", {}))
    resources.XObject[name] = form
    page.Resources = resources
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(
        pdf.make_stream(f"Q\n/Artifact BMC q 1 0 0 1 {x:.3f} {y:.3f} cm {name} Do Q EMC\n".encode())
    )


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
