"""Reads built editions back (HTML and EPUB as XML trees, PDF as page texts) for the tests."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree, html
from pypdf import PdfReader

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
