"""The Jinja2 environment and the context every template gets, for every format alike."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePath
from typing import Any, NoReturn

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from amnesty_book.model import Book, CrossLink, Heading, NoteCall, Plate, PlatePlacement, PullQuote
from amnesty_book.model.text import bound, plain_text
from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.project.config import PACKAGED_FACES, POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.project.labels import listed, long_date, month_and_year, title_key
from amnesty_book.project.source_files import STYLES
from amnesty_book.project.sources import Project
from amnesty_book.readers.markup import as_phrasing, with_lead
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError
from amnesty_book.theme.page_geometry import design, measure_mm, papers_alike
from amnesty_book.theme.page_plan import BookPart, PlatePlan
from amnesty_book.theme.project_styles import TEMPLATES, templates_folder
from amnesty_book.theme.table_columns import column_widths

# epub:type and DPUB-ARIA role of each kind of part (epub:type only in the EPUB).
_SEMANTICS = {
    "titlepage": ("titlepage", None),
    "toc": ("toc", "doc-toc"),
    "chapter": ("chapter", "doc-chapter"),
    "appendix": ("appendix", "doc-appendix"),
    "bibliography": ("bibliography", "doc-bibliography"),
    "colophon": ("colophon", "doc-colophon"),
}


_FIRST_TAG = re.compile(r"^\s*<[a-z0-9]+")
# How long one render may take for each thousand notes of the book (or fewer): the real book's
# takes a tenth of a second, the long sample book's (816 notes) a quarter; a template that loops
# without end is stopped, at its line, rather than hang the build or the preview.
RENDER_SECONDS = 10.0
# The longest string or list a template may make by `*` (the time limit cannot stop the making
# of one, which runs in C), and the largest power by `**`.
_LONGEST = 1_000_000
_LARGEST_EXPONENT = 1000


@cache
def environment(templates: Path | None = None) -> Environment:
    """The templates' environment: a project's own templates (`templates`, its styles/templates
    folder) before the packaged ones, each project's environment its own."""
    packaged = ChoiceLoader([PackageLoader("amnesty_book.theme", "templates"), _AppendixTemplates()])
    project = Project(templates.parents[1]) if templates else None
    env = _Environment(
        loader=_ProjectTemplates(project, packaged) if project else packaged,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.project = project
    env.filters["with_id"] = _with_id
    env.filters["full_stop"] = _full_stop
    env.filters["as_phrasing"] = lambda markup: Markup(as_phrasing(str(markup)))
    env.filters["with_lead"] = lambda markup, lead: Markup(with_lead(str(markup), str(lead)))
    env.tests["heading"] = lambda block: isinstance(block, Heading)
    env.tests["plate_placement"] = lambda block: isinstance(block, PlatePlacement)
    env.tests["pull_quote"] = lambda block: isinstance(block, PullQuote)
    env.tests["cross_link"] = lambda part: isinstance(part, CrossLink)
    env.tests["note_call"] = lambda part: isinstance(part, NoteCall)
    return env


class _ProjectTemplates(BaseLoader):
    """A project's templates (styles/templates/NAME.j2) before the builder's, read as its other
    sources are: from inside the project, as UTF-8 text."""

    def __init__(self, project: Project, packaged: BaseLoader) -> None:
        self.project, self.packaged = project, packaged

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        folder = self.project.root / STYLES / TEMPLATES
        if PurePath(template).is_absolute() or ".." in template.split("/"):
            raise TemplateNotFound(
                template, f"'{template}' is not the name of a template in {STYLES}/{TEMPLATES}"
            )
        own = folder.joinpath(*split_template_path(template))
        if not own.is_file():
            source, filename, uptodate = self.packaged.get_source(environment, template)
            # One the project makes later (while the preview runs) takes the builder's place.
            return source, filename, lambda: not own.is_file() and (uptodate is None or uptodate())
        where = SourceLocation(own.relative_to(self.project.root))  # the link, not where it leads
        path = self.project.resolve(own.relative_to(self.project.root).as_posix(), where, "template")
        if not path.is_relative_to(folder.resolve()):  # a link out of the templates' folder
            raise BookError.at(
                where, f"this template is a link out of {STYLES}/{TEMPLATES}; put the file itself there"
            )
        modified = path.stat().st_mtime_ns
        return self.project.read_text(path), str(path), lambda: _modified(path) == modified


class _AppendixTemplates(BaseLoader):
    """A kind of appendix's template (appendix_kinds.py) beside the module of its reader, when
    neither the project nor the builder has one of that name."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        path = next(filter(Path.is_file, _beside_readers(template)), None)
        if path is None:
            raise TemplateNotFound(template)
        modified = path.stat().st_mtime_ns
        return path.read_text(encoding="utf-8"), str(path), lambda: _modified(path) == modified


def _beside_readers(template: str) -> Iterator[Path]:
    """Where the kinds of appendix of that template would have it: beside their readers."""
    for kind in APPENDICES.values():
        spec = importlib.util.find_spec(kind.reader.split(":")[0])
        if kind.template == template and spec is not None and spec.origin is not None:
            yield Path(spec.origin).with_name(template)


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


class _OutOfTime(Exception):
    """Raised in the thread of a render that ran longer than its time (its class's `seconds`)."""

    seconds = RENDER_SECONDS


def _out_of_time(seconds: float) -> str:
    return f"the templates ran for more than {seconds:g} s (a loop without end?)"


def _render_seconds(book: Book) -> float:
    """How long a render of the book may take: longer for a book of more notes."""
    return RENDER_SECONDS * (1 + len(book.notes) // 1000)


class _Environment(SandboxedEnvironment):
    """Jinja2's sandbox: a template reads nothing but the templates, whatever the objects it is
    given (a path's methods would read any file), and a mistake in a project's template stops the
    build with its `path:line`, as a mistake in any other source does."""

    project: Project | None = None  # the project whose templates come first
    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not isinstance(obj, PurePath) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and right > _LARGEST_EXPONENT:
            raise SecurityError(f"a power above {_LARGEST_EXPONENT} is too large for a template")
        if operator == "*" and _made_length(left, right) > _LONGEST:
            raise SecurityError(f"a string or list of more than {_LONGEST} items is too long for a template")
        return super().call_binop(context, operator, left, right)

    def handle_exception(self, source: str | None = None) -> NoReturn:
        try:
            super().handle_exception(source)
        except Exception as error:  # Jinja2's, or that of the code the template ran
            if self.project is None or isinstance(error, BookError):
                raise
            folder = (self.project.root / STYLES / TEMPLATES).resolve()
            where = _innermost_line(error, self.project, folder)
            if where is None and not isinstance(error, TemplateError | _OutOfTime):
                raise  # the builder's own templates and code failed: a bug of the builder
            # Where no line of the project's passed it, its templates do not fit the builder's.
            message = error.message if isinstance(error, TemplateSyntaxError) else str(error)
            if isinstance(error, _OutOfTime):
                message = _out_of_time(error.seconds)
            raise BookError.at(
                where or self.project.location(folder),
                f"{(message or type(error).__name__).rstrip('.')}; fix the template",
            ) from None


def _made_length(left: Any, right: Any) -> int:
    """How long `left * right` would be, if it repeats a string or a list; else 0."""
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            return len(sequence) * times
    return 0


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raises _OutOfTime in this thread once `seconds` have passed inside. A signal would reach
    only the main thread, and the preview renders in another: the exception is set on this
    thread by CPython's PyThreadState_SetAsyncExc, raised at its next bytecode."""
    thread, lock, state = threading.get_ident(), threading.Lock(), {"done": False, "fired": False}
    # Raised as a class: a subclass says how long the render had.
    raised = type("_OutOfTime", (_OutOfTime,), {"seconds": seconds})

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(raised))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:  # set just as the render ended: not raised later, elsewhere
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)
        timer.cancel()


def _innermost_line(error: BaseException, project: Project, folder: Path) -> SourceLocation | None:
    """The innermost line of a template in `folder` the error passed through (Jinja2 gives each
    template's lines frames of their own)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename)
        if path.is_relative_to(folder):
            return project.location(path, frame.lineno)
    return None


def _full_stop(text: str) -> str:
    """The text ended as a sentence: a full stop unless it already ends with one, ? or !, in
    its markup or before closing quotation marks (a citation's “Title.”)."""
    ended = plain_text((str(text),)).rstrip().rstrip("\u201d\u2019\u00bb")
    return text if ended.endswith((".", "?", "!", "…")) else text + "."  # Markup stays Markup


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
    part: BookPart | None = None,
    opens_after_blank: bool = False,
    known_page: Callable[[str], str] = lambda anchor: "",
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

    templates = templates_folder(book.root)
    try:
        with _time_limit(_render_seconds(book)):
            return (
                environment(templates)
                .get_template(template)
                .render(
                    book=book,
                    edition=edition,
                    format=format,
                    labels=labels,
                    part_title=lambda anchor: labels[title_key(anchor)],
                    appendix_template=lambda kind: APPENDICES[kind].template,
                    edition_label=KINDS[edition.kind].label_key,
                    pages_for=_pages_for(edition),
                    href=href,
                    image_src=image_src,
                    stylesheets=stylesheets,
                    break_before=break_before,
                    plate_plan=plate_plan or PlatePlan(),
                    page_breaks=page_breaks or {},
                    part=part or BookPart.whole(book),
                    opens_after_blank=opens_after_blank,
                    known_page=known_page,
                    semantics=semantics,
                    plain=plain_text,
                    long_date=lambda day: bound(
                        long_date(day, language), language
                    ),  # "November 14" on one line
                    month_and_year=lambda day: bound(month_and_year(day, language), language),
                    column_widths=lambda rows, type_scale, gutter_em: column_widths(
                        rows, _measure_em(book, edition, type_scale), gutter_em, _regular_face(book)
                    ),
                    listed=lambda items: listed(items, language),
                    built=built.date(),
                    built_timestamp=built.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    **extra,
                )
            )
    except _OutOfTime as error:  # outside the templates' own code, or in the builder's templates alone
        where = Project(book.root).location(templates) if templates else None
        raise BookError.at(where, f"{_out_of_time(error.seconds)}; fix the template") from None


def _measure_em(book: Book, edition: Edition, type_scale: float) -> float:
    """The edition's measure in ems of type `type_scale` times the text's size."""
    return measure_mm(edition) * POINTS_PER_MM / (design(edition).font_size_pt * type_scale)


def _regular_face(book: Book) -> Path:
    regular = book.config.fonts.regular
    return book.root / regular if regular else PACKAGED_FACES[0]


def _pages_for(edition: Edition) -> tuple[str, ...]:
    """The papers the edition's pages are made for (page_geometry.SAME_PAGES)."""
    return papers_alike(edition.page_size) if KINDS[edition.kind].cut_to_paper else (edition.page_size,)
