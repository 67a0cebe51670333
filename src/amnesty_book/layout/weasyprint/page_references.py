"""pydyf's tuple of page references kept until a page is added, not built again each time it is asked for.

Replaces the property `pydyf.PDF.page_references`, which builds the tuple of every page's
reference from the page tree each time it is read; WeasyPrint's tags read it once for each
element, so a 200-page book spent a second of its PDF's writing on it. The tuple is kept with
the number of pages it was made for, and made again when a page is added.

Upstream: none filed. Written for pydyf 0.13.0 (`PDF.page_references`, `PDF.pages['Kids']`:
three items a page).
"""

from __future__ import annotations

import pydyf


def page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
    kids = self.pages["Kids"]  # three items a page: number, 0, R
    kept = self.__dict__.get("_page_references")
    if kept is None or kept[0] != len(kids):
        kept = len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        self.__dict__["_page_references"] = kept
    return kept[1]


def apply() -> None:
    pydyf.PDF.page_references = property(page_references)
