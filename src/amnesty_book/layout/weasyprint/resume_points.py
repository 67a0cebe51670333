"""Where a page's running text resumes, read from WeasyPrint's skip stack.

Not a patch: short_pages.py and note_splits.py ask it what a page opens with. WeasyPrint's
`resume_at` is a nest of {child index: deeper stack}, one level a box; it ends at the box the
page starts afresh, or inside a box whose text it resumes. Written for WeasyPrint 70.0
(layout/block.py: skip stacks).
"""

from __future__ import annotations

from typing import Any

from weasyprint.formatting_structure import boxes


def box_resumed_at(root_box: boxes.BlockBox, resume_at: dict[int, Any]) -> boxes.Box | None:
    """The box a page whose text resumes at `resume_at` starts afresh; None where it resumes
    within a box's text (a paragraph carried over)."""
    box: boxes.Box = root_box
    skip: dict[int, Any] | None = resume_at
    while skip:
        ((index, skip),) = skip.items()
        if not isinstance(box, boxes.ParentBox) or index >= len(box.children):
            return None
        box = box.children[index]
    return box
