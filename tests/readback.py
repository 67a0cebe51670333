"""PDF readers only the tests need: running text by type size, and the text the tags expose.

Everything else is read back with amnesty_book.readback, which `amnesty-book check` uses too.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PageObject, PdfReader


def pypdf_pages(path: Path) -> list[str]:
    """Each page's text as pypdf reads it: a second reader, beside the PDFium one `check` uses."""
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
