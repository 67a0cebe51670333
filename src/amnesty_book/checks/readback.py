"""Reads built editions back: HTML and EPUB as XML trees, PDFs as page texts, images and fonts."""

from __future__ import annotations

import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pikepdf
import pypdfium2
from lxml import etree, html

if TYPE_CHECKING:  # pypdf is imported only by the editions that write with it (prepress/)
    from pypdf import PdfReader

from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.readers.glyphs import IGNORABLE

# The namespaces of EPUB content documents, for XPath: x for XHTML, epub for epub:type.
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
_OPF = {"opf": "http://www.idpf.org/2007/opf", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}


# The hyphens a word is written with: the hyphen-minus, U+2010 HYPHEN (which WeasyPrint's
# hyphenation draws) and U+2011 NON-BREAKING HYPHEN. A face may draw them with one glyph, and
# a PDF then reads back one for another: they compare as one.
_HYPHENS = "-\u2010\u2011"
_ONE_HYPHEN = str.maketrans(dict.fromkeys(_HYPHENS[1:], "-"))
_NO_SPACE_NOR_HYPHEN = re.compile(rf"[\s{re.escape(_HYPHENS)}]")
# Python's \s takes in the no-break spaces (U+00A0, U+2007 FIGURE SPACE, U+202F NARROW NO-BREAK
# SPACE): they keep words together on a line, and a reader sees a space.
_SPACES = re.compile(r"\s+")
# PDFium's text of a page (get_text_range) has a hyphen-minus or soft hyphen that ends a line
# after a letter as U+FFFE, the line joined to the next: the hyphen and the line break are given
# back, as printed. (U+0002 is the same mark in a text object's own text: layout_audit/reading.py.)
_PDFIUM_LINE_END_HYPHEN = "\ufffe"
# A hyphen that ends a line before the rest of its word (a soft hyphen too, if a face draws it).
_LINE_END_HYPHEN = re.compile(rf"(?<=\w)([{re.escape(_HYPHENS)}\u00ad])[^\S\n]*\n(?=\w)")
# Marks of such a hyphen: likely the layout's ("nego-/tiations": read without it), or likely
# the word's own ("Solicitor-/General": kept). Control characters, which no text has (and
# which \s does not take, as it takes U+001C-001F).
_LAYOUT_HYPHEN, _OWN_HYPHEN = "\x0e", "\x0f"


def norm(text: str) -> str:
    """Text as a reader sees it: no format characters (Unicode's default-ignorables: joiners,
    soft hyphens, bidi marks), one kind of space, single spaces."""
    text = unicodedata.normalize("NFC", IGNORABLE.sub("", text))
    return _SPACES.sub(" ", text).strip()


def squash(text: str) -> str:
    """Text with no spaces or hyphens: finds a passage however its lines broke and were
    hyphenated, blind to a hyphen too many or too few (PrintedText is not)."""
    return _NO_SPACE_NOR_HYPHEN.sub("", norm(text))


# Between two pages' texts, where the check looks for a note continued overleaf: a control
# character no text has, that neither \s nor \w takes.
_PAGE_BREAK = "\x10"
# The fewest characters (spaces aside) of a note's part on a page that the check takes as that
# part: a split note keeps two lines on each page.
_SHORTEST_PART = 12


class PrintedText:
    """A PDF's text as the check searches it, each word broken at a line's end read whole."""

    def __init__(self, pages: Sequence[str]) -> None:
        self._pages = list(pages)
        self.text = _likely_reading("\n".join(pages))
        marked = norm(_LINE_END_HYPHEN.sub(_mark, "\n".join(pages)))
        self._likely = _compact(self.text)
        self._marked = _compact(marked)

    @cached_property
    def _each_page(self) -> list[str]:
        """Each page's text as `_likely`, a word hyphenated at a page's end left so."""
        return _compact(_likely_reading(f"\n{_PAGE_BREAK}\n".join(self._pages))).split(_PAGE_BREAK)

    def __contains__(self, passage: str) -> bool:
        """The passage is printed, its spaces and line breaks aside."""
        return self.holds(passage)

    def holds(self, passage: str, continued: bool = False) -> bool:
        """The passage is printed, its spaces and line breaks aside; `continued`, perhaps begun
        on one page and continued on the next ones (a note split over pages)."""
        wanted = _compact(norm(passage))
        if wanted in self._likely or (continued and self._continued(wanted)):
            return True
        # Else any reading: each hyphen that ends a line may be the layout's or the word's own.
        # A regular expression, slower than a search for a string (a split note is looked for
        # before): only for what the likely reading lacks.
        either = f"[{_LAYOUT_HYPHEN}{_OWN_HYPHEN}]"
        pattern = f"{either}?".join(
            f"[-{_LAYOUT_HYPHEN}{_OWN_HYPHEN}]" if character == "-" else re.escape(character)
            for character in wanted
        )
        return re.search(pattern, self._marked) is not None

    def _continued(self, wanted: str) -> bool:
        """`wanted` (compact) begun on one page and continued on the next ones, as a note split
        over pages: the longest beginning of it one page holds, and the rest from the next page on."""
        pages = self._each_page
        return any(
            _runs_on(wanted, pages, index)
            for index, page in enumerate(pages)
            if wanted[:_SHORTEST_PART] in page
        )


def _likely_reading(text: str) -> str:
    """The likely reading: WeasyPrint hyphenates with U+2010 (CSS hyphenate-character's default),
    and words are written with U+002D."""
    marked = norm(_LINE_END_HYPHEN.sub(_mark, text))
    return marked.replace(_LAYOUT_HYPHEN, "").replace(_OWN_HYPHEN, "-")


def _runs_on(wanted: str, pages: Sequence[str], index: int) -> bool:
    """`wanted` is on page `index`, or begins there (at least _SHORTEST_PART of it) and runs on."""
    page = pages[index]
    if wanted in page:
        return True
    low, high = 0, len(wanted)  # the longest beginning found: a beginning of one found is found
    while low < high:
        middle = (low + high + 1) // 2
        if wanted[:middle] in page:
            low = middle
        else:
            high = middle - 1
    rest = wanted[low:]
    return (
        low >= _SHORTEST_PART
        and len(rest) >= _SHORTEST_PART
        and index + 1 < len(pages)
        and _runs_on(rest, pages, index + 1)
    )


def _mark(hyphen: re.Match[str]) -> str:
    return _OWN_HYPHEN if hyphen.group(1) in "-\u2011" else _LAYOUT_HYPHEN


def _compact(normed: str) -> str:
    """Normalised text without its spaces, its hyphens all U+002D."""
    return normed.replace(" ", "").translate(_ONE_HYPHEN)


@dataclass
class Digest:
    """What every edition must agree on, as one edition shows it."""

    headings: list[str] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)
    plates: list[tuple[str, str, str]] = field(default_factory=list)
    # Each appendix entry, by its anchor: read back, its element's whole text as one piece;
    # the book's, the pieces it must show in order (model.AppendixEntry.printed)
    entries: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bibliography: list[str] = field(default_factory=list)


def text_of(element: etree._Element) -> str:
    return norm("".join(element.itertext()))


def web_documents(folder: Path) -> dict[str, etree._Element]:
    return {"index.html": html.fromstring((folder / "index.html").read_bytes())}


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """The EPUB's content documents in spine order, by their path in the package."""
    with zipfile.ZipFile(path) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.xpath("//c:rootfile/@full-path", namespaces=_OPF)[0]
        opf = etree.fromstring(archive.read(opf_path))
        folder = PurePosixPath(opf_path).parent
        items = {
            item.get("id"): item.get("href") for item in opf.xpath("//opf:manifest/opf:item", namespaces=_OPF)
        }
        spine = [items[ref] for ref in opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=_OPF)]
        return {str(folder / href): etree.fromstring(archive.read(str(folder / href))) for href in spine}


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


def digest(documents: dict[str, etree._Element], entries: Iterable[str] = ()) -> Digest:
    """Headings, notes, plates, the appendices' `entries` (by anchor) and Sources of an HTML
    or EPUB edition, in reading order."""
    found = Digest()
    wanted = set(entries)
    parts_read = " or ".join(f"@id='{part}'" for part in ("plates", *APPENDICES, "bibliography", "colophon"))
    for tree in documents.values():
        parts = tree.xpath(f"//*[local-name()='section'][contains(@class, 'chapter') or {parts_read}]")
        for part in parts:
            for heading in part.xpath(".//*[local-name()='h1' or local-name()='h2' or local-name()='h3']"):
                if not heading.xpath("ancestor::*[contains(@class, 'notes')]"):
                    found.headings.append(_text_without_calls(heading))
        for note in tree.xpath(
            f"//{_local('aside')}[@role='doc-footnote']"
            f" | //*[@role='doc-endnotes']/{_local('ol')}/{_local('li')}"
        ):
            backlink = note.xpath(".//*[@role='doc-backlink']")[0]
            label = text_of(backlink)
            found.notes[int(label.rstrip("."))] = norm(text_of(note).removeprefix(label))
        for figure in tree.xpath(f"//{_local('figure')}[contains(@class, 'plate')]"):
            found.plates.append(
                tuple(  # type: ignore[arg-type]
                    text_of(spans[0]) if (spans := figure.xpath(f".//*[@class='{name}']")) else ""
                    for name in ("plate-label", "caption", "credit")
                )
            )
        # Walked, not sought by XPath: libxml2 takes '//*[@id]' of a book of 10,000 notes (30,000
        # ids) in 15 s, merging the node sets of every element's children one by one.
        for element in tree.iter(etree.Element) if wanted else ():
            if element.get("id") in wanted:
                found.entries[element.get("id")] = (text_of(element),)
        found.bibliography += [
            text_of(entry) for entry in tree.xpath(f"//*[@id='bibliography']//{_local('li')}")
        ]
    return found


def _text_without_calls(element: etree._Element) -> str:
    """The element's text less the numbers of the note calls it holds (a heading's)."""
    copy = deepcopy(element)
    for call in copy.xpath(".//*[@role='doc-noteref' or contains(@class, 'noteref')]"):
        _drop_keeping_tail(call)
    return text_of(copy)


def _drop_keeping_tail(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def internal_links(documents: dict[str, etree._Element]) -> list[tuple[str, str]]:
    """(document, href) of every link that does not leave the edition."""
    return [
        (name, href)
        for name, tree in documents.items()
        for href in tree.xpath("//*[local-name()='a']/@href")
        if not re.match(r"[a-z]+:", href)
    ]


def ids(documents: dict[str, etree._Element]) -> dict[str, set[str]]:
    return {name: set(tree.xpath("//@id")) for name, tree in documents.items()}


@dataclass(frozen=True)
class PlacedImage:
    page: int  # from 1
    width: int  # pixels
    height: int
    ppi: int  # at the size printed


def pdf_pages(path: Path | bytes) -> list[str]:
    """The text of each page (PDFium: fifty times faster than pypdf at this)."""
    document = pypdfium2.PdfDocument(path)
    try:
        return [page_text(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def page_text(text: str) -> str:
    """A page's text as PDFium reads it (get_text_range), its line ends as the check reads them."""
    return text.replace("\r\n", "\n").replace(_PDFIUM_LINE_END_HYPHEN, "-\n")


def destination_pages(pdf: pikepdf.Pdf | PdfReader) -> dict[str, int]:
    """Anchor id -> page index, from the PDF's named destinations (the /Dests name tree that
    WeasyPrint writes); a name that leads to no page is left out."""
    if not isinstance(pdf, pikepdf.Pdf):
        # pypdf's reader: read again with qpdf, ten times faster at a long book's destinations.
        with pikepdf.open(pdf.stream) as opened:
            return destination_pages(opened)
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, pikepdf.Dictionary) else None
    if not isinstance(tree, pikepdf.Dictionary):
        return {}
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: dict[str, int] = {}
    for name, destination in pikepdf.NameTree(tree).items():
        if isinstance(destination, pikepdf.Dictionary):
            destination = destination.get("/D")
        # A page and how to fit it.
        if isinstance(destination, pikepdf.Array) and len(destination) >= 2:
            page = destination[0]
            if isinstance(page, pikepdf.Dictionary) and page.objgen in pages:
                found[name] = pages[page.objgen]
    return found


def placed_images(pdf: pikepdf.Pdf) -> list[PlacedImage]:
    """Every image drawn on the pages, with its resolution at the size it is drawn."""
    return [image for number, page in enumerate(pdf.pages, start=1) for image in _page_images(page, number)]


def _page_images(page: pikepdf.Page, number: int) -> list[PlacedImage]:
    """The images the page's own content draws: the editions draw none inside a form."""
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return []
    placed = []
    ctm = pikepdf.Matrix()  # the current transformation matrix
    saved: list[pikepdf.Matrix] = []
    for operands, operator in pikepdf.parse_content_stream(page, "q Q cm Do"):
        match str(operator):
            case "q":
                saved.append(ctm)
            case "Q":
                ctm = saved.pop() if saved else pikepdf.Matrix()
            case "cm":  # the new matrix applies first, then the current one
                ctm = pikepdf.Matrix(*operands) @ ctm
            case "Do" if operands[0] in xobjects:
                image = xobjects[operands[0]]
                width_points = math.hypot(ctm.a, ctm.b)
                if image.get("/Subtype") == "/Image" and width_points:
                    pixels = int(image["/Width"])
                    placed.append(
                        PlacedImage(number, pixels, int(image["/Height"]), round(pixels * 72 / width_points))
                    )
    return placed


# The device colour spaces an output intent of so many components describes (grey in any).
_INTENT_SPACES = {1: {"/DeviceGray"}, 3: {"/DeviceGray", "/DeviceRGB"}, 4: {"/DeviceGray", "/DeviceCMYK"}}


def images_outside_intent(pdf: pikepdf.Pdf) -> list[str]:
    """The images of the pages in a device colour space the PDF's output intent does not
    describe (a CMYK image under a PDF/A's sRGB intent), as "W×H px in /Space"; none where the
    PDF has no output intent."""
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return []
    allowed = _INTENT_SPACES.get(int(intents[0].DestOutputProfile.get("/N", 0)), set())
    found: dict[tuple[int, int], str] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        for image in (resources.get("/XObject") or {}).values() if resources is not None else ():
            space = image.get("/ColorSpace")
            if image.get("/Subtype") == "/Image" and isinstance(space, pikepdf.Name) and space not in allowed:
                found[image.objgen] = f"{int(image['/Width'])}×{int(image['/Height'])} px in {space}"
    return list(found.values())


def unembedded_fonts(pdf: pikepdf.Pdf) -> set[str]:
    missing = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font", {}) if resources is not None else {}
        for font in fonts.values():
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get("/FontDescriptor") or {}
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(font.get("/BaseFont")))
    return missing


def link_targets(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(page from 1, destination name) of every internal link annotation."""
    links = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots") or []:
            destination = annotation.get("/Dest")
            if (
                annotation.get("/Subtype") == "/Link"
                and destination is not None
                and not isinstance(destination, pikepdf.Array)
            ):
                links.append((number, str(destination)))
    return links
