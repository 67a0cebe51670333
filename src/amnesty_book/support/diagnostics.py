"""What the builder finds wrong, one type for all: a problem of a source, a finding of the
linter, of the read-back of an edition or of the layout audit; and the one registry of codes.

A diagnostic of a source is printed `path:line: CODE what is wrong; how to fix it`; one of a
built edition `edition: where: [warning: ]CODE what; how to fix it`. The build's own problems
(a source that cannot be read into the book) carry no code: their message says what and how.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# An error fails the build (or lint, or check); a warning is printed; an info (a measurement,
# not a problem) is shown only on request (--verbose).
ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class SourceLocation:
    """A place in a source file, its path relative to the project folder."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        where = self.path.as_posix()
        return f"{where}:{self.line}" if self.line is not None else where

    def offset(self, lines: int) -> SourceLocation:
        """The location `lines` lines further down the same file."""
        return SourceLocation(self.path, None if self.line is None else self.line + lines)


# Every character str.splitlines() breaks at, written as an escape instead.
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


@dataclass(frozen=True)
class Diagnostic:
    """One thing wrong (or measured): in a source at `location`, or in a built `edition`."""

    location: SourceLocation | None
    message: str  # what is wrong; a problem of the build's says how to fix it after "; "
    code: str = ""  # a key of CODES; none for the build's own problems
    severity: str = ERROR
    hint: str = ""  # how to fix it
    edition: str = ""  # the built edition it is found in
    where: str = ""  # where in that edition: "page 3 (folio 1)", "note 12", "document"

    def __post_init__(self) -> None:
        if self.code and self.code not in CODES:
            raise ValueError(f"no code {self.code} in diagnostics.CODES")

    @classmethod
    def coded(
        cls, code: str, location: SourceLocation, message: str, hint: str, severity: str | None = None
    ) -> Diagnostic:
        """A finding in a source, its severity its code's unless given (the linter's)."""
        return cls(location, message, code, severity or CODES[code].severity, hint)

    @classmethod
    def in_edition(
        cls, edition: str, where: str, code: str, message: str, hint: str = "", severity: str | None = None
    ) -> Diagnostic:
        """A finding in a built edition, its severity its code's unless given (the checks')."""
        return cls(None, message, code, severity or CODES[code].severity, hint, edition, where)

    def as_dict(self) -> dict[str, object]:
        """Its fields as JSON writes them (`check --json`)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.location.path.as_posix() if self.location else None,
            "line": self.location.line if self.location else None,
            "message": self.message,
            "hint": self.hint,
            "edition": self.edition,
            "where": self.where,
        }

    @property
    def said(self) -> str:
        """What it says, without where: `CODE what is wrong; how to fix it`."""
        return " ".join(filter(None, (self.code, self.message))) + (f"; {self.hint}" if self.hint else "")

    def __str__(self) -> str:
        if self.edition:
            marker = "" if self.severity == ERROR else f"{self.severity}: "
            return f"{self.edition}: {self.where}: {marker}{self.said}"
        text = f"{self.location}: {self.said}" if self.location else self.said
        # One line, whatever a source put in it (a file name or a key with a line break).
        return text.translate(_LINE_BREAKS)


@dataclass(frozen=True)
class Code:
    severity: str
    finds: str  # what a diagnostic of this code finds
    by: str  # what finds it: lint, the audit (of a paged edition's pages) or the read-back


# The codes, stable: never renumber or reuse one. Their reference, docs/codes.md, is made from
# here by `make docs`.
CODES: dict[str, Code] = {
    code: Code(severity, finds, by)
    for by, codes in (
        (
            "lint",
            {
                "N001": (ERROR, "a note is called but never defined"),
                "N002": (ERROR, "a note is defined but never called"),
                "N003": (WARNING, "a note call stands before punctuation; house style puts it after"),
                "N004": (ERROR, "a note label is defined twice"),
                "N005": (ERROR, "a note is called twice"),
                "N006": (
                    ERROR,
                    "a note call stands where no note can be called (heading, note, pull quote, ...)",
                ),
                "P001": (ERROR, "a plate has no alt text"),
                "P002": (ERROR, "a plate's alt text repeats its caption (error) or is part of it (warning)"),
                "P003": (ERROR, "a plate has no credit"),
                "P004": (ERROR, "a plate of the manifest is never placed"),
                "P005": (ERROR, "'::: plate ID' names no plate of the manifest"),
                "P006": (ERROR, "a plate's image file is missing (or is a URL, or outside the project)"),
                "P007": (ERROR, "a plate is placed twice"),
                "P008": (ERROR, "two plates of the manifest have the same id"),
                "T001": (ERROR, "a timeline entry is out of date order"),
                "T002": (ERROR, "a timeline date is impossible (1941-02-30) or not a date"),
                "T003": (ERROR, "a timeline entry's event or source is empty"),
                "Y001": (WARNING, 'straight double quote (") where typographic quotes belong'),
                "Y002": (
                    WARNING,
                    "straight single quote (') where an apostrophe or typographic quote belongs",
                ),
                "Y003": (WARNING, "double space between words"),
                "Y004": (WARNING, "hyphen in a numeric range (1939-1945) where an en dash belongs"),
                "Y005": (WARNING, "spaced hyphen ( - ) used as a dash where a spaced en dash belongs"),
                "Y006": (WARNING, "three dots (...) where the ellipsis character belongs"),
                "L001": (ERROR, "a link target is not http(s):, mailto: or #anchor"),
                "L002": (ERROR, "an #anchor link points at no heading"),
                "S001": (
                    ERROR,
                    "a source cannot be read (missing, not UTF-8, not valid TOML/YAML, bad book.toml)",
                ),
                "S002": (
                    ERROR,
                    "an entry of the plates manifest or of an appendix is malformed "
                    "(unknown, missing or unreadable key)",
                ),
                "S003": (ERROR, "a '::: pullquote' block or a code fence is never closed"),
                "S004": (
                    ERROR,
                    "a stylesheet of styles/ is refused (a CSS mistake, or a file or URL it names "
                    "that is not a font or image of styles/)",
                ),
                "S005": (
                    ERROR,
                    "the manuscript passes a limit of the builder (markup nested too deep, a "
                    "paragraph too long, too many notes)",
                ),
                "C001": (
                    ERROR,
                    "a citation's key is not in the bibliography, or book.toml names no bibliography",
                ),
                "C002": (ERROR, "a key is given to two entries of the bibliography"),
                "C003": (
                    ERROR,
                    "a cited (or listed) entry lacks what the citation style prints (title, date, ...)",
                ),
                "C004": (
                    ERROR,
                    "the bibliography cannot be read (not .json or .bib, not valid JSON or BibTeX, no id)",
                ),
                "C005": (
                    WARNING,
                    "an entry of the bibliography is never cited (and book.toml lists only those cited)",
                ),
                "C006": (
                    ERROR,
                    "a cross-reference names no plate, heading, note or appendix entry (or several notes)",
                ),
                "C007": (
                    ERROR,
                    "a citation or cross-reference stands where none may (inside [...], in a pull quote)",
                ),
                "C008": (
                    ERROR,
                    "the citation style cannot be used: not a CSL style, or a dependent style whose "
                    "parent is neither a file of the project nor a style of the CSL repository",
                ),
            },
        ),
        (
            "the layout audit",
            {
                "L101": (
                    WARNING,
                    "a page's text block is more than 15 % empty, and the page does not end a part's text",
                ),
                "L102": (
                    WARNING,
                    "a float page's plates stand more than two lines off its text block's centre",
                ),
                "L103": (
                    WARNING,
                    "a plate at a page's foot stands more than three and a half lines under the text's "
                    "last baseline",
                ),
                "L104": (
                    INFO,
                    "the baseline grid: how many of the chapters' pages have every body line on it",
                ),
                "L201": (
                    ERROR,
                    "ink outside the text block (other than a running head or a folio in its margin)",
                ),
                "L202": (ERROR, "ink set over other ink: a plate over a line of text or another plate"),
                "L301": (INFO, "characters per line of the body text, the notes and the captions"),
                "L302": (
                    WARNING,
                    "the body text's median line is outside the measure its kind of edition declares "
                    "(45–75 characters; 60–75 in a reader edition)",
                ),
                "L401": (WARNING, "more than two hyphenated line ends in a row"),
                "L411": (
                    INFO,
                    "word spaces of the justified body text: the share of lines wider than 0.5 em, "
                    "and the widest; the pages that end on a hyphen",
                ),
                "L412": (
                    WARNING,
                    "more than 3 % of the justified body lines have word spaces wider than 0.5 em",
                ),
                "L413": (WARNING, "a justified line set with word spaces wider than 0.75 em"),
                "L414": (
                    WARNING,
                    "a paragraph with a line looser than TeX's \\hbadness (1000): no breaking keeps its "
                    "word spaces within the tolerance (told by the build, which breaks the lines)",
                ),
                "L421": (WARNING, "a right-hand page's last line is hyphenated: its word runs on overleaf"),
                "L422": (
                    WARNING,
                    "a paragraph ends on a stub of fewer than four letters of a hyphenated word",
                ),
                "L423": (WARNING, "a line ends between two words the book binds together (“note | 3”)"),
                "L501": (ERROR, "a note does not stand on the page of its call"),
                "L502": (ERROR, "a plate stands before the page of its marker"),
                "L503": (
                    WARNING,
                    "a plate stands more than one page after its marker, behind the plates before it",
                ),
                "L504": (
                    WARNING,
                    "a note runs on at the next page's foot though its page had room for it whole",
                ),
                "L601": (
                    WARNING,
                    "a heading in the last two lines of a page, its text following on the next page",
                ),
                "L602": (WARNING, "orphan: a paragraph's first line alone at the foot of a page"),
                "L603": (WARNING, "widow: a paragraph's last line alone at the head of a page"),
                "L701": (
                    ERROR,
                    "ink within 10 mm of an imposed sheet's edge, where office printers cannot print",
                ),
                "L801": (ERROR, "a page's label (what a PDF viewer names it) is not the folio printed on it"),
                "L802": (ERROR, "an odd folio on a left-hand page, or an even one on a right-hand page"),
            },
        ),
        (
            "the read-back",
            {
                "R001": (ERROR, "an edition is not built"),
                "R101": (
                    ERROR,
                    "a heading, note, plate or appendix entry of the web edition or the EPUB is missing, "
                    "not in the book, or reads otherwise than the book",
                ),
                "R102": (
                    ERROR,
                    "a heading, note, plate, Sources entry or appendix entry is not found in a PDF",
                ),
                "R201": (ERROR, "a link leads to no document or no element"),
                "R301": (ERROR, "a font of a PDF is not embedded"),
                "R302": (ERROR, "a PDF's language is not the book's"),
                "R303": (ERROR, "a PDF's title is not set"),
                "R304": (ERROR, "a PDF that should be tagged has no structure tree"),
                "R305": (ERROR, "a PDF that should be tagged has no outline (bookmarks)"),
                "R306": (
                    ERROR,
                    "an image of a PDF is in a colour space its output intent does not describe (CMYK in "
                    "the archive's sRGB)",
                ),
                "R401": (WARNING, "an image of a print file prints under 300 ppi"),
                "R501": (ERROR, "EPUBCheck reports a message (its own severity), or cannot run"),
            },
        ),
    )
    for code, (severity, finds) in codes.items()
}
