"""The pages' numbers: the label a PDF viewer shows for each page is the folio printed on it."""

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
