"""Loads a YAML list of records keeping the line of every record and key, for messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError, Problems


@dataclass(frozen=True)
class Record:
    """One mapping of a YAML list, its values and where each key stands."""

    values: dict[str, Any]
    location: SourceLocation
    key_locations: dict[str, SourceLocation]
    # key -> (its text, why YAML cannot read it): values set aside, for the caller to report
    unreadable: dict[str, tuple[str, str]] = field(default_factory=dict)

    def at(self, key: str) -> SourceLocation:
        return self.key_locations.get(key, self.location)

    def blank(self, key: str) -> bool:
        """Whether a key is absent or empty (a value that is no text, or unreadable, is not blank)."""
        value = self.values.get(key)
        absent = value is None and key not in self.unreadable
        return absent or (isinstance(value, str) and not value.strip())


@dataclass
class Records:
    """A YAML list as far as it could be read: its records, and what is wrong with the file as
    a whole (not YAML, empty, not a list: no records) or with its entries."""

    records: list[Record] = field(default_factory=list)
    file_problems: Problems = field(default_factory=Problems)
    entry_problems: Problems = field(default_factory=Problems)


def load_records(text: str, file: SourceLocation, what: str, keys: dict[str, bool]) -> list[Record]:
    """The records of a YAML list; `keys` maps each allowed key to whether it is required. Every
    problem is raised at once, a value YAML cannot read among them."""
    read = read_records(text, file, what, keys)
    for record in read.records:
        for key, (_, reason) in record.unreadable.items():
            read.entry_problems.add(
                record.at(key), f"'{key}' has a value that cannot be read ({reason}); fix it"
            )
    problems = [*read.file_problems.problems, *read.entry_problems.problems]
    if problems:
        raise BookError(problems)
    return read.records


def read_records(text: str, file: SourceLocation, what: str, keys: dict[str, bool]) -> Records:
    """The records of a YAML list, read as far as they can be, never raising: the build and the
    linter read the manifest and the timeline alike, the linter going on past every problem."""
    read = Records()
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        read.file_problems.add(
            _error_location(error, text, file), f"not valid YAML ({_reason(error)}); fix the syntax"
        )
        return read
    except RecursionError:
        read.file_problems.add(file, f"the {what} file nests lists or mappings too deeply; fix it")
        return read
    finally:
        loader.dispose()
    if root is None:
        read.file_problems.add(file, f"the {what} file is empty; list the {what} entries")
        return read
    if not isinstance(root, yaml.SequenceNode):
        read.file_problems.add(
            SourceLocation(file.path, root.start_mark.line + 1),
            f"the {what} file must be a list of entries, each starting with '- '",
        )
        return read
    problems = read.entry_problems
    for item in root.value:
        where = SourceLocation(file.path, item.start_mark.line + 1)
        if not isinstance(item, yaml.MappingNode):
            problems.add(where, f"each {what} entry must be a set of 'key: value' lines")
            continue
        values: dict[str, Any] = {}
        key_locations: dict[str, SourceLocation] = {}
        unreadable: dict[str, tuple[str, str]] = {}
        for key_node, value_node in item.value:
            key_at = SourceLocation(file.path, key_node.start_mark.line + 1)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.add(key_at, f"a {what} entry's keys are plain words: {', '.join(keys)}")
                continue
            key = key_node.value
            if key in key_locations:
                problems.add(
                    key_at,
                    f"'{key}' is given twice in this entry (first at line {key_locations[key].line}); "
                    "keep one",
                )
                continue
            key_locations[key] = key_at
            if key not in keys:
                problems.add(key_at, f"unknown key '{key}'; a {what} entry has {', '.join(keys)}")
                continue
            try:
                values[key] = yaml.SafeLoader("").construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError) as error:
                raw = value_node.value if isinstance(value_node, yaml.ScalarNode) else ""
                unreadable[key] = (str(raw), _reason(error))
        for key, required in keys.items():
            if required and key not in values and key not in key_locations:
                problems.add(where, f"this {what} entry has no '{key}'; add it")
        read.records.append(Record(values, where, key_locations, unreadable))
    return read


def _reason(error: Exception) -> str:
    """What PyYAML found wrong, on one line, without its excerpt of the file."""
    reason = getattr(error, "problem", None) if isinstance(error, yaml.MarkedYAMLError) else str(error)
    return " ".join(str(reason or "syntax error").split())


def _error_location(error: yaml.YAMLError, text: str, file: SourceLocation) -> SourceLocation:
    """The line PyYAML points at; for a problem found only at the end of the file (something
    left open), the line where the unfinished construct began."""
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return file
    line = mark.line + 1
    context = getattr(error, "context_mark", None)
    if line > len(text.rstrip("\n").split("\n")) and context is not None:
        line = context.line + 1
    return SourceLocation(file.path, line)
