"""Zotero's and Mendeley's citation fields: readable keys for their works, `[@key, 45]` in the
text, and the works' own CSL-JSON, as the fields carry it, for the bibliography."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from amnesty_book.importing.markers import Citation, Cited

# The field codes of a citation: Zotero's `ADDIN ZOTERO_ITEM CSL_CITATION {...}`, Mendeley's
# `ADDIN CSL_CITATION {...}`; and of a bibliography, which the book's Sources replace.
CITATION_FIELD = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_ITEM\s+)?CSL_CITATION\s+(\{.*\})\s*$", re.DOTALL)
BIBLIOGRAPHY_FIELD = re.compile(
    r"^\s*(?:ADDIN\s+(?:ZOTERO_BIBL|Mendeley\s+Bibliography)|BIBLIOGRAPHY)\b", re.I
)
# CSL's locator labels as pandoc's citation syntax writes them (a page needs none).
_LABELS = {
    "page": "",
    "book": "bk.",
    "chapter": "chap.",
    "column": "col.",
    "figure": "fig.",
    "folio": "fol.",
    "issue": "no.",
    "line": "l.",
    "note": "n.",
    "opus": "op.",
    "paragraph": "para.",
    "part": "pt.",
    "section": "sec.",
    "sub verbo": "s.v.",
    "sub-verbo": "s.v.",
    "verse": "v.",
    "volume": "vol.",
}


@dataclass
class Works:
    """The works the document cites, each under one key, however many fields cite it."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> CSL-JSON item
    _keys: dict[str, str] = field(default_factory=dict)  # identity -> key

    def citation(self, code: str, shown: str) -> Citation | None:
        """The citation a field's JSON describes; None when it cannot be read."""
        try:
            data = json.loads(code)
            cited = [self._cited(entry) for entry in data["citationItems"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return Citation(tuple(cited), shown)

    def _cited(self, entry: dict[str, Any]) -> Cited:
        item = dict(entry["itemData"])
        uris = entry.get("uris") or entry.get("uri") or []
        identity = (
            uris[0]
            if uris
            else json.dumps([item.get("title"), item.get("author"), item.get("issued")], sort_keys=True)
        )
        key = self._keys.get(identity)
        if key is None:
            key = self._new_key(item)
            self._keys[identity] = key
            self.items[key] = {**item, "id": key}
        label = str(entry.get("label") or "page")
        locator = str(entry.get("locator") or "").strip()
        if locator and _LABELS.get(label, label):
            locator = f"{_LABELS.get(label, label)} {locator}"
        return Cited(
            key,
            locator,
            str(entry.get("prefix") or "").strip(),
            str(entry.get("suffix") or "").strip(),
            bool(entry.get("suppress-author")),
        )

    def _new_key(self, item: dict[str, Any]) -> str:
        """author + year, as Better BibTeX makes them ("davies2015"), a letter added to tell
        two apart ("davies2015a")."""
        names = item.get("author") or item.get("editor") or []
        name = ""
        if names and isinstance(names[0], dict):
            name = str(names[0].get("family") or names[0].get("literal") or "")
        if not name:
            name = (
                str(item.get("title") or "work").split()[0]
                if str(item.get("title") or "").split()
                else "work"
            )
        folded = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
        base = re.sub(r"[^a-z0-9]+", "", folded.encode("ascii", "ignore").decode().lower()) or "work"
        base = base if base[0].isalpha() else f"w{base}"
        base += _year(item)
        key, letter = base, 0
        while key in self.items:
            key = f"{base}{'abcdefghijklmnopqrstuvwxyz'[letter % 26]}{letter // 26 or ''}"
            letter += 1
        return key

    def bibliography(self) -> str:
        """The works as a CSL-JSON file, in the order they were first cited."""
        return json.dumps(list(self.items.values()), ensure_ascii=False, indent=2) + "\n"


def _year(item: dict[str, Any]) -> str:
    issued = item.get("issued") or {}
    try:
        return str(int(issued["date-parts"][0][0]))
    except (KeyError, IndexError, TypeError, ValueError):
        match = (
            re.search(r"\d{4}", str(issued.get("raw") or issued.get("literal") or ""))
            if isinstance(issued, dict)
            else None
        )
        return match.group() if match else ""


def markdown(citation: Citation, escape: Any) -> str:
    """The citation in pandoc's syntax, `[see @davies2015, 45; -@sword1994]`; `escape` makes
    the words around the keys text."""
    parts = []
    for work in citation.works:
        text = f"{'-' if work.suppress_author else ''}@{work.key}"
        if work.locator:
            text += f", {escape(work.locator)}"
        if work.prefix:
            text = f"{escape(work.prefix)} {text}"
        if work.suffix:
            text += f"{'' if work.suffix.startswith(',') or work.locator else ','} {escape(work.suffix)}"
        parts.append(text)
    return f"[{'; '.join(parts)}]"
