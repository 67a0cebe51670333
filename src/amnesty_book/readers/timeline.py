"""Reads the timeline data (YAML): dated events, each with its source, kept in date order.

An event and its source are lines of inline Markdown: a source may cite the bibliography
(`[@key, 45]`) or name a work in italics (`*Title*`), an event may point at another part of
the book (`@plate:id`); raw HTML is refused there as everywhere. An entry's id, which
cross-references name (`@event:id`), is its date unless it says `id:`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from amnesty_book.model.timeline import TimelineEvent
from amnesty_book.project.config import BookConfig
from amnesty_book.project.sources import Project
from amnesty_book.readers.markup import inline_markup
from amnesty_book.readers.yaml_records import load_records
from amnesty_book.support.errors import BookError, Problems

_KEYS = {"date": True, "event": True, "source": True, "id": False}
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def read_timeline(project: Project, path: Path, config: BookConfig) -> tuple[TimelineEvent, ...]:
    """The events in date order; one whose source is book.toml's [timeline] own_source is
    taken from the book's own text, any other is the editor's."""
    own_source = config.setting("timeline", "own_source")
    file = project.location(path)
    records = load_records(project.read_text(path), file, "timeline", _KEYS)
    problems = Problems()
    events: list[TimelineEvent] = []
    for record in records:
        day, event, source, given_id = (record.values.get(key) for key in _KEYS)
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
        entry_id = day.isoformat() if given_id is None else str(given_id)
        if not _ID.fullmatch(entry_id):
            problems.add(record.at("id"), f"id '{entry_id}' must be lower-case letters, digits and hyphens")
            continue
        try:
            event_markup = inline_markup(str(event).strip(), record.at("event"), allow_notes=False)
            source_markup = inline_markup(str(source).strip(), record.at("source"), allow_notes=False)
        except BookError as error:
            problems.extend(error)
            continue
        editorial = str(source).strip() != own_source
        events.append(TimelineEvent(day, event_markup, source_markup, editorial, record.location, entry_id))
    problems.raise_if_any()
    if not events:
        raise BookError.at(file, "the timeline has no entries; add at least one")
    return tuple(events)
