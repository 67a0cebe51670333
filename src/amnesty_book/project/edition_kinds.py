"""What each kind of edition is, declared once: its writer, format, papers, colour, file and order.

A new kind of edition is a writer module (writers/) and its declaration here, registered with
`register`, which checks it whole: a missing or wrong piece (a writer module that does not
exist, an unknown format or paper, a file name that does not name the book) fails when the
registry is first read, not half-way through a build.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass

from amnesty_book.project.labels import SUPPORTED_LANGUAGES, labels_for

# Paper sizes an edition may name: CSS page size and (width, height) in mm.
PAPERS: dict[str, tuple[str, tuple[float, float]]] = {
    "A4": ("A4", (210.0, 297.0)),
    "Letter": ("letter", (215.9, 279.4)),
    "A5": ("A5", (148.0, 210.0)),
    "Half-Letter": ("5.5in 8.5in", (139.7, 215.9)),
}
# A folded edition's pages are half of the sheet it is printed on.
HALF_SHEET = {"A4": "A5", "Letter": "Half-Letter"}
# The formats the templates, stylesheets and checks know.
FORMATS = ("html", "epub", "pdf")
_NAME = re.compile(r"[a-z][a-z0-9]*")
_WRITER = re.compile(r"([A-Za-z_][\w.]*):([A-Za-z_]\w*)")


class RegistrationError(Exception):
    """A kind of edition declared with a missing or wrong piece."""


@dataclass(frozen=True, kw_only=True)
class EditionKind:
    name: str
    writer: str  # "module:function(book, edition, out)", imported only when such an edition is built
    format: str  # one of FORMATS: the templates, stylesheets and checks it takes
    papers: tuple[str, ...] = ()  # the papers it may be printed on, the first its default; none: not paged
    folded: bool = False  # printed two pages to a sheet, folded (its papers name the sheets)
    grayscale: bool = False
    # Laid out once for the papers with the same pages (page_geometry.SAME_PAGES) and cut to
    # each (page_cut.py); its colophon names them all.
    cut_to_paper: bool = False
    output: str = "{slug}-{edition}.pdf"  # its file (or folder) in the output folder
    cost: int = 0  # how long it takes to make, as an order: the costliest is started first
    label: str = ""  # the key of its name in the colophon (labels.py); default "edition_NAME"

    @property
    def label_key(self) -> str:
        return self.label or f"edition_{self.name}"


KINDS: dict[str, EditionKind] = {}


def register(kind: EditionKind) -> EditionKind:
    """Adds a kind of edition to the registry, or says what is wrong with its declaration."""
    wrong = []
    if not _NAME.fullmatch(kind.name):
        wrong.append(f"its name '{kind.name}' is not lower-case letters and digits")
    if kind.name in KINDS:
        wrong.append("a kind of that name is registered already")
    writer = _WRITER.fullmatch(kind.writer)
    if writer is None:
        wrong.append(f"its writer '{kind.writer}' is not 'module:function'")
    elif importlib.util.find_spec(writer.group(1)) is None:
        wrong.append(f"its writer's module '{writer.group(1)}' does not exist")
    if kind.format not in FORMATS:
        wrong.append(f"its format '{kind.format}' is none of {', '.join(FORMATS)}")
    papers = HALF_SHEET if kind.folded else PAPERS
    unknown = [paper for paper in kind.papers if paper not in papers]
    if unknown:
        wrong.append(f"its papers {', '.join(unknown)} are not among {', '.join(papers)}")
    if bool(kind.papers) != (kind.format == "pdf"):
        wrong.append("a pdf edition, and only one, is printed on papers")
    lacking = [language for language in SUPPORTED_LANGUAGES if kind.label_key not in labels_for(language)]
    if lacking:
        wrong.append(
            f"its name in the colophon, label '{kind.label_key}', is not in labels.py "
            f"for {', '.join(lacking)}"
        )
    if "{slug}" not in kind.output:
        wrong.append("its output does not name the book ('{slug}')")
    if wrong:
        raise RegistrationError(f"edition kind '{kind.name}': {'; '.join(wrong)}")
    KINDS[kind.name] = kind
    return kind


for builtin in (
    EditionKind(name="web", writer="amnesty_book.writers.web:write_web", format="html", output="{slug}-web"),
    EditionKind(
        name="epub",
        writer="amnesty_book.writers.epub:write_epub",
        format="epub",
        output="{slug}.epub",
        cost=1,
    ),
    EditionKind(
        name="reader",
        writer="amnesty_book.writers.reader:write_reader",
        format="pdf",
        papers=tuple(PAPERS),
        cut_to_paper=True,
        cost=3,
    ),
    EditionKind(
        name="press",
        writer="amnesty_book.writers.press:write_press",
        format="pdf",
        papers=tuple(PAPERS),
        cost=4,
    ),
    # A booklet of half-sheet pages, on narrow pages laid out more than once: the longest.
    EditionKind(
        name="handout",
        writer="amnesty_book.writers.handout:write_handout",
        format="pdf",
        papers=("A4", "Letter"),
        folded=True,
        grayscale=True,
        cut_to_paper=True,
        cost=5,
    ),
    EditionKind(
        name="archive",
        writer="amnesty_book.writers.archive:write_archive",
        format="pdf",
        papers=tuple(PAPERS),
        cost=2,
    ),
):
    register(builtin)
