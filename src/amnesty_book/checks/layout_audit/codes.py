"""The layout audit's codes (L101…L701), and the finding a check makes of one."""

from __future__ import annotations

from amnesty_book.checks.findings import ERROR, INFO, WARNING, Finding
from amnesty_book.project.config import Edition

# code -> (severity, what the code finds). The codes are stable: never renumber or reuse one.
CODES: dict[str, tuple[str, str]] = {
    "L101": (WARNING, "a page's text block is more than 15 % empty, and the page does not end a part's text"),
    "L201": (ERROR, "ink outside the text block (other than a running head or a folio in its margin)"),
    "L301": (INFO, "characters per line of the body text, the notes and the captions"),
    "L302": (WARNING, "the body text's median line is outside 45–75 characters (60–75 in a reader edition)"),
    "L401": (WARNING, "more than two hyphenated line ends in a row"),
    "L501": (ERROR, "a note does not stand on the page of its call"),
    "L502": (ERROR, "a plate stands before the page of its marker"),
    "L503": (WARNING, "a plate stands more than one page after its marker, behind the plates before it"),
    "L601": (WARNING, "a heading in the last two lines of a page, its text following on the next page"),
    "L602": (WARNING, "orphan: a paragraph's first line alone at the foot of a page"),
    "L603": (WARNING, "widow: a paragraph's last line alone at the head of a page"),
    "L701": (ERROR, "ink within 10 mm of an imposed sheet's edge, where office printers cannot print"),
}


def finding(edition: Edition, where: str, code: str, message: str, hint: str) -> Finding:
    return Finding(edition.name, where, f"{code} {message}; {hint}", CODES[code][0])
