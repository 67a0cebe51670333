"""Finds citations (pandoc's syntax) and cross-references (`@plate:id`) in Markdown text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from amnesty_book.project.appendix_kinds import APPENDICES

# A citation key, as pandoc reads it: a letter, digit or _ first, then alphanumerics, _ and
# punctuation inside the key (a dot or colon that ends it is the sentence's); or any key in
# braces, `@{Doe:2001.}`, whose braces are not the key's: no space in it, its braces balanced.
_KEY = (
    r"\{(?P<braced>[^{}\s]*(?:\{[^{}\s]*\}[^{}\s]*)*)\}"
    r"|(?P<plain>[\w](?:[\w]|[:.#$%&+?<>~/-](?=[\w]))*)"
)
# pandoc's in-text citation, `@key`, `-@key` or `@key [p. 33]` (spaces and one line's end may
# stand before the bracket), not inside a word or an e-mail address; the bracket is no note's
# call, link or span.
_IN_TEXT = re.compile(
    rf"(?<![\w@\\\]])(?P<suppress>-?)@(?P<key>{_KEY})"
    r"(?:[ \t]*\n?[ \t]*\[(?!\^)(?P<locator>[^\[\]]*)\](?![\[(]))?"
)
# A bracketed citation, `[see @key, p. 33; -@other]`: not a note call, image, link (a target,
# a reference after it) or span (attributes after it); a note's call may follow it, `[@key][^n]`.
_BRACKETED = re.compile(r"(?<![!\\])\[(?!\^)(?P<body>[^\[\]]*?(?<![\w@\\])-?@[^\[\]]*)\](?![({]|\[(?!\^))")
# A link's definition, `[label]: target "title"`, alone on its line, as pandoc reads one: a line
# that goes on in words, `[@key]: see …`, begins with a citation. (Lint reads links by it too.)
LINK_DEFINITION = re.compile(
    r"^[ ]{0,3}(?P<label>\[(?!\^)[^\]\n]+\]):[ \t]*"
    r"""(?P<tail>(?P<target><[^<>\n]*>|\S+)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*)$""",
    re.MULTILINE,
)
_KEY_IN_BRACKETS = re.compile(rf"(?<![\w@\\])-?@(?P<key>{_KEY})")
# Where no citation is looked for: links' targets and automatic links.
_NOT_TEXT = re.compile(r"\]\([^)\n]*\)|<[a-z]+:[^>\s]*>", re.IGNORECASE)
# What a cross-reference points at, by the prefix of its key: the builder's own, then each kind
# of appendix's (appendix_kinds.py).
_OWN_KINDS = ("plate", "sec", "note")


def _cross_reference() -> re.Pattern[str]:
    kinds = (*_OWN_KINDS, *(kind.reference for kind in APPENDICES.values() if kind.reference))
    return re.compile(rf"({'|'.join(kinds)}):(.+)")  # kept compiled by re


@dataclass(frozen=True)
class Item:
    """One work a citation cites, with what pandoc's AST gives of it."""

    key: str
    mode: str  # pandoc's citationMode: NormalCitation, SuppressAuthor or AuthorInText
    prefix: str  # as written, trimmed
    suffix: str  # as written, trimmed, the locator in it


@dataclass(frozen=True)
class Found:
    """A citation or cross-reference in a text: where it stands and what it names."""

    start: int
    end: int
    source: str  # as written
    items: tuple[Item, ...]  # the works it cites; none for a cross-reference
    cross_reference: tuple[str, str] | None = None  # (kind, id)
    problem: str = ""  # why it cannot stand as written

    @property
    def keys(self) -> tuple[str, ...]:
        """The bibliography's keys it cites."""
        return tuple(item.key for item in self.items)


def _key(found: re.Match[str]) -> str:
    """The key a citation names, without the braces it may be written in."""
    braced = found.group("braced")
    return found.group("plain") if braced is None else braced


def _segments(body: str) -> list[str]:
    """A bracketed citation's parts, as pandoc parts them at each `;` outside a braced key."""
    parts, depth, start = [], 0, 0
    for index, character in enumerate(body):
        depth += {"{": 1, "}": -1}.get(character, 0)
        if character == ";" and depth == 0:
            parts.append(body[start:index])
            start = index + 1
    return [*parts, body[start:]]


def _bracketed_items(segments: list[str]) -> tuple[Item, ...]:
    """The works of a bracketed citation's parts: each a prefix, a key (`-@` without the
    author's name) and a suffix, which holds the locator."""
    items = []
    for segment in segments:
        key = _KEY_IN_BRACKETS.search(segment)
        if key is None:
            continue
        mode = "SuppressAuthor" if segment[key.start()] == "-" else "NormalCitation"
        items.append(
            Item(_key(key), mode, " ".join(segment[: key.start()].split()), _trimmed(segment[key.end() :]))
        )
    return tuple(items)


def _trimmed(text: str) -> str:
    return " ".join(text.split())


def _in_text_items(match: re.Match[str]) -> tuple[Item, ...]:
    """An in-text citation's works: its own, with the bracket after it as its locator; a bracket
    that begins with a citation cites more works, as does any part after a `;` (pandoc's)."""
    mode = "SuppressAuthor" if match.group("suppress") else "AuthorInText"
    bracket = match.group("locator")
    segments = _segments(bracket) if bracket is not None else [""]
    if _KEY_IN_BRACKETS.search(segments[0]):
        return (Item(_key(match), mode, "", ""), *_bracketed_items(segments))
    return (Item(_key(match), mode, "", _trimmed(segments[0])), *_bracketed_items(segments[1:]))


def _definitions(text: str) -> set[int]:
    """Where the links' definitions of a text begin: a definition begins a block (after a blank
    line, or another definition); in a paragraph's lines, `[@key]: word` is a citation."""
    found: set[int] = set()
    after = 0  # where a line after a definition begins
    for definition in LINK_DEFINITION.finditer(text):
        line = text.rfind("\n", 0, definition.start()) + 1
        previous = text[text.rfind("\n", 0, max(line - 1, 0)) + 1 : line]
        if line == 0 or not previous.strip() or line == after:
            found.add(definition.start("label"))
            after = definition.end() + 1
    return found


def find(text: str) -> list[Found]:
    """The citations and cross-references of a text (code already blanked), in order."""
    visible = _NOT_TEXT.sub(lambda match: " " * len(match.group()), text)
    cross_reference = _cross_reference()
    found: list[Found] = []
    taken = bytearray(len(text))
    labels = _definitions(visible)
    for match in _BRACKETED.finditer(visible):
        if match.start() in labels:
            continue
        items = _bracketed_items(_segments(match.group("body")))
        crossing = [item.key for item in items if cross_reference.fullmatch(item.key)]
        problem = (
            f"a cross-reference stands alone, as @{crossing[0]}, not inside [...]; "
            "take it out of the brackets"
            if crossing
            else ""
        )
        found.append(
            Found(match.start(), match.end(), text[match.start() : match.end()], items, None, problem)
        )
        taken[match.start() : match.end()] = b"\1" * (match.end() - match.start())
    for match in _IN_TEXT.finditer(visible):
        if taken[match.start()]:
            continue
        crossing = cross_reference.fullmatch(_key(match))
        if crossing:
            # A bracket after a cross-reference is the sentence's, not a locator; a dash before it too.
            start, end = match.end("suppress"), match.end("key")
            found.append(Found(start, end, text[start:end], (), (crossing[1], crossing[2])))
        else:
            # The bracket after it is its own (pandoc reads from the @ on), even one with a key.
            found = [each for each in found if not match.start() < each.start < match.end()]
            items = _in_text_items(match)
            found.append(Found(match.start(), match.end(), text[match.start() : match.end()], items))
    return sorted(found, key=lambda each: each.start)
