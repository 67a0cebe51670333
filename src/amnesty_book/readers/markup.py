"""Turns Markdown text into safe XHTML fragments with note calls: the only place text becomes markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from html import escape
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import markdown
from markdown.inlinepatterns import InlineProcessor, SimpleTagInlineProcessor

from amnesty_book.model import CiteRef, CrossRef, Inline, NoteRef
from amnesty_book.model.text import SAFE_LINK, quotation_marks, typeset
from amnesty_book.project.config import LANGUAGE_TAG
from amnesty_book.project.limits import (
    MAX_LIST_NESTING,
    MAX_NESTING,
    TOO_DEEP_LISTS,
    LimitError,
    check_nesting,
)
from amnesty_book.readers.citation_syntax import Found
from amnesty_book.readers.citation_syntax import find as find_citations
from amnesty_book.readers.kept_markup import being_kept
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

# What a token stands for in the text Markdown converts.
InlineRef = NoteRef | CiteRef | CrossRef

NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
# A note call stands in the text as a token while Markdown converts it. The token's marks are
# Unicode noncharacters: refused in the sources, and never produced by a character reference
# (html.unescape drops them), so no text can pass for a token. Control characters are refused
# too: Markdown uses some of them as marks of its own.
_TOKEN_OPEN, _TOKEN_CLOSE = "\ufdd0", "\ufdd1"
_TOKEN = re.compile(f"{_TOKEN_OPEN}(\\d+){_TOKEN_CLOSE}")
_ESCAPED_AT = re.compile(r"\\@")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff]")
# Lists and quotations, which Markdown recurses on: their nesting has a limit of its own.
_NESTING = frozenset({"blockquote", "ul", "ol"})
_RAW_HTML = re.compile(r"<!--|</?([A-Za-z][A-Za-z0-9]*)(?=[\s/>])")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_CODE_BLOCK = re.compile(r"(?ms)^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$")

# tag -> attributes kept; anything else in Markdown's output is refused.
_ALLOWED = {
    "p": (),
    "em": (),
    "strong": (),
    "blockquote": (),
    "ul": (),
    "ol": ("start",),
    "li": (),
    "code": (),
    "pre": (),
    "sup": (),
    "sub": (),
    "br": (),
    "hr": (),
    "a": ("href", "title"),
    # a phrase in another language, [conditio sine qua non]{lang=la}; small caps, [UNESCO]{.smallcaps}
    "span": ("lang", "xml:lang", "class"),
    # GFM tables (a cell's alignment becomes a class) and definition lists.
    "table": (),
    "thead": (),
    "tbody": (),
    "tr": (),
    "th": (),
    "td": (),
    "dl": (),
    "dt": (),
    "dd": (),
}
_ALIGNMENT = re.compile(r"text-align:\s*(left|right|center)")
# Markdown of other dialects that this one would print as it stands: (pattern in the text
# Markdown made, what it is and how to write it here).
_FOREIGN_SYNTAX = (
    (re.compile(r"~~\S"), "strikethrough (~~text~~) is not supported; delete the '~~' or reword"),
    (re.compile(r"\^\["), "an inline note ^[...] is not supported; write [^label] and define the note below"),
    (
        re.compile(r"(?:^|\n)\s*\|.*\|"),
        "this looks like a table, but its second line is not a row of dashes (|---|---|); "
        "add it under the header row",
    ),
    (re.compile(r"\{[#.][\w-][^}]*\}"), "attributes like {#id} or {.class} are not supported; delete them"),
)
_VOID = {"br", "hr"}


# A heading's last word shorter than this does not stand alone on the heading's last line.
_RUNT = 8


def without_runt(heading: str) -> str:
    """The heading with its last two words bound together when the last is short, so that
    a break never leaves it alone on a line ("… 1941 / occur?")."""
    head, space, last = heading.rstrip().rpartition(" ")
    return f"{head}\u00a0{last}" if space and len(last) < _RUNT else heading


# A note's blocks, as the spans a PDF's footnote (an inline element of its paragraph) may
# hold: tag -> the class of the span that stands for it (print.css sets them as blocks).
_PHRASING = {
    "p": "note-p",
    "blockquote": "note-quote",
    "ul": "note-list",
    "ol": "note-list note-ordered",
    "li": "note-item",
    "pre": "note-pre",
    "hr": "note-rule",
}
_BLOCK_TAG = re.compile(rf"\s*<(/?)({'|'.join(_PHRASING)})\b[^>]*?(/?)>\s*")


def as_phrasing(markup: str) -> str:
    """Block-level markup (a note of several paragraphs, a quotation, a list) rewritten as
    spans, for the PDF, where the note stands inside the paragraph that calls it."""

    def span(match: re.Match[str]) -> str:
        closing, tag, empty = match.groups()
        if closing:
            return "</span>"
        return f'<span class="{_PHRASING[tag]}"></span>' if empty else f'<span class="{_PHRASING[tag]}">'

    return _BLOCK_TAG.sub(span, markup)


def with_lead(markup: str, lead: str) -> str:
    """Block-level markup with `lead` (a note's number, linking back) opening its first
    paragraph, or in a paragraph of its own when the markup opens with another block (a
    quotation, a list), which the stylesheets set beside that block's first line."""
    if markup.startswith("<p>"):
        return f"<p>{lead} {markup.removeprefix('<p>')}"
    return f'<p class="note-lead">{lead}</p>{markup}'


# ... as Python-Markdown's smarty makes them from straight quotes.
_SMARTY_QUOTES = ("left-double-quote", "right-double-quote", "left-single-quote", "right-single-quote")


# A language's tag and the phrases in it a book's text uses (book.toml's [foreign_phrases]).
ForeignPhrases = tuple[tuple[str, tuple[str, ...]], ...]
# The language the text being read is set in (book.toml's [book] language), and its foreign
# phrases: typeset_in.
_LANGUAGE: ContextVar[str] = ContextVar("language", default="en")
_PHRASES: ContextVar[ForeignPhrases] = ContextVar("phrases", default=())


@contextmanager
def typeset_in(language: str, phrases: ForeignPhrases = ()) -> Iterator[None]:
    """Markdown read inside takes this language's quotation marks and line-break rules, and
    marks the foreign phrases with their languages."""
    tokens = _LANGUAGE.set(language), _PHRASES.set(phrases)
    try:
        yield
    finally:
        _LANGUAGE.reset(tokens[0])
        _PHRASES.reset(tokens[1])


def _markdown(language: str, phrases: ForeignPhrases) -> markdown.Markdown:
    """A converter for the language; one is kept and reused, and made anew if a conversion
    fails halfway."""
    converter = markdown.Markdown(
        extensions=["smarty", "tables", "def_list", "fenced_code"],
        extension_configs={
            "smarty": {"substitutions": dict(zip(_SMARTY_QUOTES, quotation_marks(language), strict=True))}
        },
        output_format="xhtml",
    )
    # Raw HTML is refused before conversion; never let Markdown pass any through.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    # Before links (160) and references (170): "[...]{lang=la}" is neither.
    converter.inlinePatterns.register(_LanguageSpan(_LANGUAGE_SPAN, converter), "language span", 175)
    converter.inlinePatterns.register(_SmallCaps(_SMALL_CAPS, converter), "small caps", 176)
    # pandoc's superscript and subscript, 2^nd^ and H~2~O, with no space inside; after emphasis,
    # so that ^*x*^ sets both. \^ and \~ write the characters themselves.
    converter.inlinePatterns.register(SimpleTagInlineProcessor(_SUPERSCRIPT, "sup"), "superscript", 65)
    converter.inlinePatterns.register(SimpleTagInlineProcessor(_SUBSCRIPT, "sub"), "subscript", 64)
    converter.ESCAPED_CHARS += ["^", "~"]
    if phrases:
        converter.inlinePatterns.register(_ForeignPhrase(phrases, converter), "foreign phrase", 174)
    return converter


# A phrase in another language, as pandoc marks it: [conditio sine qua non]{lang=la} (a BCP 47 tag).
_LANGUAGE_SPAN = rf"\[([^\[\]]+)\]\{{lang=({LANGUAGE_TAG.pattern})\}}"


# Small caps, as pandoc marks them: [UNESCO]{.smallcaps}.
_SMALL_CAPS = r"\[([^\[\]]+)\]\{\.smallcaps\}"
# group 2 is what SimpleTagInlineProcessor sets inside the tag.
_SUPERSCRIPT = r"(\^)([^\s^]+)\^"
_SUBSCRIPT = r"(?<!~)(~)([^\s~]+)~(?!~)"


class _SmallCaps(InlineProcessor):
    """Small capitals: a span of the class the stylesheets set in the font's small caps."""

    def handleMatch(self, match: re.Match[str], data: str) -> tuple[Any, int, int]:
        span = ElementTree.Element("span")
        span.set("class", "smallcaps")
        span.text = match.group(1)
        return span, match.start(0), match.end(0)


class _LanguageSpan(InlineProcessor):
    """A phrase in another language: a span with its `lang` (and XHTML's `xml:lang`), so that it is
    hyphenated by its own language's patterns or not at all, and read out in its language."""

    def handleMatch(self, match: re.Match[str], data: str) -> tuple[Any, int, int]:
        return _in_language(match.group(1), match.group(2)), match.start(0), match.end(0)


def _in_language(text: str, tag: str) -> ElementTree.Element:
    span = ElementTree.Element("span")
    span.set("lang", tag)
    span.set("xml:lang", tag)
    span.text = text
    return span


class _ForeignPhrase(InlineProcessor):
    """A phrase book.toml lists under its language, wherever the text uses it (as a whole word,
    across a line break too): the span a `[...]{lang=…}` makes, its words left as they are."""

    def __init__(self, phrases: ForeignPhrases, converter: markdown.Markdown) -> None:
        self.languages = {phrase.casefold(): tag for tag, listed in phrases for phrase in listed}
        longest_first = sorted(self.languages, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in longest_first)
        super().__init__(rf"(?i)(?<!\w)(?:{alternatives})(?!\w)", converter)

    def handleMatch(self, match: re.Match[str], data: str) -> tuple[Any, int, int]:
        tag = self.languages[" ".join(match.group(0).split()).casefold()]
        span = _in_language(markdown.util.AtomicString(match.group(0)), tag)
        return span, match.start(0), match.end(0)


_CONVERTERS: dict[tuple[str, ForeignPhrases], markdown.Markdown] = {}


# What opens a list, a quotation or a definition inside another (a marker before a space, or '>').
_LIST_MARKERS = re.compile(r"(?:[-*+:]|\d+[.)])(?=\s)|>")
# The characters with which Markdown opens an element inside a line (emphasis, code, links,
# images, automatic links, tables, headings, rules).
_INLINE_OPENERS = re.compile(r"[*_`\[!<~|#=]")
# Elements a block may hold that no character of it opens: its paragraph, a foreign phrase's
# span, an indented code block's pre and code, a table's four.
_UNMARKED_DEPTH = 8


def may_nest_too_deep(text: str) -> bool:
    """Whether a block of Markdown could hold elements nested past the limits (project/limits.py).
    Each list or quotation inside another takes a marker, each element inside a line a character
    of Markdown's syntax, and a list item at most three elements (list, item, paragraph): a
    block with few of them cannot, and need not be converted to be sure (lint's S005)."""
    markers = len(_LIST_MARKERS.findall(text))
    if markers > MAX_LIST_NESTING:
        return True
    return _UNMARKED_DEPTH + 2 * len(_INLINE_OPENERS.findall(text)) + 3 * markers > MAX_NESTING


def block_markup(
    text: str, location: SourceLocation, allow_notes: bool = True, allow_citations: bool = True
) -> Inline:
    """Block-level XHTML (<p>, <blockquote>, lists) of a Markdown block, with its note calls,
    citations and cross-references."""
    markup, calls = _convert(text, location, allow_notes, allow_citations)
    return _split_calls(markup, calls)


def inline_markup(
    text: str, location: SourceLocation, allow_notes: bool = True, allow_citations: bool = True
) -> Inline:
    """Inline XHTML of one paragraph of Markdown (a heading, a caption, a note)."""
    markup, calls = _convert(text, location, allow_notes, allow_citations)
    if not markup:
        return ()
    inner = markup.removeprefix("<p>").removesuffix("</p>")
    if not markup.startswith("<p>") or "<p>" in inner:
        raise BookError.at(location, "this text must be a single paragraph of inline Markdown")
    return _split_calls(inner, calls)


def _convert(
    text: str, location: SourceLocation, allow_notes: bool, allow_citations: bool
) -> tuple[str, list[InlineRef]]:
    _refuse_characters_not_text(text, location)
    calls, tokenised = _tokenise(text, location, allow_notes, allow_citations)
    _refuse_raw_html(tokenised, location)
    setting = _LANGUAGE.get(), _PHRASES.get()
    converter = _CONVERTERS.get(setting) or _CONVERTERS.setdefault(setting, _markdown(*setting))
    kept = being_kept()  # a manuscript file's blocks, as its last reading converted them

    def convert() -> str:
        return str(converter.reset().convert(tokenised))

    try:
        html = convert() if kept is None else kept.html(f"{setting!r}\0{tokenised}", convert)
    except RecursionError:
        del _CONVERTERS[setting]  # its parser state is left halfway: never reuse it
        raise LimitError.at(location, TOO_DEEP_LISTS) from None
    except BaseException:
        del _CONVERTERS[setting]
        raise
    html = _LISTED_INSIDE_MARKED.sub(r"\1\3", html)
    return _Sanitiser.clean(html, location).strip(), calls


# A listed phrase the text marks itself ([conditio sine qua non]{lang=la}): one span, not two.
_LISTED_INSIDE_MARKED = re.compile(
    r'(<span lang="([^"]+)" xml:lang="\2">)<span lang="\2" xml:lang="\2">([^<]*)</span>(?=</span>)'
)


def _refuse_characters_not_text(text: str, location: SourceLocation) -> None:
    match = _NOT_TEXT.search(text)
    if match:
        kind = "a control character" if match.group() < "\x80" else "a Unicode noncharacter"
        raise BookError.at(
            location.offset(text.count("\n", 0, match.start())),
            f"the character U+{ord(match.group()):04X} is {kind}, not text; delete it",
        )


def _tokenise(
    text: str, location: SourceLocation, allow_notes: bool, allow_citations: bool
) -> tuple[list[InlineRef], str]:
    """The text with each note call, citation and cross-reference replaced by a token, and
    what each token stands for. `\\@` is an @ that starts no citation."""
    calls: list[InlineRef] = []
    visible = _outside_code(text)
    marks = [(match.start(), match.end(), match) for match in NOTE_CALL.finditer(visible)]
    marks += [(found.start, found.end, found) for found in find_citations(visible)]
    marks += [(match.start(), match.end(), None) for match in _ESCAPED_AT.finditer(visible)]
    pieces, end = [], 0
    for start, stop, mark in sorted(marks, key=lambda each: each[0]):
        if start < end:
            continue
        where = location.offset(text.count("\n", 0, start))
        pieces.append(text[end:start])
        end = stop
        if mark is None:
            pieces.append("&#64;")
            continue
        calls.append(_reference(mark, where, allow_notes, allow_citations))
        pieces.append(f"{_TOKEN_OPEN}{len(calls) - 1}{_TOKEN_CLOSE}")
    return calls, "".join([*pieces, text[end:]])


def _reference(
    mark: re.Match[str] | Found, where: SourceLocation, allow_notes: bool, allow_citations: bool
) -> InlineRef:
    if isinstance(mark, re.Match):
        if not allow_notes:
            raise BookError.at(
                where,
                f"a note call [^{mark.group(1)}] cannot stand here (a note inside a note?); "
                "move it into the running text",
            )
        return NoteRef(mark.group(1), where)
    if mark.problem:
        raise BookError.at(where, mark.problem)
    if not allow_citations:
        raise BookError.at(
            where, f"a citation or cross-reference ({mark.source}) cannot stand here; move it into the text"
        )
    if mark.cross_reference:
        return CrossRef(*mark.cross_reference, where)
    return CiteRef(mark.source, mark.keys, where)


def _outside_code(text: str) -> str:
    """The text with its code (fenced blocks and `spans`) blanked, every line and column kept:
    where note calls and raw HTML are looked for, as code shows them as they stand."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    return _CODE_SPAN.sub(blank, _CODE_BLOCK.sub(blank, text))


def _refuse_raw_html(text: str, location: SourceLocation) -> None:
    visible = _outside_code(text)
    match = _RAW_HTML.search(visible)
    if match:
        where = location.offset(visible.count("\n", 0, match.start()))
        tag = f"<{match.group(1)}>" if match.group(1) else "<!-- -->"
        raise BookError.at(
            where,
            f"raw HTML {tag} is not allowed in the manuscript; write it in Markdown, "
            "or put it in `backticks` to show it as text",
        )


def _split_calls(markup: str, calls: list[InlineRef]) -> Inline:
    parts: list[str | InlineRef] = []
    for index, piece in enumerate(_TOKEN.split(markup)):
        if index % 2:
            parts.append(calls[int(piece)])
        elif piece:
            parts.append(piece)
    return tuple(parts)


class _Sanitiser(HTMLParser):
    """Rebuilds Markdown's HTML as well-formed XHTML, keeping only known tags and safe links."""

    def __init__(self, location: SourceLocation) -> None:
        super().__init__(convert_charrefs=True)
        self.location = location
        self.out: list[str] = []
        self.open: list[str] = []

    @classmethod
    def clean(cls, html: str, location: SourceLocation) -> str:
        parser = cls(location)
        parser.feed(html)
        parser.close()
        return "".join(parser.out)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED:
            if tag == "img":
                raise BookError.at(
                    self.location,
                    "this Markdown makes an image: images are plates, placed with '::: plate ID'",
                )
            raise BookError.at(self.location, f"this Markdown makes <{tag}>, which the book does not support")
        kept = []
        if tag in ("th", "td"):
            alignment = _ALIGNMENT.search(dict(attrs).get("style") or "")
            kept += [f' class="align-{alignment.group(1)}"'] if alignment else []
            # A column's head, for the tagged PDF's TH (GFM tables have no row heads).
            kept += [' scope="col"'] if tag == "th" else []
        for name, value in attrs:
            if name not in _ALLOWED[tag] or value is None or (name == "class" and value != "smallcaps"):
                continue
            if name == "href" and not SAFE_LINK.match(value):
                raise BookError.at(
                    self.location,
                    f"link target '{value}' is not allowed; use an http(s):, mailto: or #anchor link",
                )
            kept.append(f' {name}="{escape(value)}"')
        if tag in _VOID:
            self.out.append(f"<{tag}{''.join(kept)}/>")
        else:
            lists = sum(outer in _NESTING for outer in (*self.open, tag))
            check_nesting(len(self.open) + 1, lists, self.location)
            self.open.append(tag)
            self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag in self.open:
            self.open.remove(tag)
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = escape(data, quote=False)
        if "code" in self.open or "pre" in self.open:
            self.out.append(text)
            return
        for pattern, message in _FOREIGN_SYNTAX:
            if pattern.search(data):
                raise BookError.at(self.location, message)
        self.out.append(typeset(text, _LANGUAGE.get()))
