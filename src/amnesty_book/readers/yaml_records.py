"""Loads a YAML list of records keeping the line of every record and key, for messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import BookError, Problems, SourceLocation


@dataclass(frozen=True)
class Record:
    """One mapping of a YAML list, its values and where each key stands."""

    values: dict[str, Any]
    location: SourceLocation
    key_locations: dict[str, SourceLocation]

    def at(self, key: str) -> SourceLocation:
        return self.key_locations.get(key, self.location)


def load_records(text: str, file: SourceLocation, what: str, keys: dict[str, bool]) -> list[Record]:
    """The records of a YAML list; `keys` maps each allowed key to whether it is required."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or "syntax error"
        raise BookError.at(
            SourceLocation(file.path, line), f"not valid YAML ({reason}); fix the syntax"
        ) from None
    finally:
        loader.dispose()
    if root is None:
        raise BookError.at(file, f"the {what} file is empty; list the {what} entries")
    if not isinstance(root, yaml.SequenceNode):
        raise BookError.at(
            SourceLocation(file.path, root.start_mark.line + 1),
            f"the {what} file must be a list of entries, each starting with '- '",
        )
    problems = Problems()
    records = []
    for item in root.value:
        where = SourceLocation(file.path, item.start_mark.line + 1)
        if not isinstance(item, yaml.MappingNode):
            problems.add(where, f"each {what} entry must be a set of 'key: value' lines")
            continue
        values: dict[str, Any] = {}
        key_locations: dict[str, SourceLocation] = {}
        for key_node, value_node in item.value:
            key = key_node.value
            key_at = SourceLocation(file.path, key_node.start_mark.line + 1)
            key_locations[key] = key_at
            if key not in keys:
                problems.add(key_at, f"unknown key '{key}'; a {what} entry has {', '.join(keys)}")
                continue
            try:
                values[key] = yaml.SafeLoader("").construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError) as error:
                problems.add(key_at, f"'{key}' has a value that cannot be read ({error}); fix it")
        for key, required in keys.items():
            if required and key not in values and key not in key_locations:
                problems.add(where, f"this {what} entry has no '{key}'; add it")
        records.append(Record(values, where, key_locations))
    problems.raise_if_any()
    return records
