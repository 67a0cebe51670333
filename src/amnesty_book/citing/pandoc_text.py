"""Writes the text pandoc's citeproc gives back (its JSON syntax tree) as the book's XHTML."""

from __future__ import annotations

from html import escape
from typing import Any

from amnesty_book.model.text import SAFE_LINK, quotation_marks, typeset

Node = dict[str, Any]
# Inline elements that wrap their content in one XHTML element.
_WRAPPING = {
    "Emph": ("<em>", "</em>"),
    "Strong": ("<strong>", "</strong>"),
    "Superscript": ("<sup>", "</sup>"),
    "Subscript": ("<sub>", "</sub>"),
    "SmallCaps": ('<span class="smallcaps">', "</span>"),
    "Underline": ('<span class="underline">', "</span>"),
    "Strikeout": ('<span class="struck">', "</span>"),
}


def inline_markup(nodes: list[Node], language: str, depth: int = 0) -> str:
    """Inline XHTML of pandoc inlines; quotations take the language's marks, alternating
    double and single as they nest."""
    out: list[str] = []
    words: list[str] = []  # text not yet set: set whole, so that "vol." and "1" are bound

    def set_words() -> None:
        if words:
            out.append(typeset(escape("".join(words), quote=False), language))
            words.clear()

    for node in nodes:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            words.append(content)
            continue
        if kind in ("Space", "SoftBreak"):
            words.append(" ")
            continue
        set_words()
        if kind == "LineBreak":
            out.append("<br/>")
        elif kind in _WRAPPING:
            opening, closing = _WRAPPING[kind]
            out.append(f"{opening}{inline_markup(content, language, depth)}{closing}")
        elif kind == "Quoted":
            marks = quotation_marks(language)
            opening, closing = marks[0:2] if depth % 2 == 0 else marks[2:4]
            out.append(f"{opening}{inline_markup(content[1], language, depth + 1)}{closing}")
        elif kind == "Link":
            text, (url, _) = inline_markup(content[1], language, depth), content[2]
            out.append(f'<a href="{escape(url)}">{text}</a>' if SAFE_LINK.match(url) else text)
        elif kind in ("Span", "Cite"):
            out.append(inline_markup(content[1], language, depth))
        elif kind == "Code":
            out.append(f"<code>{escape(content[1], quote=False)}</code>")
        elif kind == "Math":
            out.append(escape(content[1], quote=False))
        # Notes are taken out by the caller; raw formats and images have no place in a citation.
    set_words()
    return "".join(out)


def block_markup(blocks: list[Node], language: str) -> str:
    """XHTML paragraphs of pandoc blocks (a note's, a bibliography entry's)."""
    out = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            out.append(f"<p>{inline_markup(block['c'], language)}</p>")
        elif block["t"] == "Div":
            out.append(block_markup(block["c"][1], language))
    return "".join(out)
