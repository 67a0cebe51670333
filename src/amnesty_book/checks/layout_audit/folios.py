"""The pages' numbers: the label a PDF viewer shows for each page is the folio printed on it, and
an odd folio stands on a right-hand page, as a binder expects."""

from __future__ import annotations

import re
from collections.abc import Iterator

from amnesty_book.checks.layout_audit.pages import Layout
from amnesty_book.project.config import Edition
from amnesty_book.support.diagnostics import Diagnostic

# A folio as the book prints it: a number, or a roman one. A project's own stylesheet may print
# more ("Page 3"): such a folio is not compared.
_BARE_FOLIO = re.compile(r"\d+|[ivxlcdm]+")


def page_labels(layout: Layout, edition: Edition) -> Iterator[Diagnostic]:
    """A page whose folio the viewer names otherwise ("p. 2" would be its page 5)."""
    for page, label in zip(layout.pages, layout.labels, strict=True):
        folio = page.folio
        if folio is not None and _BARE_FOLIO.fullmatch(folio) and label != folio:
            yield Diagnostic.in_edition(
                edition.name,
                page.where,
                "L801",
                f"a PDF viewer names this page “{label}”" if label else "the PDF has no page labels",
                "label the pages as their folios run (/PageLabels: roman front matter, arabic text)",
            )


def folio_sides(layout: Layout, edition: Edition) -> Iterator[Diagnostic]:
    """An arabic folio on the wrong side of the leaf: the book's first page is a right-hand one,
    and folio 1 must be one too."""
    for page in layout.pages:
        folio = page.folio
        if folio is not None and folio.isdigit() and (int(folio) % 2 == 1) != page.right_hand:
            side = "right" if page.right_hand else "left"
            yield Diagnostic.in_edition(
                edition.name,
                page.where,
                "L802",
                f"folio {folio} stands on a {side}-hand page",
                "open the text on a right-hand page: print.css opens the first chapter on the right, "
                "a blank page before it where the front matter ends on one; a project's stylesheet "
                "may have changed that",
            )
