"""Sources of the size of the limits (project/limits.py), cheaply: a long paragraph planned a
window at a time, and lint reading as the build does only the blocks that could nest past the
limits. The builds at the limits: test_limits.py; the figures: bench/cost.py."""

from __future__ import annotations

from html import escape

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from amnesty_book.layout import line_breaking as kp
from amnesty_book.layout import weasyprint as patches
from amnesty_book.layout.weasyprint import total_fit
from conftest import SmallProject
from test_line_breaking import _sample_paragraphs
from test_lint import ARTICLE, lint


def _long_paragraph_lines(text: str) -> tuple[list[str], list[int]]:
    """The lines of a justified paragraph set on small pages, and the items of each plan made."""
    patches.apply()
    patches.start_layout({})
    planned: list[int] = []
    break_lines = kp.break_lines

    def counted(items: list[kp.Item], *rest: object) -> kp.Breaking | None:
        planned.append(len(items))
        return break_lines(items, *rest)  # type: ignore[arg-type]

    kp.break_lines = counted  # type: ignore[assignment]
    try:
        style = (
            "@page { size: 60mm 120mm; margin: 5mm } "
            "p { font-size: 10pt; hyphens: auto; text-align: justify }"
        )
        markup = f"<html lang='en'><style>{style}</style><body><p>{text}</p></body></html>"
        document = HTML(string=markup).render()
    finally:
        kp.break_lines = break_lines
    lines = [
        "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
        for page in document.pages
        for line in page._page_box.descendants()
        if isinstance(line, boxes.LineBox)
    ]
    return lines, planned


@pytest.mark.slow
def test_a_long_paragraph_is_planned_a_window_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paragraph of 50,000 characters (some 20,000 items, 50 small pages) is planned a window
    at a time, and set as when it is planned whole, but for the work: then every page whose last
    line would end on a hyphen planned the rest of the paragraph again (total_fit.py)."""
    text = " ".join(paragraph for paragraph, language in _sample_paragraphs() if language == "en_US") + " "
    text = escape((text * (50_000 // len(text) + 1))[:50_000].rsplit(" ", 1)[0] + ".")
    window = total_fit.WINDOW
    windowed, plans = _long_paragraph_lines(text)
    assert max(plans) <= window + 100 * total_fit.ITEMS_A_LINE  # the first plan, of the first window
    monkeypatch.setattr(total_fit, "WINDOW", 10**9)
    whole, plans = _long_paragraph_lines(text)
    items = max(plans)  # the whole paragraph
    assert items > 2 * window
    assert sum(plans) > 5 * items  # planned again and again
    assert len(windowed) == len(whole) > 700
    assert sum(a != b for a, b in zip(windowed, whole, strict=True)) < len(whole) / 20


@pytest.mark.parametrize(
    "deep",
    ["- " * 13 + "Deep.", "1. " * 13 + "Deep.", "".join("    " * level + "- item\n" for level in range(14))],
)
def test_s005_lists_nested_on_one_line_or_many(small_project: SmallProject, deep: str) -> None:
    """A block that could nest past the limits is read as the build reads it (a plainer one is
    only measured: readers/markup.py's may_nest_too_deep): lists in lists, on one line too."""
    small_project.replace(ARTICLE, "More text.", deep)
    assert [finding for finding in lint(small_project) if " S005 " in finding] == [
        "manuscript/article.md:9: S005 this text nests lists or quotations more than 12 deep; flatten it",
    ]
