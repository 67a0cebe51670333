"""The Jinja2 environment and the context every template gets, for every format alike."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .config import Edition
from .labels import PART_TITLES, long_date
from .markup import as_phrasing, plain_text, with_lead
from .model import Book, Heading, Plate, PlatePlacement, PullQuote
from .plate_plan import PlatePlan

# epub:type and DPUB-ARIA role of each kind of part (epub:type only in the EPUB).
_SEMANTICS = {
    "titlepage": ("titlepage", None),
    "toc": ("toc", "doc-toc"),
    "chapter": ("chapter", "doc-chapter"),
    "appendix": ("appendix", "doc-appendix"),
    "colophon": ("colophon", "doc-colophon"),
}


_FIRST_TAG = re.compile(r"^\s*<[a-z0-9]+")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("amnesty_book", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["with_id"] = _with_id
    env.filters["full_stop"] = _full_stop
    env.filters["as_phrasing"] = lambda markup: Markup(as_phrasing(str(markup)))
    env.filters["with_lead"] = lambda markup, lead: Markup(with_lead(str(markup), str(lead)))
    env.tests["heading"] = lambda block: isinstance(block, Heading)
    env.tests["plate_placement"] = lambda block: isinstance(block, PlatePlacement)
    env.tests["pull_quote"] = lambda block: isinstance(block, PullQuote)
    return env


def _full_stop(text: str) -> str:
    """The text ended as a sentence: a full stop unless it already ends with one, ? or !."""
    return text if text.rstrip().endswith((".", "?", "!", "…")) else f"{text}."


def _with_id(markup: str, anchor: str, classes: str = "") -> Markup:
    """The block's markup with its anchor (and classes) on its first element."""
    extra = f' id="{anchor}"' + (f' class="{classes}"' if classes else "")
    return Markup(_FIRST_TAG.sub(lambda match: match.group() + extra, markup, count=1))


def built_at(book: Book) -> datetime:
    """When this edition counts as built: SOURCE_DATE_EPOCH if set, else the config's edition date.

    Never the clock, so that two builds of the same sources are identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    day = book.config.edition_date
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def render(
    template: str,
    book: Book,
    edition: Edition,
    format: str,
    href: Callable[[str], str],
    image_src: Callable[[Plate], str],
    stylesheets: list[str],
    break_before: frozenset[str] = frozenset(),
    plate_plan: PlatePlan | None = None,
    page_breaks: Mapping[str, Sequence[str]] | None = None,
    **extra: Any,
) -> str:
    built = built_at(book)
    language = book.config.language
    labels = book.config.labels

    def semantics(kind: str) -> Markup:
        epub_type, role = _SEMANTICS[kind]
        attributes = [f'epub:type="{epub_type}"'] if format == "epub" else []
        attributes += [f'role="{role}"'] if role else []
        return Markup(" ".join(attributes))

    return (
        environment()
        .get_template(template)
        .render(
            book=book,
            edition=edition,
            format=format,
            labels=labels,
            part_title=lambda anchor: labels[PART_TITLES[anchor]],
            href=href,
            image_src=image_src,
            stylesheets=stylesheets,
            break_before=break_before,
            plate_plan=plate_plan or PlatePlan(),
            page_breaks=page_breaks or {},
            semantics=semantics,
            plain=plain_text,
            long_date=lambda day: long_date(day, language),
            built=built.date(),
            built_timestamp=built.strftime("%Y-%m-%dT%H:%M:%SZ"),
            **extra,
        )
    )
