"""Our reading of pandoc's citation syntax against pandoc's own: texts drawn from the grammar of
its Markdown reader's citations (bracketed, in-text, author suppressed, keys in braces, locators
with and without labels, prefixes and suffixes, several works in one bracket, `\\@`, e-mail
addresses) give the keys, modes, prefixes and suffixes (the locator in it) pandoc's JSON AST gives."""

from __future__ import annotations

import json
import re
import string
import subprocess
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from amnesty_book.citing.pandoc_program import pandoc
from amnesty_book.readers.citation_syntax import find

# What a key holds: a letter, digit or _ first, then those or punctuation pandoc takes inside
# a key (never at its end).
_WORD = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=6)
_PLAIN_KEY = st.builds(
    lambda first, rest: first + "".join(rest),
    _WORD,
    st.lists(st.tuples(st.sampled_from(":.#$%&-+?<>~/"), _WORD).map("".join), max_size=2),
)
# A key in braces: any characters but spaces and braces, punctuation at its end too.
_BRACED_KEY = st.one_of(
    st.text(string.ascii_letters + string.digits + "_:.,;-'", min_size=1, max_size=8),
    st.builds(lambda a, b, c: f"{a}{{{b}}}{c}", _WORD, _WORD, _WORD),  # braces inside, balanced
).map(lambda key: "{" + key + "}")
_KEY = st.one_of(_PLAIN_KEY, _PLAIN_KEY, _BRACED_KEY)
_LABEL = st.sampled_from(["", "p. ", "pp. ", "chap. ", "sec. ", "vol. ", "para. ", "n. ", "fig. ", "line "])
_NUMBER = st.sampled_from(["33", "33-35", "iv", "12, 14", "4 and 7", "2:14"])
_LOCATOR = st.builds(lambda label, number: label + number, _LABEL, _NUMBER)
_WORDS = st.sampled_from(["see", "also", "cf.", "e.g.,", "compare", "and more", "trans. mine", "*emph*"])
_PREFIX = st.one_of(st.just(""), _WORDS)
_SUFFIX = st.one_of(
    st.just(""),
    _LOCATOR.map(lambda locator: ", " + locator),
    st.builds(lambda locator, words: f", {locator} {words}", _LOCATOR, _WORDS),
    _WORDS.map(lambda words: " " + words),
)


@st.composite
def _bracketed_part(draw: st.DrawFn) -> str:
    prefix, suppress = draw(_PREFIX), draw(st.sampled_from(["", "-"]))
    return f"{prefix}{' ' if prefix else ''}{suppress}@{draw(_KEY)}{draw(_SUFFIX)}"


_BRACKETED = st.lists(_bracketed_part(), min_size=1, max_size=3).map(lambda parts: f"[{'; '.join(parts)}]")
# An in-text citation's locator: spaces, or a line's end, may stand before its bracket, and
# more works after a `;` in it.
_IN_TEXT_LOCATOR = st.builds(
    lambda space, locator, more: f"{space}[{locator}{more}]",
    st.sampled_from(["", " ", "  ", "\n"]),
    _LOCATOR,
    st.one_of(st.just(""), _bracketed_part().map(lambda part: "; " + part)),
)
_IN_TEXT = st.builds(
    lambda suppress, key, locator: f"{suppress}@{key}{locator}",
    st.sampled_from(["", "-"]),
    _KEY,
    st.one_of(st.just(""), _IN_TEXT_LOCATOR),
)
# What cites nothing: an escaped @, an e-mail address.
_NOTHING = st.sampled_from([r"\@ada", "ada@example.org", r"[not \@this]", "a.b@c.de"])
_AFTER = st.sampled_from(["", ".", ",", ";", ":", "?"])
_BETWEEN = st.sampled_from([" and ", " and\n", " ", "\n"])


@st.composite
def _paragraph(draw: st.DrawFn) -> str:
    """Citations and what cites nothing, side by side or with words between them."""
    pieces = draw(st.lists(st.one_of(_BRACKETED, _IN_TEXT, _IN_TEXT, _NOTHING), min_size=1, max_size=4))
    text = "Text "
    for piece in pieces:
        text += piece + draw(_AFTER) + draw(_BETWEEN)
    return text + "end."


_PARAGRAPH = _paragraph()


def _stringify(nodes: list[Any]) -> str:
    words = []
    for node in nodes:
        if node["t"] == "Str":
            words.append(node["c"])
        elif node["t"] in ("Space", "SoftBreak"):
            words.append(" ")
        elif node["t"] in ("Emph", "Strong"):
            words.append(f"*{_stringify(node['c'])}*")
    return "".join(words)


def _unescaped(text: str) -> str:
    return re.sub(r"\\([^\w\s])", r"\1", text)


def _same(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _pandocs(paragraphs: list[str]) -> list[list[tuple[str, str, str, str]]]:
    """The works of each Cite of each paragraph, by pandoc's Markdown reader."""
    done = subprocess.run(
        [pandoc(), "--from=markdown", "--to=json"],
        input="\n\n".join(paragraphs),
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[list[tuple[str, str, str, str]]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for each in node:
                walk(each)
        elif isinstance(node, dict) and node.get("t") == "Cite":
            found[-1].extend(
                (
                    each["citationId"],
                    each["citationMode"]["t"],
                    _same(_stringify(each["citationPrefix"])),
                    _same(_stringify(each["citationSuffix"])),
                )
                for each in node["c"][0]
            )
        elif isinstance(node, dict) and "c" in node:
            walk(node["c"])

    for block in json.loads(done.stdout)["blocks"]:
        found.append([])
        walk(block)
    return found


def _ours(paragraph: str) -> list[tuple[str, str, str, str]]:
    """Our reader's works, a prefix's and suffix's backslash escapes read as pandoc's inlines read them."""
    return [
        (item.key, item.mode, _same(_unescaped(item.prefix)), _same(_unescaped(item.suffix)))
        for found in find(paragraph)
        for item in found.items
    ]


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PARAGRAPH, min_size=40, max_size=40))
@example(  # what it found: our reader read these otherwise
    [
        r"Text [not \@this] end.",  # an escaped @ in brackets cites nothing
        "Text @a[33; @b] and end.",  # the bracket after an in-text citation is its own
        "Text and\n[@a; @b:c]: and end.",  # in a paragraph's lines, no link's definition
        "Text @{a b} [4] and @{x{y}z} end.",  # a braced key holds no space, balanced braces
        "Text -@a [p. 4] and @b\n[5] end.",  # author suppressed; a line's end before the locator
    ]
)
def test_our_reading_of_citations_is_pandocs(paragraphs: list[str]) -> None:
    """Forty paragraphs a run, read by one pandoc: a dozen runs read about 1,500 citations."""
    theirs = _pandocs(paragraphs)
    assert len(theirs) == len(paragraphs)
    for paragraph, cites in zip(paragraphs, theirs, strict=True):
        assert _ours(paragraph) == cites, paragraph
