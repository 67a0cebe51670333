"""Loads a YAML list of records keeping the line of every record and key, for messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from amnesty_book.errors import BookError, Problems, SourceLocation


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
        raise BookError.at(
            _error_location(error, text, file), f"not valid YAML ({_reason(error)}); fix the syntax"
        ) from None
    except RecursionError:
        raise BookError.at(file, f"the {what} file nests lists or mappings too deeply; fix it") from None
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
            key_at = SourceLocation(file.path, key_node.start_mark.line + 1)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.add(key_at, f"a {what} entry's keys are plain words: {', '.join(keys)}")
                continue
            key = key_node.value
            if key in key_locations:
                problems.add(
                    key_at, f"'{key}' is given twice in this entry (first at line {key_locations[key].line})"
                )
                continue
            key_locations[key] = key_at
            if key not in keys:
                problems.add(key_at, f"unknown key '{key}'; a {what} entry has {', '.join(keys)}")
                continue
            try:
                values[key] = yaml.SafeLoader("").construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError) as error:
                problems.add(key_at, f"'{key}' has a value that cannot be read ({_reason(error)}); fix it")
        for key, required in keys.items():
            if required and key not in values and key not in key_locations:
                problems.add(where, f"this {what} entry has no '{key}'; add it")
        records.append(Record(values, where, key_locations))
    problems.raise_if_any()
    return records


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
