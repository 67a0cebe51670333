"""Images reduced to an edition's most pixels per inch as its PDF is written, as a print shop
would reduce them.

WeasyPrint's `dpi` option reduces an image drawn finer than it, but it is an option of the
layout (each image takes it when read), so that editions which share a layout could not print
at different resolutions; and its reduction saves a JPEG at Pillow's default quality (75), and
keeps the reduced data in place of the image's own, so that a document written twice reduces
it twice. Here the limit is the writing's (`images_at_most`), the image is reduced from its
own data each time, with Lanczos, and a JPEG is saved at the quality of the builder's CMYK
images, in 4:4:4 (a CMYK JPEG's four inks are not thinned out).

Wraps `RasterImage.draw` (sets the image's `_dpi`, which it reads) and `RasterImage.get_x_object`
(hands it a reduced copy of the image). Upstream: none filed. Written for WeasyPrint 70.0.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from PIL import Image
from weasyprint.images import RasterImage

from amnesty_book.images.cmyk import JPEG_QUALITY

_MOST_PPI: ContextVar[int | None] = ContextVar("most_ppi", default=None)


@contextmanager
def images_at_most(ppi: int | None) -> Iterator[None]:
    """PDFs written inside print no image finer than `ppi` at its printed size (None: as read)."""
    token = _MOST_PPI.set(ppi)
    try:
        yield
    finally:
        _MOST_PPI.reset(token)


def _reduced(image: RasterImage, ratio: float) -> RasterImage:
    """A copy of `image` with `ratio` of its width and height in pixels."""
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    with Image.open(io.BytesIO(image.image_data.data)) as pixels:
        pixels.draft(pixels.mode, size)  # a JPEG decoded at a fraction of its size, still larger
        smaller = pixels.resize(size, Image.Resampling.LANCZOS)
    data = io.BytesIO()
    if image.format == "JPEG":
        smaller.save(data, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    else:
        smaller.save(data, "PNG")
    reduced = copy.copy(image)
    reduced.width, reduced.height = size
    reduced.image_data = image.cache_image_data(data.getvalue(), slot="reduced")
    # Pillow writes a CMYK JPEG inverted, as Adobe's do, and marks it so.
    reduced.invert_colors = image.format == "JPEG" and image.mode == "CMYK"
    return reduced


def apply() -> None:
    drawn: Callable[..., None] = RasterImage.draw
    x_object: Callable[..., Any] = RasterImage.get_x_object

    def draw(self: RasterImage, *arguments: Any) -> None:
        self._dpi = _MOST_PPI.get()
        drawn(self, *arguments)

    def get_x_object(self: RasterImage, interpolate: bool, dpi_ratio: float) -> Any:
        return x_object(self if dpi_ratio == 1 else _reduced(self, dpi_ratio), interpolate, 1)

    RasterImage.draw = draw
    RasterImage.get_x_object = get_x_object
