"""Pages read back by an earlier build, kept in the project's cache by what they show.

Reading a page back with PDFium (its runs, lines, word spaces and marks) costs about ten
milliseconds: two seconds for each part of a long book, in the worker that wrote it, on the
build's critical path. A page whose content streams, forms, boxes and fonts are the same as a
page read before, at the same text block, with the same builder and PDFium, reads the same: it
is taken as it was kept (JSON, in .cache/amnesty-book/readings; floats written as Python
writes them read back to the same numbers). A file that cannot be read as kept is ignored and
the page read again; a cache that cannot be written is left unwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from amnesty_book.checks.layout_audit.pages import Box, Line, Mark, Page, Run
from amnesty_book.support.cache import CACHE_FOLDER, code_digest
from amnesty_book.theme.page_geometry import TextBlock


class KeptReadings:
    """The pages a project's builds read back, by content and text block."""

    def __init__(self, project: Path) -> None:
        self.folder = project / CACHE_FOLDER / "readings"

    def get(self, content: bytes, index: int, block: TextBlock) -> Page | None:
        """The page as read before, as page `index` of its PDF; None if it was not."""
        try:
            data = json.loads(self._path(content, block).read_text(encoding="utf-8"))
            return _page(data, index, block)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keep(self, content: bytes, page: Page) -> None:
        path = self._path(content, page.block)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(_data(page)), encoding="utf-8")
            os.replace(partial, path)  # atomic: builds in parallel may keep the same page
        except OSError:
            partial.unlink(missing_ok=True)

    def _path(self, content: bytes, block: TextBlock) -> Path:
        digest = hashlib.sha256(content)
        for word in (repr(block), code_digest(), _pdfium()):
            digest.update(b"\0" + word.encode())
        return self.folder / f"{digest.hexdigest()}.json"


@cache
def _pdfium() -> str:
    return f"pypdfium2 {version('pypdfium2')}"


def _box(box: Box) -> list[float]:
    return [box.left, box.bottom, box.right, box.top]


def _data(page: Page) -> dict[str, Any]:
    return {
        "lines": [
            [
                [
                    [*_box(run.box), *_box(run.body), run.baseline, run.size, run.bold, run.text]
                    for run in line.runs
                ],
                line.spaces,
            ]
            for line in page.lines
        ],
        "marks": [[mark.what, _box(mark.box)] for mark in page.marks],
        "text": page.text,
    }


def _page(data: dict[str, Any], index: int, block: TextBlock) -> Page:
    lines = [
        Line(
            [Run(Box(*run[0:4]), Box(*run[4:8]), run[8], run[9], run[10], run[11]) for run in runs],
            list(spaces),
        )
        for runs, spaces in data["lines"]
    ]
    marks = [Mark(what, Box(*box)) for what, box in data["marks"]]
    return Page(index, block, lines, marks, data["text"])
