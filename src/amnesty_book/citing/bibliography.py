"""Reads the bibliography file (CSL-JSON or BibTeX): its entries' keys and the lines they stand on."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from amnesty_book.project.sources import Project
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError, Problems

FORMATS = {".json": "csljson", ".bib": "bibtex"}
# A BibTeX entry's head, `@book{key,`; @string, @preamble and @comment are not entries.
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@(\w+)[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,", re.MULTILINE)
_NOT_ENTRIES = {"string", "preamble", "comment"}
_JSON_ID = re.compile(r'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')
# pandoc's words for a BibTeX file it cannot parse: 'Error at "file" (line 4, column 1):' and,
# on the next line, why.
_PANDOC_ERROR = re.compile(r"\(line (\d+), column \d+\):\n(.+)")


@dataclass(frozen=True)
class Bibliography:
    path: Path  # the file, for pandoc
    file: SourceLocation  # the file, for messages
    format: str  # pandoc's name of it: csljson or bibtex
    lines: dict[str, int]  # key -> the line its entry starts on

    def location(self, key: str) -> SourceLocation:
        return SourceLocation(self.file.path, self.lines.get(key))


def read_bibliography(project: Project, path: Path) -> Bibliography:
    """The entries' keys; a file that cannot be a bibliography, or a key given twice, is an error
    at its line. (What is inside an entry, pandoc reads, and reports at its line.)"""
    file = project.location(path)
    form = FORMATS.get(path.suffix.lower())
    if form is None:
        raise BookError.at(
            file, "a bibliography is a CSL-JSON (.json) or BibTeX (.bib) file; export it from Zotero as one"
        )
    text = project.read_text(path)
    entries = _csl_json_keys(text, file) if form == "csljson" else _bibtex_keys(text)
    problems = Problems()
    lines: dict[str, int] = {}
    for key, line in entries:
        if key in lines:
            problems.add(
                SourceLocation(file.path, line),
                f"the key '{key}' is given twice (first at line {lines[key]}); "
                "give each entry a key of its own",
            )
        lines.setdefault(key, line)
    problems.raise_if_any()
    return Bibliography(path, file, form, lines)


def unreadable(bibliography: Bibliography, stderr: str) -> BookError:
    """pandoc's complaint about the bibliography (run in its folder, so that the message names
    no other path), at the line it names."""
    found = _PANDOC_ERROR.search(stderr)
    reason = found.group(2).strip() if found else " ".join(stderr.split())
    return BookError.at(
        SourceLocation(bibliography.file.path, int(found.group(1)) if found else None),
        f"pandoc cannot read the bibliography ({reason}); "
        "check the braces, commas and quotes of the entry at or before this line",
    )


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _bibtex_keys(text: str) -> list[tuple[str, int]]:
    return [
        (match.group(2), _line_at(text, match.start(1)))
        for match in _BIBTEX_ENTRY.finditer(text)
        if match.group(1).lower() not in _NOT_ENTRIES
    ]


def _entry_keys_at(text: str) -> list[int]:
    """Where each entry of a CSL-JSON list (valid JSON) names its key: its "id" (entries nest no
    other), or where the entry begins if it has none."""
    decoder = json.JSONDecoder()
    found = []
    index = text.index("[") + 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return found
        start = index
        _, index = decoder.raw_decode(text, index)
        key = _JSON_ID.search(text, start, index)
        found.append(key.start() if key else start)


def _csl_json_keys(text: str, file: SourceLocation) -> list[tuple[str, int]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise BookError.at(
            SourceLocation(file.path, error.lineno), f"this is not valid JSON: {error.msg}; correct it"
        ) from None
    if not isinstance(items, list):
        raise BookError.at(file, "a CSL-JSON bibliography is a list of entries, [{...}, {...}]")
    lines = [_line_at(text, start) for start in _entry_keys_at(text)]
    problems = Problems()
    keys = []
    for index, (item, line) in enumerate(zip(items, lines, strict=True)):
        key = item.get("id") if isinstance(item, dict) else None
        if isinstance(key, str) and key:
            keys.append((key, line))
        else:
            problems.add(
                SourceLocation(file.path, line),
                f'entry {index + 1} has no "id" (its citation key); give it one, as "id": "name2024"',
            )
    problems.raise_if_any()
    return keys
