"""Each of WeasyPrint's patches (layout/weasyprint/) makes its difference, shown with and without it.

A small document is laid out in a fresh process with every patch applied, and again with every
patch but the one under test: each probe below runs in its own process (`_probe`, this file run
as a script), since a patch cannot be taken back once applied and a probe may instrument
WeasyPrint as it likes; the probes, each a process, are marked slow (make test-fast leaves them
out). Then the versions the patches are written for, and their check.
"""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pydyf
import pytest
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block

from amnesty_book import theme
from amnesty_book.cli import main
from amnesty_book.layout import weasyprint as patches
from amnesty_book.layout.weasyprint import long_texts, versions
from amnesty_book.layout.weasyprint.letter_spacing import LETTER_MOST
from amnesty_book.support.errors import BookError
from amnesty_book.support.exit_codes import EXIT_FAILED
from conftest import REPO

FONT = (Path(theme.__file__).parent / "fonts" / "CharisSIL-Regular.ttf").as_uri()
# The same type on any machine: the lines, and so the pages, do not depend on the system's fonts.
STYLE = (
    f"@font-face {{ font-family: Charis; src: url({FONT}) }} "
    "html { font-family: Charis; font-size: 10pt } body { margin: 0 } "
    ".note { float: footnote } "
    # A plate as the paged editions float it (theme/css/print.css).
    ".page-float { float: footnote; footnote-display: block; margin: 0 } "
    ".page-float::footnote-call { content: none } "
    ".page-float::footnote-marker { content: none; display: block } "
)


def _document(body: str, style: str = "") -> Document:
    return HTML(string=f"<html lang='en'><style>{STYLE}{style}</style><body>{body}</body></html>").render()


def _pages_of(document: Document, *starts: str) -> list[int]:
    """The page (from 1) of the first text that begins with each of `starts`."""
    texts = [
        (number, box.text)
        for number, page in enumerate(document.pages, start=1)
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox)
    ]
    return [next(number for number, text in texts if text.lstrip().startswith(start)) for start in starts]


def _lines(document: Document) -> list[str]:
    return [
        "".join(text.text for text in line.descendants() if isinstance(text, boxes.TextBox))
        for page in document.pages
        for line in page._page_box.descendants()
        if isinstance(line, boxes.LineBox)
    ]


def _top_of(document: Document, page: int, element_id: str) -> tuple[float, bool]:
    """Where the element's box starts below the page's content box, and whether it stands in
    the page's foot area."""
    page_box = document.pages[page - 1]._page_box
    box = next(
        box
        for box in page_box.descendants()
        if isinstance(box, boxes.BlockBox) and box.element is not None and box.element.get("id") == element_id
    )
    area = [each for each in page_box.descendants() if isinstance(each, boxes.FootnoteAreaBox)]
    in_area = any(each is box for each in area[0].descendants()) if area else False
    return box.position_y - page_box.content_box_y(), in_area


# The probes: each returns what its test compares, as JSON.


def a_note_that_fits() -> list[int]:
    """The pages of a call and of its note (seven lines), which fits under it: the bottom of the
    foot area, summed in another order than its last note's, is 1.1e-13 px above it."""
    style = (
        "@page { size: 150mm 200mm; margin: 17mm 19mm; "
        "@footnote { border-top: 0.5pt solid; padding-top: 9.6px; margin-top: 19.2px } } "
        "body { font-size: 10.5pt; line-height: 1.45 } "
        ".note { font-size: 8.5pt; line-height: 1.3; margin: 0 0 0.25em 1.4em }"
    )
    notes = f"<span class=note>A note.</span> and the call<span class=note>{'Another note. ' * 35}</span>"
    return _pages_of(_document(f"<p>Text{notes}</p>", style), "and the call", "Another note.")


SQUARE = "@page { size: 100mm 100mm; margin: 10mm } html { line-height: 20px }"


def a_paragraph_after_a_heading() -> float:
    """How far a chapter's paragraph after a heading starts below the text block's top, in lines
    of the body's leading (20 px): the heading takes 1.66 of them, its margins included."""
    style = f"{SQUARE} html {{ font-size: 20px; line-height: 1 }} p {{ margin: 0 }} "
    style += "h2 { font-size: 16px; line-height: 1.2; margin: 7px 0 }"
    body = "<section class=chapter><p>A line.</p><h2>A heading</h2><p id=after>After it.</p></section>"
    top, _ = _top_of(_document(body, style), 1, "after")
    return top / 20


def a_plate_and_a_note_at_the_foot() -> dict[str, tuple[float, bool]]:
    """Where a plate floated to the page's foot stands, and the note called before it."""
    style = f"{SQUARE} .page-float {{ height: 60px }}"
    body = (
        "<p>A call<span class=note id=note>The note.</span></p>"
        "<div class=page-float id=plate>Plate</div><p>Text.</p>"
    )
    document = _document(body, style)
    return {name: _top_of(document, 1, name) for name in ("plate", "note")}


def a_plate_that_does_not_fit() -> tuple[float, bool]:
    """Where a plate stands whose marker falls too low on the first page to hold it."""
    style = f"{SQUARE} .page-float {{ height: 150px }}"
    body = (
        f"<p>{'The text before the plate. ' * 20}</p><div class=page-float id=plate>Plate</div>"
        f"<p>{'The text after the plate runs on. ' * 30}</p>"
    )
    return _top_of(_document(body, style), 2, "plate")


def a_paragraph_past_a_note() -> list[int]:
    """The pages of a call, its note, and the first line of the paragraph after it, whose
    second line (its `orphans`) does not fit under the first."""
    style = (
        "@page { size: 100mm 80mm; margin: 10mm; @footnote { margin-top: 0 } } "
        "html { line-height: 20px; orphans: 2; widows: 2 }"
    )
    body = (
        "<p>A call<span class=note>The note.</span></p><div style='height: 110px'></div>"
        f"<p>{'Words of the last paragraph run on. ' * 8}</p>"
    )
    return _pages_of(_document(body, style), "A call", "The note.", "Words of the last")


NAMES = "The delegates of Czechoslovakia and Constantinople met the Representatives again. " * 4


def names_in_a_narrow_column() -> list[str]:
    return _lines(_document(f"<p style='width: 28mm; hyphens: auto'>{NAMES}</p>"))


def a_hyphenated_column() -> list[str]:
    """A narrow ragged column of long words, where WeasyPrint alone sets ladders of hyphens (a
    justified one is planned whole, its ladders with it: total_fit.py)."""
    words = (
        "the negotiations concerning the government representatives continued throughout september "
        "although considerable disagreements persisted regarding compensation arrangements and "
        "administrative responsibilities "
    )
    style = "p { width: 44mm; hyphens: auto; hyphenate-limit-chars: 7 3 3 }"
    return _lines(_document(f"<p>{words * 8}</p>", style))


def a_page_reference_filled_in() -> list[Any]:
    """A justified paragraph over several pages that refers to a page further on: WeasyPrint sets
    the reference's number once that page is made, giving the reference a new list of children,
    and makes the pages again. The lines as set with the paragraph's content read once, kept while
    no list is new (total_fit.py), and read afresh at each page; and whether the final number is
    in them."""
    from amnesty_book.layout.weasyprint import total_fit

    reference = "<a class=ref href='#far'>the list</a>"
    body = (
        f"<p>{ARTICLE_WORDS} {reference} {ARTICLE_WORDS} {reference} {ARTICLE_WORDS * 3}</p>"
        + "<p style='break-before: page'>Between.</p>" * 9
        + "<p id=far style='break-before: page'>Far.</p>"
    )
    style = (
        "@page { size: 110mm 90mm; margin: 10mm } p { text-align: justify; margin: 0 } "
        "a.ref::after { content: ' on page ' target-counter(attr(href url), page) }"
    )
    kept = []
    for most_read in (total_fit._last_read.most, 0):
        total_fit._last_read.most = most_read
        patches.start_layout({}, {})
        kept.append(_lines(_document(body, style)))
    return [kept[0] == kept[1], any("on page 14" in line for line in kept[0]), len(kept[0])]


def a_column_of_compounds() -> list[str]:
    """The same column, its long words joined by hyphens of their own ("government-representatives"),
    where a line may end: such a line counts in the ladder as a hyphenated one does."""
    words = (
        "the negotiations concerning the government-representatives continued throughout september "
        "although considerable-disagreements persisted regarding compensation-arrangements and "
        "administrative-responsibilities "
    )
    style = "p { width: 44mm; hyphens: auto; hyphenate-limit-chars: 7 3 3 }"
    return _lines(_document(f"<p>{words * 8}</p>", style))


ARTICLE_WORDS = (
    "The first step towards bringing back the freedom of Polish citizens repressed by the Soviet "
    "authorities was the radio speech by the Polish prime minister. He gave the speech a day after "
    "Germany attacked the USSR. In the speech, the head of the Polish government demanded the release "
    "of thousands of Polish men and women from Soviet prisons, emphasising that a quarter of a million "
    "of prisoners of war were idly withering away in Soviet camps. "
)


def a_justified_column() -> list[float]:
    """The space added to each word space of each justified line (not a paragraph's last), in em,
    and a paragraph's texture: whole-paragraph breaking (total_fit.py) keeps it even."""
    style = (
        "p { width: 90mm; text-align: justify; hyphens: auto; hyphenate-limit-chars: 7 3 3; margin: 0 } "
        "p + p { text-indent: 1.2em }"
    )
    document = _document(f"<p>{ARTICLE_WORDS * 2}</p><p>{ARTICLE_WORDS[40:] * 3}</p>", style)
    added = []
    for page in document.pages:
        for line in page._page_box.descendants():
            if isinstance(line, boxes.LineBox):
                texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
                added.append(max(box.justification_spacing / box.style["font_size"] for box in texts))
    return added


def a_justified_column_split_twice() -> dict[str, Any]:
    """A justified paragraph with italic words (a line ends in one text box or another), laid out
    with each planned line's last text box split from the line's own text (total_fit.py's
    `split_text_box`) and again from the rest of the box, as WeasyPrint splits it: each line's
    boxes (text, width, height, baseline, justification) and the characters Pango was given to
    shape to split the lines, each way."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from amnesty_book.layout.weasyprint import total_fit

    shaped, splitting = 0, False
    set_text, split_first_line = line_break.Layout.set_text, inline.split_first_line

    def counted(layout: line_break.Layout, text: str, *arguments: Any) -> None:
        nonlocal shaped
        shaped += len(text) if splitting else 0
        set_text(layout, text, *arguments)

    def splitting_a_line(*arguments: Any, **keywords: Any) -> Any:
        nonlocal splitting
        splitting = True
        try:
            return split_first_line(*arguments, **keywords)
        finally:
            splitting = False

    line_break.Layout.set_text = counted  # type: ignore[method-assign]
    inline.split_first_line = splitting_a_line
    style = "p { width: 90mm; text-align: justify; hyphens: auto; margin: 0 }"
    words = ARTICLE_WORDS.replace("Polish", "<i>Polish</i>").replace("speech", "<i>speech</i>")
    results: dict[str, Any] = {}
    for way, split_text_box in (
        ("from the line", inline.split_text_box),
        ("from the box", total_fit._split_text_box),
    ):
        inline.split_text_box, shaped = split_text_box, 0
        document = _document(f"<p>{words * 2}</p>", style)
        results[way] = {
            "lines": [
                [
                    (
                        box.text,
                        round(box.width, 6),
                        round(box.height, 6),
                        round(box.baseline, 6),
                        round(box.justification_spacing, 6),
                    )
                    for box in line.descendants()
                    if isinstance(box, boxes.TextBox)
                ]
                for page in document.pages
                for line in page._page_box.descendants()
                if isinstance(line, boxes.LineBox)
            ],
            "shaped": shaped,
        }
    return results


def pango_contexts() -> dict[str, Any]:
    """The lines of a justified paragraph with italic words, how many Pango layouts were made to
    split them, and on how many Pango contexts (each kept alive, so that none is made again
    where another was freed)."""
    from weasyprint.text import line_break
    from weasyprint.text.ffi import pango

    from amnesty_book.layout.weasyprint import pango_layouts  # noqa: F401  (declares pango_layout_get_context)

    made: list[Any] = []
    create_layout = line_break.create_layout

    def kept(*arguments: Any) -> Any:
        layout = create_layout(*arguments)
        made.append((layout.layout, pango.pango_layout_get_context(layout.layout)))
        return layout

    line_break.create_layout = kept
    words = ARTICLE_WORDS.replace("Polish", "<i>Polish</i>")
    lines = _lines(_document(f"<p>{words}</p>", "p { width: 90mm; text-align: justify; hyphens: auto }"))
    return {"lines": lines, "layouts": len(made), "contexts": len({context for _, context in made})}


def computed_styles() -> dict[str, Any]:
    """Every property of every box's style in a page whose rules use var(), calc(), logical
    properties, inherited and decorated text, as computed; and how many of the computations
    went WeasyPrint's general way (computed_styles.py)."""
    from weasyprint import css
    from weasyprint.css.computed_values import PHYSICAL_FUNCTIONS
    from weasyprint.css.properties import INITIAL_VALUES

    from amnesty_book.layout.weasyprint import computed_styles as patch

    general = 0
    missing = patch._missing

    def counted(style: Any, key: str) -> Any:
        nonlocal general
        general += 1
        return missing(style, key)

    patch._missing = counted
    if css.ComputedStyle.__missing__ is missing:  # the patch left out: every computation counted
        css.ComputedStyle.__missing__ = counted
    style = (
        ":root { --gap: 3mm } div { margin-inline-start: var(--gap); padding-block: calc(1em + 2px); "
        "border-inline-end: 1px solid; color: red; text-decoration: underline } "
        "p { width: calc(50% - 1em); text-indent: 2em; counter-increment: n } i { float: left } "
        "@page { size: A5 }"
    )
    body = "<div dir=rtl><p>Some <i>text</i> <b>here</b> and there.</p><p>More.</p></div><p>Last.</p>"
    # What WeasyPrint reads: not the logical properties, which it reads as their physical ones.
    logical = {function(block="ttb", inline="ltr") for function in PHYSICAL_FUNCTIONS.values()}
    values = []
    for page in _document(body, style).pages:
        for box in page._page_box.descendants():
            values.append([repr(box.style[key]) for key in sorted(INITIAL_VALUES.keys() - logical)])
    return {"values": values, "general": general}


def a_loose_justified_column() -> list[tuple[float, float]]:
    """Each justified line's white added to each word space and to each gap between two letters
    of a word, in em: a narrow column of names, which no breaking sets within the tolerance
    (letter_spacing.py)."""
    from amnesty_book.layout.weasyprint.letter_spacing import _letter_gaps

    style = "p { width: 40mm; text-align: justify; hyphens: auto; margin: 0 }"
    lines = []
    for page in _document(f"<p>{NAMES}</p>", style).pages:
        for line in page._page_box.descendants():
            if isinstance(line, boxes.LineBox):
                texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
                size = texts[0].style["font_size"]
                words = max(box.justification_spacing for box in texts) / size
                letters = sum(getattr(box, "letter_spread", 0.0) for box in texts) / size
                lines.append((words, letters / max(1, sum(_letter_gaps(box.text) for box in texts))))
    return lines


def a_long_paragraph() -> dict[str, Any]:
    """A paragraph of 60,000 characters in one text box, ragged and justified: its lines, and the
    longest text WeasyPrint was given to split a line from (long_texts.py)."""
    from weasyprint.layout import inline

    longest = 0
    split_first_line = inline.split_first_line

    def measured(text: str, *arguments: Any, **keywords: Any) -> Any:
        nonlocal longest
        longest = max(longest, len(text))
        return split_first_line(text, *arguments, **keywords)

    inline.split_first_line = measured
    words = (ARTICLE_WORDS * 200)[:60_000]
    style = (
        "@page { size: 120mm 300mm } p { width: 90mm; hyphens: auto; margin: 0 } .j { text-align: justify }"
    )
    lines = _lines(_document(f"<p>{words}</p><p class=j>{words}</p>", style))
    return {"lines": lines, "longest": longest}


def an_emptied_foot_area() -> float:
    """How much room a page's foot area takes from its text once the one note in it is taken
    back off the page (its calling line moved on, or set again), in CSS px."""
    style = "@page { size: 100mm 100mm; margin: 10mm; @footnote { border-top: 1px solid; margin-top: 12px } }"
    document = _document("<p>A line that calls a note.<span class='note'>The note.</span></p>", style)
    page = document.pages[0]._page_box
    context = page.layout_context  # kept by margin_boxes.py
    (note,) = context.current_page_footnotes
    context.unlayout_footnote(note)
    room: float = page.content_box_y() + page.height - context.page_bottom
    return room


def widowed_pages() -> dict[str, list[list[int]]]:
    """Two justified paragraphs of the article's words, the second running a line past a page of
    seven lines: for each page, the lines of each paragraph on it. Where the first paragraph has
    47 words, it can take a line more; where it has 48, the second can."""
    words = (ARTICLE_WORDS * 6).split()
    style = (
        "@page { size: 130mm 60mm; margin: 10mm } html { line-height: 20px } "
        "p { text-align: justify; hyphens: auto; margin: 0 } p + p { text-indent: 1.2em }"
    )
    found = {}
    for name, first, second in (("the first longer", 47, 37), ("the second longer", 48, 35)):
        paragraphs = (
            f"<p id='a'>{' '.join(words[:first])}</p><p id='b'>{' '.join(words[first : first + second])}</p>"
        )
        document = _document(paragraphs, style)
        found[name] = [
            [
                sum(isinstance(line, boxes.LineBox) for line in paragraph.descendants())
                for paragraph in page._page_box.descendants()
                if paragraph.element_tag == "p" and isinstance(paragraph, boxes.BlockBox)
            ]
            for page in document.pages
        ]
    return found


def a_page_short_of_a_note() -> list[int]:
    """The pages of a paragraph's one line and of the note it calls, after five lines that call a
    note of their own, on a page of 167 px: the page needs 172 px for them with the 12 px above
    the notes' rule, 166 px with half of them."""
    return _pages_of(_document(*SHORT_OF_A_NOTE), "The line that calls", "Its note.")


SHORT_OF_A_NOTE = (
    "<p>One<span class=note>A note.</span><br>two<br>three<br>four<br>five</p>"
    "<p>The line that calls<span class=note>Its note.</span></p>",
    "@page { size: 100mm 167px; margin: 0 10mm; @footnote { border-top: 1px solid; margin-top: 12px } } "
    "html { line-height: 20px } p { margin: 0 } .note { line-height: 16px; footnote-policy: line }",
)


def a_page_with_no_note_short_of_one() -> list[int]:
    """The pages of a paragraph's one line and of the note it calls, after six lines that call
    none, on a page of 167 px: the page needs 169 px for them with the 12 px above the notes'
    rule, 163 px with half of them."""
    text, style = SHORT_OF_A_NOTE
    text = text.replace("One<span class=note>A note.</span>", "One").replace("five", "five<br>six")
    return _pages_of(_document(text, style), "The line that calls", "Its note.")


def a_page_short_of_a_note_laid_out_again() -> list[Any]:
    """The document of `a_page_short_of_a_note` laid out twice, the second time told how the first
    made its pages (memory.py keeps it between builds): how many times each layout made a page,
    and whether the two came out the same."""
    from amnesty_book.layout.weasyprint import short_pages

    makings = 0
    make_page = short_pages._make_page

    def counted(*arguments: Any) -> Any:
        nonlocal makings
        makings += 1
        return make_page(*arguments)

    short_pages._make_page = counted
    patches.start_layout({}, {})
    first = _lines(_document(*SHORT_OF_A_NOTE))
    first_makings, makings = makings, 0
    patches.start_layout({}, short_pages.pages_made())
    again = _lines(_document(*SHORT_OF_A_NOTE))
    return [first_makings, makings, again == first]


def a_widow_or_a_hole() -> list[int]:
    """The pages of a paragraph's last two lines, each calling a note, the first a note too long
    for the page (begun under it, note_splits.py), the second a note of a line, which may not
    follow a note continued overleaf: the widows rule takes both lines overleaf, and leaves nearly
    half of the page white."""
    style = (
        "@page { size: 100mm 300px; margin: 0 10mm } html { line-height: 20px } p { margin: 0 } "
        ".note { line-height: 16px; footnote-policy: line }"
    )
    long_note = "<br>".join(f"Its line {number}." for number in range(1, 13))
    body = (
        "<p>One<span class=note>A first note.</span><br>"
        + "<br>".join(("two", "three", "four", "five", "six", "seven", "eight"))
        + "<br>"
        + f"Next to last<span class=note>{long_note}</span><br>Last<span class=note>A short note.</span></p>"
    )
    return _pages_of(_document(body, style), "Next to last", "Last", "Its line 1.", "A short note.")


def a_heading_in_a_column() -> list[list[float]]:
    """The widths of the lines of two headings three lines long, in pixels."""
    headings = (
        "How did the amnesty of Polish citizens from August 1941 occur",
        "The first step towards bringing back the freedom of Polish citizens",
    )
    style = "h2 { width: 70mm; font-size: 14pt; margin: 0 }"
    document = _document("".join(f"<h2>{heading}</h2>" for heading in headings), style)
    widths = []
    for page in document.pages:
        for heading in page._page_box.descendants():
            if getattr(heading, "element_tag", None) == "h2" and isinstance(heading, boxes.BlockBox):
                widths.append([line.width for line in heading.children if isinstance(line, boxes.LineBox)])
    return widths


def comparisons_with_none() -> int:
    """How many times a box is compared with None while a page of notes is laid out."""
    compared = 0

    def equals(self: object, other: object) -> Any:
        nonlocal compared
        compared += other is None
        return NotImplemented  # the comparison WeasyPrint makes: identity

    boxes.Box.__eq__ = equals
    _document("".join(f"<p>Some words of text {n}<span class=note>Note {n}.</span></p>" for n in range(30)))
    return compared


def note_layouts() -> dict[str, int]:
    """How many times each of six notes of one page is laid out."""
    laid_out: Counter[str] = Counter()
    layout = block.block_container_layout

    def counting(context: Any, box: Any, *rest: Any, **keywords: Any) -> Any:
        if box.element is not None and box.element.get("class") == "note" and box.element_tag == "span":
            laid_out[box.element.get("id")] += 1
        return layout(context, box, *rest, **keywords)

    block.block_container_layout = counting
    _document("".join(f"Text {n}<span class=note id=n{n}>Note {n}.</span> " for n in range(6)))
    return dict(laid_out)


PSEUDO_KINDS = ("marker", "footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback")


def pseudo_styles() -> dict[str, Any]:
    """How many styles of pseudo-elements a document of notes, a list and generated content
    makes, by type; and its page's lines and content stream."""
    from weasyprint import css

    made: Counter[str] = Counter()
    make = css.ComputedStyle.__init__

    def counted(style: Any, parent: Any, cascaded: Any, pseudo_type: Any, *rest: Any) -> None:
        if pseudo_type and not pseudo_type.startswith("@"):
            made[pseudo_type] += 1
        make(style, parent, cascaded, pseudo_type, *rest)

    css.ComputedStyle.__init__ = counted
    body = (
        "".join(f"<p>Some <i>words</i> {n}<span class=note>Note {n}.</span></p>" for n in range(10))
        + "<ul><li>One</li><li>Two</li></ul><p class=closing>Then.</p>"
    )
    style = ".closing::before { content: '\\2014 ' } .closing::after { content: '.' }"
    document = _document(body, style)
    pdf = pikepdf.open(io.BytesIO(document.write_pdf()))
    contents = b"".join(page.Contents.read_bytes() for page in pdf.pages).hex()
    return {"made": dict(made), "lines": _lines(document), "contents": contents}


def kept_note_layouts(most: int = 0) -> dict[str, Any]:
    """The lines of eight pages of notes, and how many note layouts their layout kept at its
    end, with at most `most` kept (0: as many as the patch keeps)."""
    from amnesty_book.layout.weasyprint import note_layouts as patch

    patch._MOST_KEPT = most or patch._MOST_KEPT
    contexts = []
    layout = block.block_level_layout

    def seen(context: Any, *rest: Any, **keywords: Any) -> Any:
        contexts.append(context)
        return layout(context, *rest, **keywords)

    block.block_level_layout = seen
    note = f"<span class=note>Note {{}}. {ARTICLE_WORDS[:200]}</span>"
    body = "".join(f"<p>{ARTICLE_WORDS[:400]}{note.format(n)}</p>" for n in range(40))
    lines = _lines(_document(body))
    return {"lines": lines, "kept": len(contexts[-1].note_layouts)}


def few_note_layouts_kept() -> dict[str, Any]:
    return kept_note_layouts(most=8)


def structure_tree() -> list[str]:
    """The structure types of a tagged PDF whose second paragraph is aria-hidden and whose first
    holds a Latin phrase, each with its language where it names one."""
    html = (
        "<html lang=en><title>T</title><p>Read <span lang=la>sine qua non</span> once.</p>"
        "<aside aria-hidden=true><p>Read twice.</p></aside>"
    )
    pdf = pikepdf.open(io.BytesIO(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")))
    types: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            types.append(str(node.S) + (f" {node.Lang}" if "/Lang" in node else ""))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return types


def header_scopes() -> list[str | None]:
    """The /Scope of each header cell (TH) of a tagged table: two heading columns in its head,
    one naming its scope, and one heading a row in its body."""
    html = (
        "<html lang=en><title>T</title><table><thead><tr><th>Date<th scope=colgroup>Event</thead>"
        "<tbody><tr><th>1941<td>Amnesty</tbody></table>"
    )
    pdf = pikepdf.open(io.BytesIO(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")))
    headers = [
        each for each in pdf.objects if isinstance(each, pikepdf.Dictionary) and each.get("/S") == "/TH"
    ]
    return [str(header.A.Scope) if "/Scope" in header.A else None for header in headers]


def page_references() -> list[bool]:
    """Whether pydyf gives the same tuple of page references twice, and a right one after a
    page is added."""
    pdf = pydyf.PDF()
    pages = [pydyf.Dictionary({"Type": "/Page"}) for _ in range(4)]
    for page in pages[:3]:
        pdf.add_page(page)
    kept = pdf.page_references is pdf.page_references
    pdf.add_page(pages[3])
    return [kept, list(pdf.page_references) == [f"{page.number} 0 R".encode() for page in pages]]


CONTENT = " ".join(f"{n * 7919 % 1009} {n % 7} Td" for n in range(4000)).encode()


def stream_bytes() -> str:
    """A compressed stream as pydyf writes it, deflated data only."""
    data = pydyf.Stream([CONTENT], compress=True).data
    return data.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0].hex()


def _deflated(level: int) -> str:
    compressor = zlib.compressobj(level=level)
    return (compressor.compress(CONTENT) + compressor.flush()).hex()


def glyph_runs() -> list[Any]:
    """A page's content streams (kerned pairs, ligatures, accents set off their letters' places,
    a superscript, a line cut with an ellipsis), and how many lines WeasyPrint's own
    `draw_first_line` drew."""
    from weasyprint.draw import text

    from amnesty_book.layout.weasyprint import glyph_runs as patch
    from amnesty_book.layout.weasyprint import letter_spacing

    own = patch._draw_first_line  # WeasyPrint's, which the patch leaves some lines to
    drawn_by_own = Counter[str]()

    def counted(*arguments: Any) -> Any:
        drawn_by_own["lines"] += 1
        return own(*arguments)

    # Wherever WeasyPrint's own is called from: the patch, the letter spacing's patch that wraps
    # it (or wraps WeasyPrint's own when this patch is left out), or WeasyPrint.
    callers = ((patch, "_draw_first_line"), (letter_spacing, "_draw_first_line"), (text, "draw_first_line"))
    for holder, name in callers:
        if getattr(holder, name) is own:
            setattr(holder, name, counted)
    body = (
        "<p>AVATAR office waffles, “Tea” at 10 o’clock.<sup>12</sup> "
        + "Waffle fi ffl. " * 40
        + "Cafe\u0301 x\u0323\u0301 cafe\u0301.</p>"
        "<p style='white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 6em'>"
        "A line too long for its box</p>"
    )
    pdf = pikepdf.open(io.BytesIO(_document(body).write_pdf()))
    contents = b"".join(page.Contents.read_bytes() for page in pdf.pages)
    return [contents.hex(), drawn_by_own["lines"]]


def justified_words() -> list[Any]:
    """Where each letter of a justified paragraph is drawn (its left edge, in points, read back by
    PDFium), and how many Pango runs its lines were drawn as."""
    import pypdfium2

    from amnesty_book.layout.weasyprint import glyph_runs

    runs = Counter[str]()
    read_runs = glyph_runs._runs

    def counted(stream: Any, layout: Any) -> Any:
        found = read_runs(stream, layout)
        runs["drawn"] += len(found or ())
        return found

    glyph_runs._runs = counted
    style = "p { width: 90mm; text-align: justify; hyphens: auto; overflow-wrap: break-word; margin: 0 }"
    body = f"<p>{ARTICLE_WORDS * 2} <i>a phrase</i> in 1941, 30\u00a0July, {ARTICLE_WORDS}</p>"
    pdf = pypdfium2.PdfDocument(_document(body, style).write_pdf())
    lefts = []
    for page in pdf:
        text = page.get_textpage()
        lefts += [
            round(text.get_charbox(index)[0], 3)
            for index in range(text.count_chars())
            if text.get_text_range(index, 1).strip()
        ]
    return [lefts, runs["drawn"]]


PROBES: dict[str, Callable[[], Any]] = {
    probe.__name__: probe
    for probe in (
        a_note_that_fits,
        an_emptied_foot_area,
        widowed_pages,
        a_page_short_of_a_note,
        a_page_with_no_note_short_of_one,
        a_page_short_of_a_note_laid_out_again,
        a_widow_or_a_hole,
        a_paragraph_after_a_heading,
        a_plate_and_a_note_at_the_foot,
        a_plate_that_does_not_fit,
        a_paragraph_past_a_note,
        names_in_a_narrow_column,
        a_hyphenated_column,
        a_column_of_compounds,
        a_page_reference_filled_in,
        a_justified_column,
        a_justified_column_split_twice,
        pango_contexts,
        computed_styles,
        a_loose_justified_column,
        a_long_paragraph,
        a_heading_in_a_column,
        comparisons_with_none,
        note_layouts,
        kept_note_layouts,
        few_note_layouts_kept,
        pseudo_styles,
        structure_tree,
        header_scopes,
        page_references,
        stream_bytes,
        glyph_runs,
        justified_words,
    )
}


def _apply_all_but(left_out: str) -> None:
    appliers = [(patch.name, patch.load()) for patch in patches.PATCHES]
    assert left_out in {"", *(name for name, _ in appliers)}, left_out
    for name, apply_patch in appliers:
        if name != left_out:
            apply_patch()


def _probe(probe: Callable[[], Any], without: str = "") -> Any:
    """What `probe` returns in a fresh process with every patch applied but `without`."""
    run = subprocess.run(
        [sys.executable, __file__, probe.__name__, without], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


@pytest.mark.slow
def test_a_note_that_fits_stays_on_its_calls_page() -> None:
    assert _probe(a_note_that_fits) == [1, 1]
    assert _probe(a_note_that_fits, "foot area") == [1, 2]


def test_a_foot_area_left_with_no_note_takes_no_room() -> None:
    """WeasyPrint kept the rule's margin and border (13 px here) off the page after its last note
    left the foot area, and the text set again there ran short of them."""
    assert _probe(an_emptied_foot_area) == 0
    assert _probe(an_emptied_foot_area, "foot area") == 13


@pytest.mark.slow
def test_a_plate_floated_to_the_foot_stands_above_the_notes() -> None:
    (plate, plate_in_area), (note, note_in_area) = _probe(a_plate_and_a_note_at_the_foot).values()
    assert plate + 60 <= note and not plate_in_area and note_in_area
    plate, note = (top for top, _ in _probe(a_plate_and_a_note_at_the_foot, "foot area").values())
    assert note < plate  # the plate set under the note it was called after, over it


@pytest.mark.slow
def test_a_plate_that_does_not_fit_opens_the_next_page() -> None:
    top, in_area = _probe(a_plate_that_does_not_fit)
    assert top == pytest.approx(0, abs=1e-6) and not in_area
    top, in_area = _probe(a_plate_that_does_not_fit, "page floats")
    assert top > 100 and in_area  # a note put off to the next page's foot


@pytest.mark.slow
def test_widows_never_move_a_note_off_its_calls_page() -> None:
    """The paragraph goes to the next page whole, rather than its note (WeasyPrint's choice)."""
    call, note, paragraph = _probe(a_paragraph_past_a_note)
    assert (call, note, paragraph) == (1, 1, 2)
    call, note, paragraph = _probe(a_paragraph_past_a_note, "line boxes")
    assert (call, note, paragraph) == (1, 2, 1)


def test_a_page_the_widows_rule_would_leave_a_line_short_is_filled_by_a_paragraph_set_a_line_longer() -> None:
    """Lines of the two paragraphs on each page of seven: WeasyPrint moves a line overleaf to keep
    the second's last company, or the whole of a second paragraph of three lines, and the page runs
    short; a paragraph set a line longer (the first, or the second itself) fills it instead."""
    assert _probe(widowed_pages, "short pages") == {
        "the first longer": [[4, 2], [2]],  # a line short
        "the second longer": [[5], [3]],  # two lines short
    }
    assert _probe(widowed_pages) == {
        "the first longer": [[5, 2], [2]],
        "the second longer": [[5, 2], [2]],
    }


def test_a_page_that_would_run_short_of_a_line_and_its_note_lets_them_nearer_its_notes_rule() -> None:
    """The page, a fifth of it white, is made again with the running text allowed half of the
    margin above the notes' rule (TeX's \\skip\\footins shrinks so), and takes the line and its
    note."""
    assert _probe(a_page_short_of_a_note, "short pages") == [2, 2]
    assert _probe(a_page_short_of_a_note, "foot area") == [2, 2]
    assert _probe(a_page_short_of_a_note) == [1, 1]


def test_a_page_with_no_note_of_its_own_lets_the_next_line_and_its_note_nearer_the_rule() -> None:
    """The same where the page held no note before: the note the next line calls is its first."""
    assert _probe(a_page_with_no_note_short_of_one, "short pages") == [2, 2]
    assert _probe(a_page_with_no_note_short_of_one) == [1, 1]


def test_a_layout_told_how_the_last_made_its_pages_makes_each_once() -> None:
    """The first layout makes its one page twice (as first made, then nearer its notes, where the
    line and its note fit), the next once; both set the same lines."""
    assert _probe(a_page_short_of_a_note_laid_out_again) == [2, 1, True]


def test_a_page_that_would_be_left_a_fifth_empty_for_a_widow_takes_the_widow() -> None:
    """As TeX weighs a widow against an underfull page, the paragraph leaves its last line alone
    overleaf rather than the page nearly half white (the long note begun under the line before)."""
    assert _probe(a_widow_or_a_hole, "short pages") == [2, 2, 2, 2]
    assert _probe(a_widow_or_a_hole) == [1, 2, 1, 2]


def _hyphenated(lines: list[str]) -> list[str]:
    """The words broken at the end of a line."""
    return [line.split()[-1] for line in lines if line.rstrip().endswith(("-", "\u2010"))]


@pytest.mark.slow
def test_a_name_is_not_hyphenated() -> None:
    broken = _hyphenated(_probe(names_in_a_narrow_column))
    assert broken and not [word for word in broken if word[:1].isupper()]
    broken = _hyphenated(_probe(names_in_a_narrow_column, "hyphenation"))
    assert [word for word in broken if word[:1].isupper()]  # Con-stantinople, Represent-atives


def _longest_ladder(lines: list[str]) -> int:
    ends = [line.rstrip().endswith(("-", "\u2010")) for line in lines]
    return max(len(list(run)) for hyphenated, run in itertools.groupby(ends) if hyphenated)


@pytest.mark.slow
def test_no_third_hyphenated_line_in_a_row() -> None:
    """Neither without the rule (hyphenation) nor without the count of the lines set (line boxes)."""
    assert _longest_ladder(_probe(a_hyphenated_column)) == 2
    assert _longest_ladder(_probe(a_hyphenated_column, "hyphenation")) > 2
    assert _longest_ladder(_probe(a_hyphenated_column, "line boxes")) > 2


def test_a_paragraph_read_once_is_read_again_where_a_page_number_is_filled_in() -> None:
    same, filled_in, lines = _probe(a_page_reference_filled_in)
    assert filled_in and lines > 40
    assert same  # as where the paragraph is read afresh at each page


@pytest.mark.slow
def test_a_line_ending_on_a_words_own_hyphen_counts_in_the_ladder() -> None:
    """As TeX counts an explicit hyphen's break with a discretionary's: no third line in a row
    ends on either."""
    assert _longest_ladder(_probe(a_column_of_compounds)) == 2


@pytest.mark.slow
def test_a_justified_paragraph_is_broken_whole() -> None:
    """Its spaces stretch by no more than TeX's tolerance lets them (a quarter-em space by half
    its width at 1.26 times: 0.16 em) but in the one paragraph that needs the emergency stretch,
    and shrink where that sets the paragraph better; line by line, first-fit stretches a third of
    its lines further, some by 0.4 em, and never shrinks."""
    planned = _probe(a_justified_column)
    assert sum(added > 0.16 for added in planned) <= 2 and max(planned) < 0.35 and min(planned) < 0
    first_fit = _probe(a_justified_column, "total-fit lines")
    assert sum(added > 0.16 for added in first_fit) > len(first_fit) / 4 and min(first_fit) == 0


@pytest.mark.slow
def test_a_planned_lines_last_text_box_is_split_from_the_lines_text() -> None:
    """The same boxes, line for line, as WeasyPrint makes splitting the box from all its rest, for
    much less text shaped: the line's alone, not a draft, the line with its next word, the line."""
    ways = _probe(a_justified_column_split_twice)
    from_the_line, from_the_box = ways["from the line"], ways["from the box"]
    assert from_the_line["lines"] == from_the_box["lines"] and len(from_the_line["lines"]) > 10
    assert any(len(line) > 1 for line in from_the_line["lines"])  # lines of several text boxes
    assert from_the_line["shaped"] < 0.7 * from_the_box["shaped"]


@pytest.mark.slow
def test_a_styles_pango_context_is_made_once() -> None:
    """The same lines from one Pango context for each style (the paragraph's and its italics'),
    where WeasyPrint makes one for every layout."""
    kept = _probe(pango_contexts)
    anew = _probe(pango_contexts, "pango layouts")
    assert kept["lines"] == anew["lines"] and kept["layouts"] == anew["layouts"] > 20
    assert kept["contexts"] <= 3 and anew["contexts"] == anew["layouts"]


@pytest.mark.slow
def test_a_property_no_rule_sets_is_computed_as_weasyprint_computes_it() -> None:
    """Every property of every box, with and without the patch, the same; with it, most are
    computed without WeasyPrint's general path."""
    patched, general = _probe(computed_styles), _probe(computed_styles, "computed styles")
    assert patched["values"] == general["values"] and len(patched["values"]) > 10
    assert patched["general"] < general["general"] / 2


@pytest.mark.slow
def test_a_line_looser_than_the_tolerance_widens_its_letters() -> None:
    """Its word spaces stretch by what the tolerance lets them (0.16 em) and its letters take the
    rest, a hundredth of an em a gap at most; without the patch, the spaces take it all."""
    spaced = _probe(a_loose_justified_column)
    assert any(letters > 0 for _, letters in spaced)
    for words, letters in spaced:
        assert letters <= LETTER_MOST + 1e-9
        assert letters == 0 or words <= 0.16 or letters == pytest.approx(LETTER_MOST), (words, letters)
    spaces_alone = _probe(a_loose_justified_column, "letter spacing")
    assert all(letters == 0 for _, letters in spaces_alone)
    assert max(words for words, _ in spaces_alone) > max(words for words, _ in spaced)


@pytest.mark.slow
def test_a_long_texts_lines_are_split_from_a_window_of_it() -> None:
    """The same lines, each split from a few thousand characters rather than from all the text
    still to set (which made a paragraph's time grow as the square of its length)."""
    windowed = _probe(a_long_paragraph)
    whole = _probe(a_long_paragraph, "long texts")
    assert windowed["lines"] == whole["lines"] and len(whole["lines"]) > 1000
    assert windowed["longest"] <= long_texts.WINDOW < 50_000 < whole["longest"]


@pytest.mark.slow
def test_a_headings_lines_are_balanced() -> None:
    """As near each other in length as its words let them (set first-fit, the first lines are full
    and the last is short), and no more of them."""
    balanced = _probe(a_heading_in_a_column)
    first_fit = _probe(a_heading_in_a_column, "total-fit lines")
    assert [len(lines) for lines in balanced] == [len(lines) for lines in first_fit] == [3, 3]
    for planned, greedy in zip(balanced, first_fit, strict=True):
        assert max(planned) - min(planned) < (max(greedy) - min(greedy)) / 2
        assert max(planned) < max(greedy)


@pytest.mark.slow
def test_a_box_that_calls_no_note_is_not_looked_for_among_the_notes() -> None:
    assert _probe(comparisons_with_none) == 0
    assert _probe(comparisons_with_none, "notes to place") > 1000


@pytest.mark.slow
@pytest.mark.slow
def test_a_paragraph_after_a_heading_starts_on_the_baseline_grid() -> None:
    """After a line and a heading of 1.66 lines, the paragraph is moved down to the grid's third
    line, not left 0.66 of a line past the second."""
    assert _probe(a_paragraph_after_a_heading) == pytest.approx(3)
    assert _probe(a_paragraph_after_a_heading, "baseline grid") == pytest.approx(2.66)


def test_each_note_is_laid_out_once() -> None:
    assert _probe(note_layouts) == {f"n{n}": 1 for n in range(6)}
    assert _probe(note_layouts, "note layouts")["n0"] == 7  # again for each note added, and the page

def test_the_note_layouts_kept_are_the_last_given() -> None:
    few, many = _probe(few_note_layouts_kept), _probe(kept_note_layouts)
    assert few["kept"] == 8 < many["kept"]
    assert few["lines"] == many["lines"]



def test_a_pseudo_elements_style_is_made_only_where_a_box_asks_for_it() -> None:
    patched, whole = _probe(pseudo_styles), _probe(pseudo_styles, "pseudo-element styles")
    # 38 elements, each with six pseudo-elements WeasyPrint's own stylesheet reaches
    assert whole["made"] == {**{kind: 38 for kind in PSEUDO_KINDS}, "before": 1, "after": 1}
    # ten notes' calls and markers, two list items' markers, the paragraph's generated content
    asked = {"footnote-call": 10, "footnote-marker": 10, "marker": 2, "before": 1, "after": 1}
    assert patched["made"] == asked
    assert patched["lines"] == whole["lines"]
    assert "\u2014Then.." in patched["lines"]
    assert patched["contents"] == whole["contents"]


@pytest.mark.slow
def test_aria_hidden_text_is_left_out_of_the_structure_tree_and_a_phrase_has_its_language() -> None:
    tree = _probe(structure_tree)
    assert tree.count("/P") == 1 and "/Span la" in tree
    tree = _probe(structure_tree, "structure tags")
    assert tree.count("/P") == 2 and "/Span la" not in tree and "/Span" in tree


@pytest.mark.slow
def test_a_table_header_cell_has_its_scope() -> None:
    assert _probe(header_scopes) == ["/Column", "/Column", "/Row"]
    assert _probe(header_scopes, "structure tags") == [None, None, None]


@pytest.mark.slow
def test_the_page_references_are_kept_until_a_page_is_added() -> None:
    assert _probe(page_references) == [True, True]
    assert _probe(page_references, "page references") == [False, True]


@pytest.mark.slow
def test_a_lines_glyphs_are_drawn_as_weasyprint_draws_them() -> None:
    contents, drawn_by_weasyprint = _probe(glyph_runs)
    weasyprints_contents, all_lines = _probe(glyph_runs, "glyph runs")
    assert contents == weasyprints_contents  # byte for byte
    assert drawn_by_weasyprint == 1 < all_lines  # the line cut with an ellipsis


@pytest.mark.slow
def test_a_justified_lines_letters_stand_where_pangos_word_spacing_put_them() -> None:
    lefts, runs = _probe(justified_words)
    weasyprints_lefts, weasyprints_runs = _probe(justified_words, "word spaces")
    assert len(lefts) == len(weasyprints_lefts) > 1000
    # Each glyph's advance is written in whole thousandths of an em either way (0.01 pt here).
    assert max(abs(left - theirs) for left, theirs in zip(lefts, weasyprints_lefts, strict=True)) < 0.2
    assert runs * 5 < weasyprints_runs  # a run a line (and one an italic phrase), not one a word


@pytest.mark.slow
def test_streams_are_deflated_at_zlibs_default_level() -> None:
    assert _deflated(6) != _deflated(9)
    assert _probe(stream_bytes) == _deflated(6)
    assert _probe(stream_bytes, "compression") == _deflated(9)


FIND_LIBRARY = """
import ctypes.util, sys
asked = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: asked.append(name) or search(name)
if sys.argv[1] == "with":
    import amnesty_book  # installs library_loading, as any use of the builder does
import weasyprint
print(len(asked))
"""


@pytest.mark.slow
@pytest.mark.parametrize("patched", [True, False])
def test_weasyprints_libraries_load_without_searching(patched: bool) -> None:
    run = subprocess.run(
        [sys.executable, "-c", FIND_LIBRARY, "with" if patched else "without"],
        capture_output=True,
        text=True,
        check=True,
    )
    searches = int(run.stdout.split()[-1])
    assert searches == 0 if patched else searches > 0


def test_the_versions_pinned_are_those_the_patches_are_written_for() -> None:
    lines = (REPO / "constraints.txt").read_text().lower().splitlines()
    pins = dict(line.split("==") for line in lines if "==" in line)
    assert {package: pins[package] for package in versions.WRITTEN_FOR} == versions.WRITTEN_FOR
    versions.require_pinned_versions()  # and installed


def test_another_version_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "installed", lambda package: "71.0" if package == "weasyprint" else None)
    with pytest.raises(BookError) as refused:
        versions.require_pinned_versions()
    assert str(refused.value) == (
        "amnesty-book: weasyprint 71.0 is installed, but WeasyPrint's patches are written for "
        "weasyprint 70.0: run `make` again, or `pip install -c constraints.txt -e .`"
    )
    monkeypatch.setattr(versions, "installed", lambda package: None)
    with pytest.raises(BookError, match=r"^amnesty-book: weasyprint is not installed, but"):
        versions.require_pinned_versions()


def test_a_build_refuses_another_version_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    found = {**versions.WRITTEN_FOR, "pydyf": "0.12.0"}
    monkeypatch.setattr(versions, "installed", found.get)
    assert main(["build", "--project", str(REPO), "--out", str(tmp_path)]) == EXIT_FAILED
    error = capsys.readouterr().err
    assert error.splitlines()[0].startswith("amnesty-book: pydyf 0.12.0 is installed, but ")
    assert "Traceback" not in error and not any(tmp_path.iterdir())


if __name__ == "__main__":
    _, probe, without = sys.argv
    _apply_all_but(without)
    print(json.dumps(PROBES[probe]()))
