"""Reads built editions back (HTML and EPUB as XML trees, PDF as page texts) for the tests."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree, html
from pypdf import PageObject, PdfReader

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NS = {"x": XHTML, "epub": OPS}


def norm(text: str) -> str:
    """Text as a reader sees it: one kind of space, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Text with no spaces or hyphens, to compare across line breaks and hyphenation."""
    return re.sub(r"[\s\u00a0\u00ad\u2010-]+", "", unicodedata.normalize("NFC", text))


def text_of(element: etree._Element) -> str:
    return norm("".join(element.itertext()))


# --- HTML ------------------------------------------------------------------------------------------


def web_tree(folder: Path) -> html.HtmlElement:
    return html.fromstring((folder / "index.html").read_bytes())


def web_notes(folder: Path) -> dict[int, str]:
    notes = {}
    for item in web_tree(folder).xpath('//section[@role="doc-endnotes"]//li'):
        backlink = item.xpath('.//a[@role="doc-backlink"]')[0]
        number = int(backlink.text_content().rstrip("."))
        notes[number] = norm(text_of(item).removeprefix(backlink.text_content()))
    return notes


def figure_parts(figure: etree._Element, find: str) -> tuple[str, str, str]:
    def part(name: str) -> str:
        found = figure.xpath(f'.//{find}[@class="{name}"]', namespaces=NS)
        return text_of(found[0]) if found else ""

    return part("plate-label"), part("caption"), part("credit")


def web_plates(folder: Path) -> list[tuple[str, str, str]]:
    return [figure_parts(figure, "span") for figure in web_tree(folder).xpath('//figure[@class="plate"]')]


# --- EPUB ------------------------------------------------------------------------------------------


def epub_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".xhtml")
        }


def epub_notes(path: Path) -> dict[int, str]:
    notes = {}
    for document in epub_documents(path).values():
        for aside in document.xpath('//x:aside[@epub:type="footnote"]', namespaces=NS):
            backlink = aside.xpath('.//x:a[@role="doc-backlink"]', namespaces=NS)[0]
            label = text_of(backlink)
            notes[int(label.rstrip("."))] = norm(text_of(aside).removeprefix(label))
    return notes


def epub_plates(path: Path) -> list[tuple[str, str, str]]:
    plates = []
    for name, document in sorted(epub_documents(path).items()):
        if name.endswith("nav.xhtml"):
            continue
        plates += [figure_parts(f, "x:span") for f in document.xpath("//x:figure", namespaces=NS)]
    return plates


# --- PDF -------------------------------------------------------------------------------------------


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_running_text(path: Path, smallest: float = 10.0) -> str:
    """The PDF's text set at `smallest` points or more: the running text without running heads,
    folios, note calls, footnotes or captions, so that a sentence reads on across a page break."""
    pieces: list[str] = []

    def keep(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if size * tm[3] * cm[3] >= smallest:
            pieces.append(text)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=keep)
    return "".join(pieces)


def pdf_tagged_text(path: Path) -> str:
    """The text an assistive technology reads: only content the structure tree refers to."""
    reader = PdfReader(path)
    page_of = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    tagged: set[tuple[int, int]] = set()

    def walk(node: object, page: int | None) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            if page is not None:
                tagged.add((page, node))
            return
        if isinstance(node, list):
            for child in node:
                walk(child, page)
            return
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = page_of[node.raw_get("/Pg").idnum]
        if "/MCID" in node:
            tagged.add((page, int(node["/MCID"])))  # type: ignore[arg-type]
        if "/K" in node:
            walk(node["/K"], page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return "".join(_tagged_page_text(page, index, tagged) for index, page in enumerate(reader.pages))


def _tagged_page_text(page: PageObject, index: int, tagged: set[tuple[int, int]]) -> str:
    """The page's text inside marked content whose MCID the structure tree refers to."""
    pieces: list[str] = []
    stack: list[int | None] = []

    def operator(op: bytes, args: list, cm: object, tm: object) -> None:  # type: ignore[type-arg]
        if op == b"BDC":
            properties = args[1] if len(args) > 1 and hasattr(args[1], "get") else {}
            stack.append(properties.get("/MCID"))
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(content: str, cm: object, tm: object, font: object, size: float) -> None:
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None and (index, int(mcid)) in tagged:
            pieces.append(content)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return "".join(pieces)
