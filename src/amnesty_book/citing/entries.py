"""What the bibliography's entries hold, as CSL-JSON items, and what a citation style needs of them."""

from __future__ import annotations

import json
import subprocess
from typing import Any, NamedTuple

from amnesty_book.citing.bibliography import Bibliography, unreadable
from amnesty_book.citing.pandoc_program import pandoc

# What the default style (chicago-notes-bibliography) prints of an entry. Where it sets an entry
# well without something, that is not asked for: no date of the types it gives no "n.d."
# (reference works, archival collections, classics, interviews), no author of an unsigned
# magazine or newspaper article (set under the periodical's name, CMOS 14.87, 14.97).
_UNDATED = frozenset(
    {
        "classic",
        "collection",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "interview",
        "personal_communication",
    }
)


class _Need(NamedTuple):
    name: str  # as a writer of CSL-JSON or BibLaTeX looks for it
    variables: tuple[str, ...]  # the CSL variables, any one of which gives it
    types: frozenset[str] | None = None  # the CSL types that need it; None: every type ...
    exempt: frozenset[str] = frozenset()  # ... but these


_NEEDS = (
    _Need("title", ("title",)),
    _Need("date", ("issued", "status"), exempt=_UNDATED),  # a status ("forthcoming") stands for it
    _Need(
        "author or editor",
        ("author", "editor"),
        frozenset({"book", "chapter", "article", "article-journal", "report"}),
    ),
    _Need(
        "journal title",
        ("container-title",),
        frozenset({"article-journal", "article-magazine", "article-newspaper"}),
    ),
    _Need("book title", ("container-title",), frozenset({"chapter", "paper-conference"})),
    _Need("publisher", ("publisher",), frozenset({"book", "chapter"})),
)


def missing_fields(item: dict[str, Any]) -> list[str]:
    """What the style prints of a CSL-JSON item that the item lacks, named as in _NEEDS."""
    kind = item.get("type", "")
    return [
        need.name
        for need in _NEEDS
        if (need.types is None or kind in need.types)
        and kind not in need.exempt
        and not any(item.get(variable) for variable in need.variables)
    ]


def csl_items(bibliography: Bibliography) -> list[dict[str, Any]]:
    """The bibliography's entries as CSL-JSON items: a BibTeX file as pandoc's citeproc reads it
    (as BibLaTeX, for a .bib), which is an error at its line when pandoc cannot parse it."""
    if bibliography.format == "csljson":
        return json.loads(bibliography.path.read_text(encoding="utf-8"))
    command = [pandoc(), "--from=biblatex", "--to=csljson", bibliography.path.name]
    # Run in the file's folder, so that pandoc's message names the file, not where it is.
    done = subprocess.run(command, cwd=bibliography.path.parent, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise unreadable(bibliography, done.stderr)
    return json.loads(done.stdout)
