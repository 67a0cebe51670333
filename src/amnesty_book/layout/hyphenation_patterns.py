"""A book's hyphenation patterns read once a build, from the project's cache, before the workers fork.

Pyphen parses a language's dictionary the first time a process asks for it: 0.16 s for
English's 14,000 patterns, in the build and again in each worker laying out a part of a long
book. The parsed patterns are kept in the project's cache (as JSON, read in 0.02 s; nothing a
file there could run) and put in Pyphen's own cache of dictionaries before a layout, so that
the workers, forked from the build, have them too. A dictionary whose patterns are not plain
numbers (Pyphen's alternative spellings) is left to Pyphen.

Written for Pyphen 0.18.1 (`pyphen.hdcache`, `HyphDict`'s `patterns`, `cache` and `maxlen`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyphen

from amnesty_book.support.cache import DerivedFiles

_RECIPE = "hyphenation-patterns"


def load_patterns(language: str, project: Path) -> None:
    """The patterns of the language's dictionary in Pyphen's cache, if it has one."""
    dictionary = pyphen.language_fallback(language)  # as WeasyPrint asks for it
    if dictionary is None:
        return
    path = pyphen.LANGUAGES[dictionary]
    if path in pyphen.hdcache:
        return
    kept = DerivedFiles(project).get(_RECIPE, [path], "", ".json", lambda target: _keep(path, target))
    if path not in pyphen.hdcache:  # not parsed to keep it just now: read as it was kept
        pyphen.hdcache[path] = _read(kept) or pyphen.HyphDict(path)


def _keep(path: Path, target: Path) -> None:
    """Parses the dictionary into Pyphen's cache, and writes its patterns to `target`."""
    parsed = pyphen.hdcache[path] = pyphen.HyphDict(path)
    plain = all(all(type(value) is int for value in values) for _, values in parsed.patterns.values())
    kept = {"patterns": parsed.patterns, "maxlen": parsed.maxlen} if plain else None
    target.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")


def _read(kept: Path) -> pyphen.HyphDict | None:
    """The dictionary as it was kept; None where it was not (its patterns are not plain)."""
    data = json.loads(kept.read_text(encoding="utf-8"))
    if data is None:
        return None
    dictionary = pyphen.HyphDict.__new__(pyphen.HyphDict)
    dictionary.patterns = {tags: (start, tuple(values)) for tags, (start, values) in data["patterns"].items()}
    dictionary.cache = {}
    dictionary.maxlen = data["maxlen"]
    return dictionary
