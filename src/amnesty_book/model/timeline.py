"""The timeline's entries: dated events, each with its source (the first kind of appendix)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from amnesty_book.model import Inline
from amnesty_book.project.labels import long_date
from amnesty_book.support.diagnostics import SourceLocation


@dataclass(frozen=True)
class TimelineEvent:
    date: date
    event: Inline
    source: Inline  # the reference as inline XHTML: a citation, or titles of works in <em>
    # Not taken from the book's own text (book.toml's [timeline] own_source): the editor's
    # context, marked as such.
    editorial: bool
    location: SourceLocation
    id: str = ""  # what a cross-reference names it by (@event:id): its date, unless given
    anchor: str = ""  # assigned by numbering

    def texts(self) -> Mapping[str, Inline]:
        return {"event": self.event, "source": self.source}

    def printed(self, language: str) -> tuple[Inline, ...]:
        return (long_date(self.date, language),), self.event

    def reference_text(self, labels: Mapping[str, str], language: str) -> str:
        return labels["event_reference"].format(date=long_date(self.date, language))
