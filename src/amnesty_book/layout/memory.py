"""Where a layout ended at the edition's last build from the very same inputs: the blocks it
moved to new pages, its plate plan, the folio of each anchor's page and how it made the pages
that would run short (short_pages.py), from which the next build starts.

A layout runs until its plate plan and its moved blocks no longer change (engine.layout_pdf).
From the same inputs (project/inputs.py: sources, look, the builder's code) it always ends at
the same place, so a build that starts there makes the same file in one layout instead of
several. Any change of input starts afresh, and forgets the rest.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from collections.abc import Mapping

from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.project.inputs import edition_key
from amnesty_book.support.cache import CACHE_FOLDER
from amnesty_book.theme.page_plan import PlatePlan


class LayoutMemory:
    """The end of the layout of `what` (a part of the book and where it stands) for an edition."""

    def __init__(self, book: Book, edition: Edition, what: str) -> None:
        key = edition_key(book.root, book.config, edition)
        self.folder = None if key is None else book.root / CACHE_FOLDER / "layouts" / edition.name / key
        self.name = _file_name(what)
        # What record() was given.
        self.ended: tuple[frozenset[str], PlatePlan, Mapping[str, str], Mapping[str, str]] | None = None

    def recall(self) -> tuple[frozenset[str], PlatePlan, dict[str, str], dict[str, str]] | None:
        if self.folder is None:
            return None
        try:
            kept = json.loads((self.folder / self.name).read_text(encoding="utf-8"))
            plan = kept["plan"]
            return (
                frozenset(kept["breaks"]),
                PlatePlan(
                    dict(plan["positions"]),
                    dict(plan["widths_mm"]),
                    dict(plan["scales"]),
                    frozenset(plan["to_next_page"]),
                    frozenset(plan["own_page"]),
                    dict(plan["pull_quotes_after"]),
                ),
                {str(anchor): str(folio) for anchor, folio in kept["folios"].items()},
                {str(page): str(made) for page, made in kept["short_pages"].items()},
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def record(
        self,
        breaks: frozenset[str],
        plan: PlatePlan,
        folios: Mapping[str, str],
        short_pages: Mapping[str, str],
    ) -> None:
        self.ended = breaks, plan, folios, short_pages
        if self.folder is None:
            return
        kept = {
            "breaks": sorted(breaks),
            "folios": dict(folios),
            "short_pages": dict(short_pages),
            "plan": {
                "positions": dict(plan.positions),
                "widths_mm": dict(plan.widths_mm),
                "scales": dict(plan.scales),
                "to_next_page": sorted(plan.to_next_page),
                "own_page": sorted(plan.own_page),
                "pull_quotes_after": dict(plan.pull_quotes_after),
            },
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{self.name}.{os.getpid()}.partial"
        partial.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(partial, self.folder / self.name)
        for other in self.folder.parent.iterdir():  # the ends of layouts from other inputs
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)

    def record_as(self, what: str) -> None:
        """The end recorded, kept for `what` too: the same layout stands for it (a part whose
        folios alone moved, book_parts.py)."""
        if self.ended is not None:
            also = copy.copy(self)
            also.name = _file_name(what)
            also.record(*self.ended)


def _file_name(what: str) -> str:
    return f"{hashlib.sha256(what.encode()).hexdigest()[:32]}.json"
