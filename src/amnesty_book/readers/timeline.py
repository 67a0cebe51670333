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
from amnesty_book.readers.yaml_records import Record, load_records
from amnesty_book.support.diagnostics import Diagnostic
from amnesty_book.support.errors import BookError, Problems

# Every key optional to the records' reader: the rules below say what is missing, and how to fix it.
KEYS = {"date": False, "event": False, "source": False, "id": False}
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def read_timeline(project: Project, path: Path, config: BookConfig) -> tuple[TimelineEvent, ...]:
    """The events in date order; one whose source is book.toml's [timeline] own_source is
    taken from the book's own text, any other is the editor's."""
    own_source = config.setting("timeline", "own_source")
    file = project.location(path)
    records = load_records(project.read_text(path), file, "timeline", KEYS)
    problems = Problems()
    events: list[TimelineEvent] = []
    previous: date | None = None
    for record in records:
        found, day = entry_problems(record, previous, own_source)
        problems.extend(BookError(found))
        previous = day or previous
        event, source, given_id = (record.values.get(key) for key in ("event", "source", "id"))
        if day is None or any(problem.code != "T001" for problem in found):  # no entry to make
            continue
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


def entry_problems(
    record: Record, previous: date | None, own_source: str
) -> tuple[list[Diagnostic], date | None]:
    """What is wrong with one entry by the timeline's rules (T001-T003), which the build and
    the linter both apply, and its date, if it has one; `previous` is the last entry's date."""
    found = []
    day = record.values.get("date")
    if "date" in record.unreadable:  # the linter reads dates leniently, to go on past them
        raw, reason = record.unreadable["date"]
        found.append(
            Diagnostic.coded(
                "T002",
                record.at("date"),
                f"{raw} is not a real date ({reason})",
                "check the year, month and day (YYYY-MM-DD)",
            )
        )
        day = None
    elif "date" not in record.key_locations:
        found.append(
            Diagnostic.coded(
                "T002", record.location, "this timeline entry has no date", "add 'date: YYYY-MM-DD'"
            )
        )
    elif not isinstance(day, date) or isinstance(day, datetime):
        found.append(
            Diagnostic.coded("T002", record.at("date"), f"'{day}' is not a date", "write it as YYYY-MM-DD")
        )
        day = None
    elif previous is not None and day < previous:
        found.append(
            Diagnostic.coded(
                "T001",
                record.at("date"),
                f"{day.isoformat()} comes before the previous entry ({previous.isoformat()})",
                "keep the timeline in date order",
            )
        )
    for key, hint in (
        ("event", "write what happened in one sentence"),
        ("source", f"write '{own_source}' (the book's own text) or name the reference"),
    ):
        value = record.values.get(key)
        if record.blank(key):
            empty = "is empty" if key in record.key_locations else "is missing"
            found.append(Diagnostic.coded("T003", record.at(key), f"the entry's {key} {empty}", hint))
        elif value is not None and not isinstance(value, str):
            found.append(
                Diagnostic.coded(
                    "S002", record.at(key), f"'{key}' must be a text, not {value!r}", "write a text"
                )
            )
    return found, day if isinstance(day, date) else None
