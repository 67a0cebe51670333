"""Finds citations (pandoc's syntax) and cross-references (`@plate:id`) in Markdown text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from amnesty_book.project.appendix_kinds import APPENDICES

# A citation key, as pandoc reads it: a letter, digit or _ first, then alphanumerics, _ and
# punctuation inside the key (a dot or colon that ends it is the sentence's); or any key in
# braces, `@{Doe:2001.}`, whose braces are not the key's.
_KEY = r"\{(?P<braced>[^{}\n]*)\}|(?P<plain>[\w](?:[\w]|[:.#$%&+?<>~/-](?=[\w]))*)"
# pandoc's in-text citation, `@key` or `@key [p. 33]`, not inside a word or an e-mail address.
_IN_TEXT = re.compile(rf"(?<![\w@\\\]])@(?P<key>{_KEY})(?P<locator>[ ]\[[^\[\]\n]*\])?")
# A bracketed citation, `[see @key, p. 33; -@other]`: not a note call, image, link (a target,
# a reference after it) or span (attributes after it); a note's call may follow it, `[@key][^n]`.
_BRACKETED = re.compile(r"(?<![!\\])\[(?!\^)(?P<body>[^\[\]]*?(?<![\w@])-?@[^\[\]]*)\](?![({]|\[(?!\^))")
# A link's definition, `[label]: target "title"`, alone on its line, as pandoc reads one: a line
# that goes on in words, `[@key]: see …`, begins with a citation. (Lint reads links by it too.)
LINK_DEFINITION = re.compile(
    r"^[ ]{0,3}(?P<label>\[(?!\^)[^\]\n]+\]):[ \t]*"
    r"""(?P<tail>(?P<target><[^<>\n]*>|\S+)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*)$""",
    re.MULTILINE,
)
_KEY_IN_BRACKETS = re.compile(rf"(?<![\w@])-?@(?P<key>{_KEY})")
# Where no citation is looked for: links' targets and automatic links.
_NOT_TEXT = re.compile(r"\]\([^)\n]*\)|<[a-z]+:[^>\s]*>", re.IGNORECASE)
# What a cross-reference points at, by the prefix of its key: the builder's own, then each kind
# of appendix's (appendix_kinds.py).
_OWN_KINDS = ("plate", "sec", "note")


def _cross_reference() -> re.Pattern[str]:
    kinds = (*_OWN_KINDS, *(kind.reference for kind in APPENDICES.values() if kind.reference))
    return re.compile(rf"({'|'.join(kinds)}):(.+)")  # kept compiled by re


@dataclass(frozen=True)
class Found:
    """A citation or cross-reference in a text: where it stands and what it names."""

    start: int
    end: int
    source: str  # as written
    keys: tuple[str, ...]  # the bibliography's keys it cites; none for a cross-reference
    cross_reference: tuple[str, str] | None = None  # (kind, id)
    problem: str = ""  # why it cannot stand as written


def _key(found: re.Match[str]) -> str:
    """The key a citation names, without the braces it may be written in."""
    braced = found.group("braced")
    return found.group("plain") if braced is None else braced


def find(text: str) -> list[Found]:
    """The citations and cross-references of a text (code already blanked), in order."""
    visible = _NOT_TEXT.sub(lambda match: " " * len(match.group()), text)
    cross_reference = _cross_reference()
    found: list[Found] = []
    taken = bytearray(len(text))
    labels = {definition.start("label") for definition in LINK_DEFINITION.finditer(visible)}
    for match in _BRACKETED.finditer(visible):
        if match.start() in labels:
            continue
        keys = tuple(_key(key) for key in _KEY_IN_BRACKETS.finditer(match.group("body")))
        crossing = [key for key in keys if cross_reference.fullmatch(key)]
        problem = (
            f"a cross-reference stands alone, as @{crossing[0]}, not inside [...]; "
            "take it out of the brackets"
            if crossing
            else ""
        )
        found.append(
            Found(match.start(), match.end(), text[match.start() : match.end()], keys, None, problem)
        )
        taken[match.start() : match.end()] = b"\1" * (match.end() - match.start())
    for match in _IN_TEXT.finditer(visible):
        if taken[match.start()]:
            continue
        key = _key(match)
        crossing = cross_reference.fullmatch(key)
        if crossing:
            # A bracket after a cross-reference is the sentence's, not a locator.
            end = match.end("key")
            found.append(Found(match.start(), end, text[match.start() : end], (), (crossing[1], crossing[2])))
        else:
            found.append(Found(match.start(), match.end(), text[match.start() : match.end()], (key,)))
    return sorted(found, key=lambda each: each.start)
