"""The press file's text, rules and marks in black ink alone: WeasyPrint's RGB colours rewritten
as K, the page otherwise the same (its text, its look, its tags, outline and links)."""

from __future__ import annotations

import base64
import io

import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)
from weasyprint import HTML

from amnesty_book.prepress.pure_black import colour_operators, in_pure_black

LINK_BLUE = (0x1A, 0x5F, 0xB4)
# pdfium shows 100 % K as press black, a little lighter than RGB black: the most a pixel may
# change when nothing on the page is lost or moved.
SIMULATED_BLACK_INK = 40


def _red_png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>Pure black</title><style>
  @page {{ size: 100mm 100mm; bleed: 12mm; marks: crop cross; margin: 10mm; }}
  body {{ font-size: 9pt; color: black; }}
  .quiet {{ color: #555; }}
  td {{ border-bottom: 0.5pt solid #999; }}
  a {{ color: rgb{LINK_BLUE}; }}
  img {{ width: 8mm; }}
</style></head><body>
  <h1>A chapter</h1>
  <p>Black body text.</p>
  <p class="quiet">Gray text, quieter.</p>
  <table><tr><td>One cell</td><td>Another</td></tr></table>
  <p><a href="https://example.org/">A link</a> and <a href="#second">one within</a>.</p>
  <img src="data:image/png;base64,{_red_png()}" alt="A red square">
  <h2 id="second">A section</h2>
</body></html>"""


@pytest.fixture(scope="module")
def rgb() -> bytes:
    """WeasyPrint's tagged PDF of the page, with crop marks and registration crosses."""
    return HTML(string=PAGE).write_pdf(pdf_tags=True)


@pytest.fixture(scope="module")
def black(rgb: bytes) -> bytes:
    return in_pure_black(rgb)


def _inks(operators: dict[str, int], name: str) -> set[float]:
    return {float(each.split()[3]) for each in operators if each.endswith(f" {name}")}


def _forms(pdf: bytes) -> list[StreamObject]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = (each.get_object() for each in page["/Resources"]["/XObject"].values())
    return [each for each in xobjects if each["/Subtype"] == "/Form"]


def _operations(stream: StreamObject | None, pdf: bytes | None = None) -> list[str]:
    """The operations of a content stream, or of the PDF's first page, as written."""
    stream = stream if stream is not None else PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    written = []
    for operands, operator in ContentStream(stream, None).operations:
        texts = []
        for operand in operands:
            out = io.BytesIO()
            operand.write_to_stream(out)
            texts.append(out.getvalue().decode("latin-1"))
        written.append(" ".join([*texts, operator.decode("latin-1")]))
    return written


def test_weasyprint_sets_text_rules_and_marks_in_rgb(rgb: bytes) -> None:
    operators = colour_operators(rgb)
    assert {each.split()[-1] for each in operators} == {"rg", "RG"}
    assert {"0 0 0 rg", "0.333333 0.333333 0.333333 rg", "0.6 0.6 0.6 rg"} <= set(operators)
    (marks,) = _forms(rgb)
    assert "0 0 0 RG" in _operations(marks)
    assert marks["/Group"]["/CS"] == "/DeviceRGB"


def test_every_colour_afterwards_is_black_ink_alone(black: bytes) -> None:
    operators = colour_operators(black)
    assert operators
    for operator in operators:
        *operands, name = operator.split()
        assert name in {"k", "K"}, operator
        assert operands[:3] == ["0", "0", "0"], operator


def test_each_colour_becomes_its_tone_of_gray(black: bytes) -> None:
    operators = colour_operators(black)
    assert "0 0 0 1 k" in operators  # the body text
    luma = 0.2126 * LINK_BLUE[0] + 0.7152 * LINK_BLUE[1] + 0.0722 * LINK_BLUE[2]
    expected = [1, 1 - 0x55 / 255, 0.4, 1 - luma / 255]  # black, #555, the #999 rule, the link
    assert sorted(_inks(operators, "k")) == pytest.approx(sorted(expected), abs=1e-5)


def test_the_crop_and_registration_marks_are_solid_k_blended_in_cmyk(black: bytes) -> None:
    (marks,) = _forms(black)
    colours = {each for each in _operations(marks) if each.split()[-1] in {"k", "K", "rg", "RG"}}
    assert colours == {"0 0 0 1 k", "0 0 0 1 K"}
    # Composited in RGB, the K would leave the marks' group as RGB black: rich black on press.
    assert marks["/Group"]["/CS"] == "/DeviceCMYK"


def test_the_text_extracts_the_same(rgb: bytes, black: bytes) -> None:
    before, after = (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for pdf in (rgb, black))
    assert "Gray text, quieter." in before
    assert after == before


def _rendered(pdf: bytes) -> Image.Image:
    return pypdfium2.PdfDocument(pdf)[0].render(scale=2, grayscale=True).to_pil().convert("L")


def test_the_page_looks_the_same(rgb: bytes, black: bytes) -> None:
    difference = ImageChops.difference(_rendered(rgb), _rendered(black))
    assert ImageStat.Stat(difference).mean[0] < 1  # of 255; measured 0.46
    assert difference.getextrema()[1] <= SIMULATED_BLACK_INK  # measured 34


def test_images_are_left_to_the_image_converter(rgb: bytes, black: bytes) -> None:
    images = [
        [(image.indirect_reference.get_object().get_data()) for image in reader.pages[0].images]
        for reader in (PdfReader(io.BytesIO(rgb)), PdfReader(io.BytesIO(black)))
    ]
    assert len(images[0]) == 1
    assert images[1] == images[0]


def _structure(pdf: bytes) -> list[object]:
    """The structure tree's element types and marked-content ids, depth first."""
    found: list[object] = []

    def walk(node: object) -> None:
        node = node.get_object()
        if isinstance(node, int):
            found.append(node)
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            found.append(node.get("/S", node.get("/Type")))
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def _marked_content(pdf: bytes) -> list[str]:
    return [each for each in _operations(None, pdf) if each.split()[-1] in {"BDC", "BMC", "EMC"}]


def test_the_tags_outline_destinations_and_links_survive(rgb: bytes, black: bytes) -> None:
    before, after = (PdfReader(io.BytesIO(pdf)) for pdf in (rgb, black))
    assert after.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert "/ParentTree" in after.trailer["/Root"]["/StructTreeRoot"]
    assert "/H1" in _structure(rgb) and "/Link" in _structure(rgb)
    assert _structure(black) == _structure(rgb)
    assert "/MCID" in " ".join(_marked_content(rgb))
    assert _marked_content(black) == _marked_content(rgb)
    assert [item["/Title"] for item in after.outline if isinstance(item, dict)] == ["A chapter"]
    assert list(after.named_destinations) == list(before.named_destinations) == ["second"]
    links = [
        [(each["/Subtype"], each.get("/StructParent")) for each in reader.pages[0]["/Annots"]]
        for reader in (before, after)
    ]
    assert len(links[1]) == 2
    assert links[1] == links[0]


def _stream(writer: PdfWriter, data: bytes, **entries: object) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return writer._add_object(stream)  # pypdf has no public way to add an indirect stream


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page(writer: PdfWriter, content: bytes, resources: DictionaryObject) -> None:
    page = writer.add_blank_page(10, 10)
    page[NameObject("/Contents")] = _stream(writer, content)
    page[NameObject("/Resources")] = resources


def test_rgb_and_gray_spaces_set_with_cs_become_k() -> None:
    writer = PdfWriter()
    icc_rgb = ArrayObject([NameObject("/ICCBased"), _stream(writer, b"", N=NumberObject(3))])
    content = b"/DeviceRGB cs 0.2 0.4 0.6 scn /Calm CS 0.5 0.5 0.5 SCN /DeviceGray cs 0.25 sc 0.5 g 0.75 G"
    _page(
        writer,
        content,
        DictionaryObject({NameObject("/ColorSpace"): DictionaryObject({NameObject("/Calm"): icc_rgb})}),
    )
    assert _operations(None, in_pure_black(_pdf(writer))) == [
        "0 0 0 1 k",
        "0 0 0 0.62808 k",  # 1 - Rec. 709 luma of 0.2 0.4 0.6
        "0 0 0 1 K",
        "0 0 0 0.5 K",
        "0 0 0 1 k",
        "0 0 0 0.75 k",
        "0 0 0 0.5 k",
        "0 0 0 0.25 K",
    ]


def test_pattern_lab_and_cmyk_colours_are_left_alone() -> None:
    writer = PdfWriter()
    lab = ArrayObject([NameObject("/Lab"), DictionaryObject({NameObject("/WhitePoint"): ArrayObject()})])
    content = b"/Pattern cs /P0 scn /lab-d50 CS 50 10 10 SCN 0.1 0.2 0.3 0.4 k"
    _page(
        writer,
        content,
        DictionaryObject({NameObject("/ColorSpace"): DictionaryObject({NameObject("/lab-d50"): lab})}),
    )
    assert _operations(None, in_pure_black(_pdf(writer))) == [
        "/Pattern cs",
        "/P0 scn",
        "/lab-d50 CS",
        "50 10 10 SCN",
        "0.1 0.2 0.3 0.4 k",
    ]


def test_the_colour_space_comes_back_with_the_graphics_state() -> None:
    writer = PdfWriter()
    _page(writer, b"q /Pattern cs /P0 scn Q 0.5 sc q /DeviceRGB cs Q", DictionaryObject())
    assert _operations(None, in_pure_black(_pdf(writer))) == [
        "q",
        "/Pattern cs",
        "/P0 scn",
        "Q",
        "0 0 0 0.5 k",  # the page's DeviceGray again
        "q",
        "0 0 0 1 k",
        "Q",
    ]


def test_a_shared_form_and_an_annotations_appearance_are_rewritten() -> None:
    writer = PdfWriter()
    form = _stream(writer, b"0 0 1 rg 0 0 5 5 re f", Subtype=NameObject("/Form"), BBox=ArrayObject())
    resources = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Fm"): form})})
    for _ in range(2):
        _page(writer, b"/Fm Do", resources)
    appearance = DictionaryObject({NameObject("/N"): _stream(writer, b"1 0 0 RG 0 0 5 5 re S")})
    annotation = DictionaryObject(
        {NameObject("/Subtype"): NameObject("/Square"), NameObject("/AP"): appearance}
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    black = in_pure_black(_pdf(writer))
    assert colour_operators(black) == {"0 0 0 0.9278 k": 1, "0 0 0 0.7874 K": 1}
    pages = PdfReader(io.BytesIO(black)).pages
    assert pages[0]["/Resources"]["/XObject"]["/Fm"] == pages[1]["/Resources"]["/XObject"]["/Fm"]
