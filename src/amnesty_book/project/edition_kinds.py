"""What each kind of edition is, declared once: its writer, format, papers, colour, file,
order, what it prints its plates from, how it is checked, and its name in each language.

A new kind of edition is one module: its writer and its declaration, registered with
`register`, which checks it whole: a missing or wrong piece (a writer module that does not
exist, an unknown format or paper, a file name that does not name the book, a language it
has no name in) fails when it is registered, not half-way through a build. Nothing else in
the builder names a kind: whatever differs between kinds is read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from amnesty_book.project.labels import SUPPORTED_LANGUAGES
from amnesty_book.project.registration import NAME, RegistrationError, function_problem

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
# What a paged edition prints its plates from (images/plates.py): a JPEG prepared at print
# resolution (the scan itself where it is a JPEG ready to print that need not turn grey), the
# scan itself where it is ready to print (else prepared, losslessly from a PNG), or the scan in
# the print shop's CMYK where the book names a profile (else as the scan).
PLATE_SOURCES = ("prepared", "scan", "press")
# The standards a paged edition's PDF may be written to (WeasyPrint's pdf_variant): the ones
# the read-back check knows (a PDF/A's images in its output intent's space).
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3a")
# Characters a line of body text, as the layout audit wants them (Bringhurst).
MEASURE = (45, 75)


@dataclass(frozen=True, kw_only=True)
class EditionKind:
    name: str
    writer: str  # "module:function(book, edition, out)", imported only when such an edition is built
    format: str  # one of FORMATS: the templates, stylesheets and checks it takes
    words: Mapping[str, str]  # its name in the colophon, in each supported language
    papers: tuple[str, ...] = ()  # the papers it may be printed on, the first its default; none: not paged
    folded: bool = False  # printed two pages to a sheet, folded (its papers name the sheets)
    grayscale: bool = False
    # Laid out once for the papers with the same pages (page_geometry.SAME_PAGES) and cut to
    # each (page_cut.py); its colophon names them all.
    cut_to_paper: bool = False
    output: str = "{slug}-{edition}.pdf"  # its file (or folder) in the output folder
    cost: int = 0  # how long it takes to make, as an order: the costliest is started first
    plates_from: str = "prepared"  # one of PLATE_SOURCES (paged editions)
    tagged: bool = True  # a paged edition's PDF has a structure tree and an outline to check
    pdf_variant: str = "pdf/ua-1"  # one of PDF_VARIANTS: the standard its PDF is written to
    # Its PDF carries the book's sources, from which the book can be built again.
    attaches_sources: bool = False
    for_print: bool = False  # a print shop's file: its images' resolution is checked
    measure: tuple[int, int] = MEASURE  # characters a line of body text (the layout audit's L302)
    # An edition imposed on sheets: "module:function(book, edition) -> PDF bytes" gives the
    # pages it imposed, which the layout audit reads as pages (its sheets are audited apart).
    imposed_pages: str = ""
    cover: bool = False  # it carries the cover image (images/cover.py)
    # The kind whose printed pages its page list marks (the EPUB's, from the reader's).
    marks_pages_of: str = ""

    @property
    def label_key(self) -> str:
        """Its name among the builder's words, which book.toml's [labels] may word anew."""
        return f"edition_{self.name}"


KINDS: dict[str, EditionKind] = {}


def register(kind: EditionKind) -> EditionKind:
    """Adds a kind of edition to the registry, or says what is wrong with its declaration."""
    wrong = []
    if not NAME.fullmatch(kind.name):
        wrong.append(f"its name '{kind.name}' is not lower-case letters and digits")
    if kind.name in KINDS:
        wrong.append("a kind of that name is registered already")
    wrong += filter(None, [function_problem("writer", kind.writer)])
    if kind.format not in FORMATS:
        wrong.append(f"its format '{kind.format}' is none of {', '.join(FORMATS)}")
    papers = HALF_SHEET if kind.folded else PAPERS
    unknown = [paper for paper in kind.papers if paper not in papers]
    if unknown:
        wrong.append(f"its papers {', '.join(unknown)} are not among {', '.join(papers)}")
    if bool(kind.papers) != (kind.format == "pdf"):
        wrong.append("a pdf edition, and only one, is printed on papers")
    lacking = [language for language in SUPPORTED_LANGUAGES if not kind.words.get(language)]
    if lacking:
        wrong.append(f"it has no name (words) in {', '.join(lacking)}")
    if kind.plates_from not in PLATE_SOURCES:
        wrong.append(f"its plates_from '{kind.plates_from}' is none of {', '.join(PLATE_SOURCES)}")
    if kind.pdf_variant not in PDF_VARIANTS:
        wrong.append(f"its pdf_variant '{kind.pdf_variant}' is none of {', '.join(PDF_VARIANTS)}")
    if kind.imposed_pages:
        wrong += filter(None, [function_problem("imposed_pages", kind.imposed_pages)])
    if kind.marks_pages_of and not NAME.fullmatch(kind.marks_pages_of):
        wrong.append(f"the kind whose pages it marks, '{kind.marks_pages_of}', is not a kind's name")
    if "{slug}" not in kind.output:
        wrong.append("its output does not name the book ('{slug}')")
    if wrong:
        raise RegistrationError(f"edition kind '{kind.name}': {'; '.join(wrong)}")
    KINDS[kind.name] = kind
    return kind


def edition_names(language: str) -> dict[str, str]:
    """Every kind's name in the colophon, by its label key, in the language."""
    return {kind.label_key: kind.words[language] for kind in KINDS.values()}


for builtin in (
    EditionKind(
        name="web",
        writer="amnesty_book.writers.web:write_web",
        format="html",
        output="{slug}-web",
        words={"en": "Web edition", "pl": "Wydanie internetowe"},
    ),
    EditionKind(
        name="epub",
        writer="amnesty_book.writers.epub:write_epub",
        format="epub",
        output="{slug}.epub",
        cost=1,
        cover=True,
        marks_pages_of="reader",
        words={"en": "EPUB edition", "pl": "Wydanie EPUB"},
    ),
    EditionKind(
        name="reader",
        writer="amnesty_book.writers.reader:write_reader",
        format="pdf",
        papers=tuple(PAPERS),
        cut_to_paper=True,
        cost=3,
        measure=(60, 75),
        words={"en": "Reader edition", "pl": "Wydanie do czytania"},
    ),
    EditionKind(
        name="press",
        writer="amnesty_book.writers.press:write_press",
        format="pdf",
        papers=tuple(PAPERS),
        cost=4,
        plates_from="press",
        for_print=True,
        words={"en": "Press edition", "pl": "Wydanie dla drukarni"},
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
        # An imposed booklet is a print file: its sheets carry no structure or outline to read.
        tagged=False,
        for_print=True,
        imposed_pages="amnesty_book.writers.handout:handout_pages",
        words={"en": "Handout booklet", "pl": "Broszura do druku"},
    ),
    EditionKind(
        name="archive",
        writer="amnesty_book.writers.archive:write_archive",
        format="pdf",
        papers=tuple(PAPERS),
        cost=2,
        plates_from="scan",
        for_print=True,
        pdf_variant="pdf/a-3a",
        attaches_sources=True,
        words={"en": "Archival edition (PDF/A-3a)", "pl": "Wydanie archiwalne (PDF/A-3a)"},
    ),
):
    register(builtin)
