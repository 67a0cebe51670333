"""Imposes a PDF's pages two-up on sheets in saddle-stitch order, for booklets printed duplex.

Printed on both sides with a short-edge flip, the sheets stacked in order and folded in
the middle give the pages in reading order; blank pages fill the booklet to a multiple of four.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, TextStringObject


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
    portrait), meeting at the sheet's middle where it is folded."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    page_width = float(pages[0].mediabox.width)
    sheet_width, sheet_height = max(sheet), min(sheet)
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(pages)):
        side = PageObject.create_blank_page(width=sheet_width, height=sheet_height)
        for index, x in ((left, sheet_width / 2 - page_width), (right, sheet_width / 2)):
            if index < len(pages):
                side.merge_transformed_page(pages[index], Transformation().translate(tx=x))
        writer.add_page(side)
    if reader.metadata:
        writer.add_metadata({key: value for key, value in reader.metadata.items()})
    language = reader.trailer["/Root"].get("/Lang")
    if language:
        writer.root_object[NameObject("/Lang")] = TextStringObject(language)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
