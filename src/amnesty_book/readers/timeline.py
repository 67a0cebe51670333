"""Reads the timeline data (YAML): dated events, each with its source, kept in date order.

A source is a line of inline Markdown, so that titles of works are set in italics
(`*Title*`), as in the notes; raw HTML is refused there as everywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from amnesty_book.errors import BookError, Problems
from amnesty_book.model import TimelineEvent
from amnesty_book.project.sources import Project
from amnesty_book.readers.markup import inline_markup
from amnesty_book.readers.yaml_records import load_records

_KEYS = {"date": True, "event": True, "source": True}


def read_timeline(project: Project, path: Path, own_source: str) -> tuple[TimelineEvent, ...]:
    """The events in date order; one whose source is `own_source` is taken from the book's
    own text, any other is the editor's."""
    file = project.location(path)
    records = load_records(project.read_text(path), file, "timeline", _KEYS)
    problems = Problems()
    events: list[TimelineEvent] = []
    for record in records:
        day, event, source = (record.values.get(key) for key in _KEYS)
        if not isinstance(day, date) or isinstance(day, datetime):
            shown = (
                f"'{day}' is not a date" if isinstance(day, str | int | float) else "'date' must be a date"
            )
            problems.add(record.at("date"), f"{shown}; write it as YYYY-MM-DD")
            continue
        texts = {"event": event, "source": source}
        empty = [key for key, value in texts.items() if not isinstance(value, str) or not value.strip()]
        for key in empty:
            problems.add(record.at(key), f"'{key}' must be a non-empty text")
        if empty:
            continue
        if events and day < events[-1].date:
            problems.add(
                record.at("date"),
                f"{day.isoformat()} comes before the previous entry ({events[-1].date.isoformat()}); "
                "keep the timeline in date order",
            )
        try:
            source_markup = inline_markup(str(source).strip(), record.at("source"), allow_notes=False)
        except BookError as error:
            problems.extend(error)
            continue
        editorial = str(source).strip() != own_source
        events.append(TimelineEvent(day, str(event).strip(), source_markup, editorial, record.location))
    problems.raise_if_any()
    if not events:
        raise BookError.at(file, "the timeline has no entries; add at least one")
    return tuple(events)
