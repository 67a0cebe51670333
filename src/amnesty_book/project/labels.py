"""The words the builder itself prints (Contents, Notes, Plate...), in each supported language.

A book words any of them its own way in book.toml's [labels]; those it has no use for in
general are empty here ("notes_statement", a sentence on who wrote the notes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from babel.dates import format_date
from babel.lists import format_list

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "a11y_conforms": (
            "This publication meets EPUB Accessibility 1.1 at WCAG 2.2 Level AA "
            "by the checks made when it was built."
        ),
        "a11y_display": "Reading systems may change its typeface, text size and colours.",
        "a11y_images": "Every image has a text description.",
        "a11y_navigation": "Headings, a table of contents and notes linked both ways allow navigation.",
        "a11y_not_conforming": "Some accessibility checks failed when this publication was built.",
        "back_to_text": "Back to the text",
        "colophon": "Colophon",
        "contents": "Contents",
        "cover": "Cover",
        "cover_alt": "Cover: {author}, {title}",
        "credit": "Credit",
        "edition": "{edition}, {month}.",
        "edition_for_paper": "{edition} for {papers} paper, {month}.",
        "first_published": "First published by",
        "fonts": "Set in {family}, licensed under the {licence}.",
        "landmarks": "Landmarks",
        "note": "note",
        "note_call_separator": ",",
        "notes": "Notes",
        "notes_statement": "",
        "page": "Page",
        "page_abbreviation": "p.",
        "page_list": "Pages",
        "slug_page": "page {n} of {total}",
        "plate": "Plate",
        "plates_and_credits": "Plates and credits",
        "source": "Source",
        "sources": "Sources",
        "start_of_content": "Start of content",
        "title_page": "Title page",
    },
    "pl": {
        "a11y_conforms": (
            "Publikacja spełnia wymagania EPUB Accessibility 1.1 na poziomie WCAG 2.2 AA "
            "według testów wykonanych przy jej budowaniu."
        ),
        "a11y_display": "Czytnik może zmienić krój pisma, wielkość tekstu i kolory.",
        "a11y_images": "Każda ilustracja ma opis tekstowy.",
        "a11y_navigation": "Nawigację umożliwiają nagłówki, spis treści i przypisy połączone w obie strony.",
        "a11y_not_conforming": "Niektóre testy dostępności nie powiodły się przy budowaniu tej publikacji.",
        "back_to_text": "Powrót do tekstu",
        "colophon": "Metryka wydania",
        "contents": "Spis treści",
        "cover": "Okładka",
        "cover_alt": "Okładka: {author}, {title}",
        "credit": "Źródło",
        "edition": "{edition}, {month}.",
        "edition_for_paper": "{edition} na papier {papers}, {month}.",
        "first_published": "Pierwodruk:",
        "fonts": "Złożono krojem {family} na licencji {licence}.",
        "landmarks": "Punkty orientacyjne",
        "note": "przypis",
        "note_call_separator": ",",
        "notes": "Przypisy",
        "notes_statement": "",
        "page": "Strona",
        "page_abbreviation": "s.",
        "page_list": "Strony",
        "slug_page": "strona {n} z {total}",
        "plate": "Ilustracja",
        "plates_and_credits": "Ilustracje i ich źródła",
        "source": "Źródło",
        "sources": "Źródła",
        "start_of_content": "Początek treści",
        "title_page": "Strona tytułowa",
    },
}

SUPPORTED_LANGUAGES = tuple(_LABELS)
# The label that titles each of the builder's own parts after the chapters (model.Book.back_matter),
# by anchor; an appendix is titled by its kind's name (appendix_kinds.py).
PART_TITLES = {
    "plates": "plates_and_credits",
    "bibliography": "sources",
    "colophon": "colophon",
}


def title_key(part: str) -> str:
    """The label that titles a part after the chapters: an appendix is titled by its kind's name."""
    return PART_TITLES.get(part, part)


def labels_for(language: str) -> Mapping[str, str]:
    return _LABELS[language]


def month_and_year(day: date, language: str) -> str:
    """A month as an edition is dated ("November 2026", "listopad 2026")."""
    return format_date(day, format="LLLL y", locale=language)


def listed(items: Sequence[str], language: str) -> str:
    """Items as the language lists them in running text ("A4 and Letter", "A4 i Letter")."""
    return format_list(list(items), locale=language)


def long_date(day: date, language: str) -> str:
    """A date as the book's language writes it in running text ("July 30, 1941", "30 lipca 1941")."""
    return format_date(day, format="long", locale=language)
