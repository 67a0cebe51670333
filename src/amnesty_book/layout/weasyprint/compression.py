"""pydyf's streams deflated at zlib's default level rather than its highest.

Replaces the property `pydyf.Stream.data` with pydyf 0.13.0's own code but for the level: pydyf
deflates every stream at level 9, which spent an eighth of the time of writing a long book's PDF
to make it 4% smaller than the default level (6) does.

Upstream: none filed. Written for pydyf 0.13.0 (`Stream.data`, `Dictionary`, `_to_bytes`).
"""

from __future__ import annotations

import zlib

import pydyf


def data(self: pydyf.Stream) -> bytes:
    """The stream as the PDF holds it: its dictionary, then its bytes, deflated if it asks to be."""
    stream = b"\n".join(pydyf._to_bytes(item) for item in self.stream)
    extra = pydyf.Dictionary(self.extra.copy())
    if self.compress:
        extra["Filter"] = "/FlateDecode"
        compressobj = zlib.compressobj()  # pydyf: zlib.compressobj(level=9)
        stream = compressobj.compress(stream)
        stream += compressobj.flush()
    extra["Length"] = len(stream)
    return b"\n".join((extra.data, b"stream", stream, b"endstream"))


def apply() -> None:
    pydyf.Stream.data = property(data)
