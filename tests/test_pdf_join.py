"""A book laid out in parts and joined reads back as the same book laid out whole: its pages and
their text, outline, named destinations, links, structure tree and parent tree, and metadata."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader
from weasyprint import HTML

from amnesty_book.prepress.pdf_join import join_parts

STYLE = """
  @page { size: 110mm 150mm; margin: 12mm; }
  body { font-size: 10pt; }
  section.opening { break-before: page; }
"""
VOCABULARY = ("river", "ledger", "harbour", "quiet", "lantern", "orchard", "winter", "signal", "paper")


def _words(seed: int, count: int) -> str:
    return " ".join(VOCABULARY[(seed * 7 + n * 3) % len(VOCABULARY)] for n in range(count))


def _paragraphs(seed: int, count: int) -> str:
    return "".join(f"<p>{_words(seed + n, 60).capitalize()}.</p>" for n in range(count))


TITLE_PAGE = """<section class="opening"><p>The Small Book</p><p>Ada Author</p></section>"""
CONTENTS = """<section class="opening" id="contents"><h1>Contents</h1><ul>
  <li><a href="#one">Chapter one</a></li><li><a href="#one-b">Second thoughts</a></li>
  <li><a href="#coda">Chapter two</a></li><li><a href="#coda-a">Last words</a></li>
</ul></section>"""
CHAPTER_ONE = f"""<section class="opening"><h1 id="one">Chapter one</h1>{_paragraphs(1, 3)}
  <h2 id="one-a">First thoughts</h2>
  <p>As <a href="#coda-a">the last words</a> say, and as <a href="#one-b">the next section</a> shows,
  nothing here is new.</p>{_paragraphs(5, 4)}
  <h2 id="one-b">Second thoughts</h2><p>Back to <a href="#contents">the contents</a>.</p>
  {_paragraphs(9, 3)}</section>"""
CHAPTER_TWO = f"""<section class="opening"><h1 id="coda">Chapter two</h1>{_paragraphs(13, 2)}
  <h2 id="coda-a">Last words</h2><p>See <a href="#one-a">the first thoughts</a> again, and
  <a href="#coda">this chapter's start</a>.</p>{_paragraphs(17, 5)}
  <ul><li>One item</li><li>Another <a href="#one">back to one</a></li></ul></section>"""
SECTIONS = [TITLE_PAGE, CONTENTS, CHAPTER_ONE, CHAPTER_TWO]


def _pdf(body: str) -> bytes:
    """`body` laid out as the book lays its PDF out: tagged PDF/UA-1 with custom metadata."""
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
      <title>The Small Book</title><meta name="author" content="Ada Author"><style>{STYLE}</style>
      </head><body>{body}</body></html>"""
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
    assert pdf is not None
    return pdf


def _part(sections: Sequence[str]) -> bytes:
    """A part of the book: a link to an id another part holds is written "./#id", which
    WeasyPrint keeps (it drops a link to "#id" when the document has no such id)."""
    body = "".join(sections)
    here = set(re.findall(r'id="([^"]+)"', body))
    return _pdf(re.sub(r'href="#([^"]+)"', lambda m: m[0] if m[1] in here else f'href="./#{m[1]}"', body))


@pytest.fixture(scope="module")
def whole() -> bytes:
    return _pdf("".join(SECTIONS))


# Three parts: the title page alone (no heading, id or link: no outline, no destinations),
# the contents with chapter one, then chapter two; or two: the front matter, then the chapters.
SPLITS = {"three parts": [[0], [1, 2], [3]], "two parts": [[0, 1], [2, 3]]}


@pytest.fixture(scope="module", params=list(SPLITS))
def joined(request: pytest.FixtureRequest) -> bytes:
    return join_parts([_part([SECTIONS[index] for index in part]) for part in SPLITS[request.param]])


def _texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def _outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """(level, title, page index) of each bookmark, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def _destinations(pdf: bytes) -> dict[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        name: reader.get_destination_page_number(destination)
        for name, destination in reader.named_destinations.items()
    }


def _links(pdf: bytes) -> list[tuple[int, str, int]]:
    """(page index, /Contents, page index of the destination) of each link, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    destinations = reader.named_destinations
    links = []
    for index, page in enumerate(reader.pages):
        for reference in page.get("/Annots", []):
            annotation = reference.get_object()
            assert "/A" not in annotation, "every link leads within the book"
            target = reader.get_destination_page_number(destinations[annotation["/Dest"]])
            links.append((index, annotation["/Contents"], target))
    return links


@dataclass
class Structure:
    """The structure tree read back: its elements' types in document order, the page of each
    marked-content reference, and what the parent tree must give back for them."""

    types: list[str]
    content_pages: list[int]
    content: dict[tuple[int, int], pikepdf.Object]  # (page index, MCID) -> structure element
    # An annotation's objgen -> the element referring to it, and the page it gives.
    annotations: dict[tuple[int, int], tuple[pikepdf.Object, int]]


def _structure(pdf: pikepdf.Pdf) -> Structure:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    structure = Structure([], [], {}, {})

    def walk(element: pikepdf.Object, page: int | None) -> None:
        structure.types.append(str(element.S))
        if "/Pg" in element:
            page = pages[element.Pg.objgen]
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                assert page is not None
                structure.content_pages.append(page)
                structure.content[page, kid] = element
            elif kid.get("/Type") == pikepdf.Name.OBJR:
                structure.annotations[kid.Obj.objgen] = element, pages[kid.Pg.objgen]
            elif kid.get("/Type") == pikepdf.Name.MCR:
                mcr_page = pages[kid.Pg.objgen] if "/Pg" in kid else page
                assert mcr_page is not None
                structure.content_pages.append(mcr_page)
                structure.content[mcr_page, int(kid.MCID)] = element
            else:
                assert kid.P.objgen == element.objgen, "each element's /P is its parent"
                walk(kid, page)

    root = pdf.Root.StructTreeRoot
    kids = root.K
    assert len(kids) == 1 and kids[0].P.objgen == root.objgen
    walk(kids[0], None)
    return structure


def test_the_pages_and_their_text_are_the_whole_books(whole: bytes, joined: bytes) -> None:
    assert _texts(joined) == _texts(whole)
    assert len(_texts(whole)) >= 6


def test_the_outline_is_the_whole_books(whole: bytes, joined: bytes) -> None:
    outline = _outline(joined)
    assert outline == _outline(whole)
    assert [level for level, _, _ in outline] == [1, 1, 2, 2, 1, 2]


def test_the_outline_counts_its_open_items(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:

        def visible(parent: pikepdf.Object) -> int:
            """Checks each item's links and /Count; the number of items open under `parent`."""
            count, previous, item = 0, None, parent.get("/First")
            while item is not None:
                assert item.Parent.objgen == parent.objgen
                assert (item.Prev.objgen if "/Prev" in item else None) == (previous and previous.objgen)
                below = visible(item)
                assert int(item.get("/Count", 0)) == below
                count += 1 + below
                previous, item = item, item.get("/Next")
            assert (parent.Last.objgen if "/Last" in parent else None) == (previous and previous.objgen)
            return count

        outlines = pdf.Root.Outlines
        assert outlines.Count == visible(outlines) == 6


def test_the_named_destinations_are_the_whole_books(whole: bytes, joined: bytes) -> None:
    destinations = _destinations(joined)
    assert destinations == _destinations(whole)
    assert set(destinations) == {"contents", "one", "one-a", "one-b", "coda", "coda-a"}


def test_the_name_tree_is_sorted(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        keys = [bytes(key) for key in pdf.Root.Names.Dests.Names[::2]]
    assert keys == sorted(set(keys))


def test_every_link_leads_where_the_whole_books_does(whole: bytes, joined: bytes) -> None:
    links = _links(joined)
    assert links == _links(whole)
    # Ten links (one broken over two lines is two), most of them to another part.
    assert len(links) == 11


def test_the_structure_tree_is_the_whole_books(whole: bytes, joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(whole)) as one, pikepdf.open(io.BytesIO(joined)) as other:
        expected, structure = _structure(one), _structure(other)
        assert structure.types == expected.types
        assert structure.content_pages == expected.content_pages
        assert len(structure.annotations) == len(expected.annotations) == 11


def test_the_parent_tree_finds_every_pages_content_and_every_annotation(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        structure = _structure(pdf)
        root = pdf.Root.StructTreeRoot
        entries: dict[int, pikepdf.Object] = {}
        numbers = list(root.ParentTree.Nums)
        for key, value in zip(numbers[::2], numbers[1::2], strict=True):
            entries[int(key)] = value
        assert list(entries) == sorted(entries)
        assert root.ParentTreeNextKey > max(entries)
        annotated = 0
        for index, page in enumerate(pdf.pages):
            marked = entries[page.obj.StructParents]
            on_page = {mcid: element for (at, mcid), element in structure.content.items() if at == index}
            assert len(marked) == len(on_page)
            for mcid, element in on_page.items():
                assert marked[mcid].objgen == element.objgen
            for annotation in page.obj.get("/Annots", []):
                element, on = structure.annotations[annotation.objgen]
                assert entries[annotation.StructParent].objgen == element.objgen
                assert on == index
                annotated += 1
        assert annotated == len(structure.annotations)


def test_the_document_is_described_as_the_whole_book_is(whole: bytes, joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(whole)) as one, pikepdf.open(io.BytesIO(joined)) as other:
        for pdf in (one, other):
            assert str(pdf.Root.Lang) == "en-GB"
            assert pdf.Root.MarkInfo.Marked
            assert pdf.Root.ViewerPreferences.DisplayDocTitle
            assert str(pdf.docinfo.Title) == "The Small Book"
            assert str(pdf.docinfo.Author) == "Ada Author"
            metadata = pdf.open_metadata()
            assert metadata["dc:title"] == "The Small Book"
            assert metadata["pdfuaid:part"] == "1"


def test_each_part_keeps_its_own_font_subsets_under_their_own_tags(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        programs: dict[str, set[tuple[int, int]]] = {}
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                for descendant in font.DescendantFonts:
                    program = descendant.FontDescriptor.FontFile2.objgen
                    programs.setdefault(str(font.BaseFont), set()).add(program)
                    assert descendant.FontDescriptor.FontName == descendant.BaseFont == font.BaseFont
    assert all(len(found) == 1 for found in programs.values())
    assert len({name.split("+")[1] for name in programs}) < len(programs)


def test_a_link_to_an_id_no_part_holds_is_refused() -> None:
    parts = [_pdf('<h1 id="here">Here</h1>'), _pdf('<p>See <a href="./#nowhere">nowhere</a>.</p>')]
    with pytest.raises(ValueError, match="#nowhere"):
        join_parts(parts)


def test_role_maps_are_merged() -> None:
    parts = []
    for roles in ({}, {"/Chapter": "/Sect"}, {"/Chapter": "/Div", "/Aside": "/Note"}):
        with pikepdf.open(io.BytesIO(_pdf("<h1>A heading</h1>"))) as pdf:
            if roles:
                pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(
                    {key: pikepdf.Name(value) for key, value in roles.items()}
                )
            out = io.BytesIO()
            pdf.save(out)
            parts.append(out.getvalue())
    with pikepdf.open(io.BytesIO(join_parts(parts))) as pdf:
        assert dict(pdf.Root.StructTreeRoot.RoleMap.items()) == {"/Chapter": "/Sect", "/Aside": "/Note"}
