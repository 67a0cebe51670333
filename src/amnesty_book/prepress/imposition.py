"""Imposes a PDF's pages two-up on sheets in saddle-stitch order, for booklets printed duplex.

Printed on both sides with a short-edge flip, the sheets stacked in order and folded in
the middle give the pages in reading order; blank pages fill the booklet to a multiple of four.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

# The names of the two pages' forms on a sheet side, left of the fold and right of it.
_SIDES = ("/Left", "/Right")


def saddle_stitch_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page indices of each sheet side, front then back; indices past the
    last page are blanks."""
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        sides.append((total - 1 - 2 * sheet, 2 * sheet))  # front
        sides.append((2 * sheet + 1, total - 2 - 2 * sheet))  # back
    return sides


def impose_booklet(pdf: bytes, sheet: tuple[float, float]) -> bytes:
    """The pages of `pdf` set two-up on landscape sheets of `sheet` (width, height in points,
    portrait), meeting at the sheet's middle where it is folded.

    Each page is placed whole as a form XObject (qpdf, through pikepdf): its content stream
    is referred to, not parsed and rewritten as pypdf's page merging did, which took most of
    a long booklet's build. The forms are named by their side of the sheet, so that the same
    pages make the same file."""
    with pikepdf.open(io.BytesIO(pdf)) as pages:
        sheets = pikepdf.new()
        forms = [sheets.copy_foreign(pikepdf.Page(page).as_form_xobject()) for page in pages.pages]
        sheet_width, sheet_height = max(sheet), min(sheet)
        for left, right in saddle_stitch_order(len(forms)):
            side = pikepdf.Page(sheets.add_blank_page(page_size=(sheet_width, sheet_height)))
            placed, drawn = pikepdf.Dictionary(), []
            for name, index, at_left in ((_SIDES[0], left, True), (_SIDES[1], right, False)):
                if index < len(forms):
                    x0, y0, x1, _ = (float(value) for value in forms[index].BBox)
                    x = sheet_width / 2 - (x1 - x0) if at_left else sheet_width / 2
                    placed[name] = forms[index]
                    drawn.append(f"q 1 0 0 1 {x - x0:.3f} {-y0:.3f} cm {name} Do Q")
            side.Resources = pikepdf.Dictionary(XObject=placed)
            side.obj.Contents = sheets.make_stream("\n".join(drawn).encode())
        sheets.docinfo = sheets.copy_foreign(pages.docinfo)
        if "/Lang" in pages.Root:
            sheets.Root.Lang = pages.Root.Lang
        output = io.BytesIO()
        sheets.save(output, deterministic_id=True)
    return output.getvalue()


def pages_of_booklet(booklet: Path) -> bytes:
    """The pages of a booklet imposed by impose_booklet, one to a sheet again and in reading
    order (the blanks that filled it left out), for reading their text back: PDFium reads a
    whole side's text as one, and puts the characters of placed pages where no crop finds them."""
    with pikepdf.open(booklet) as sheets:
        placed: dict[int, pikepdf.Object] = {}
        for side, indices in zip(sheets.pages, saddle_stitch_order(2 * len(sheets.pages)), strict=True):
            forms = side.Resources.get("/XObject", pikepdf.Dictionary())
            placed |= {
                index: forms[name] for name, index in zip(_SIDES, indices, strict=True) if name in forms
            }
        pages = pikepdf.new()
        for index in sorted(placed):
            form = pages.copy_foreign(placed[index])
            x0, y0, x1, y1 = (float(value) for value in form.BBox)
            page = pikepdf.Page(pages.add_blank_page(page_size=(x1 - x0, y1 - y0)))
            page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Page=form))
            page.obj.Contents = pages.make_stream(f"q 1 0 0 1 {-x0:.3f} {-y0:.3f} cm /Page Do Q".encode())
        output = io.BytesIO()
        pages.save(output)
    return output.getvalue()
