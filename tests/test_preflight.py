"""The press file under a print shop's preflight: Ghostscript's PDF/X conversion reads it
without an error or a repair, its separations put text and rules on the black plate alone and
the registration crosses on every plate; no annotation, no filtered empty stream, no unused
colour space, marks on every page. And the tagged PDF's table header cells carry their scope."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from conftest import ghostscript

pytestmark = pytest.mark.slow

INKS = ("Cyan", "Magenta", "Yellow", "Black")
DPI = 36  # enough to tell where ink is, and the 16 pages' separations take 2 s
NO_INK = 255  # tiffsep's separations: 0 is full ink

_Box = tuple[float, float, float, float]  # left, bottom, right, top in a page's space


def test_ghostscripts_pdf_x_conversion_finds_no_error(pdf_x: Path, tmp_path: Path) -> None:
    """What a print shop's RIP or preflight meets first: before, 'error reading a stream' and
    'This file had errors that were repaired or ignored' (an empty content stream declared
    FlateDecode on each blank page)."""
    command = [
        ghostscript(),
        "-dPDFX",
        "-dBATCH",
        "-dNOPAUSE",
        "-dSAFER",
        "-sDEVICE=pdfwrite",
        "-sColorConversionStrategy=CMYK",
        # Each image is read whole all the same; written at 72 ppi, the run takes 24 s, not 42 s.
        "-dDownsampleColorImages=true",
        "-dColorImageResolution=72",
        f"-sOutputFile={tmp_path / 'converted.pdf'}",
        str(pdf_x),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    complaints = [line for line in said.splitlines() if "****" in line or "error" in line.lower()]
    assert complaints == [], said
    assert (tmp_path / "converted.pdf").stat().st_size > 0


def _separations(pdf_x: Path, pages: int, folder: Path) -> Iterator[dict[str, Image.Image]]:
    """Each of the `pages` pages' separations, by ink, as Ghostscript's tiffsep device prints them."""
    command = [
        ghostscript(),
        "-q",
        "-dBATCH",
        "-dNOPAUSE",
        "-dSAFER",
        "-sDEVICE=tiffsep",
        f"-r{DPI}",
        f"-sOutputFile={folder / 'page%02d.tif'}",
        str(pdf_x),
    ]
    subprocess.run(command, capture_output=True, check=True, timeout=600)
    for number in range(1, pages + 1):
        yield {ink: Image.open(folder / f"page{number:02d}({ink}).tif") for ink in INKS}


def _pixels(box: Sequence[float], media: Sequence[float]) -> tuple[int, int, int, int]:
    """A box in the page's space as a box of the separations' pixels."""
    scale = DPI / 72
    left, bottom, right, top = box
    return (
        round((left - media[0]) * scale),
        round((media[3] - top) * scale),
        round((right - media[0]) * scale),
        round((media[3] - bottom) * scale),
    )


def _inked(separation: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return separation.crop(box).getextrema()[0] < NO_INK


def _images(page: pypdfium2.PdfPage) -> list[_Box]:
    """Where the page's images stand, a pixel wider each way at DPI."""
    margin = 72 / DPI
    objects = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4)
    return [
        (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
        for x0, y0, x1, y1 in (o.get_bounds() for o in objects)
    ]


def test_text_and_rules_print_on_the_black_plate_alone_and_the_crosses_on_every_plate(
    pdf_x: Path, tmp_path: Path
) -> None:
    """On every page: within the bleed, cyan, magenta and yellow only where an image stands, and
    black wherever there is text; outside it, each plate has each edge's cross at its middle,
    the black plate alone the crop marks at the corners."""
    document = pypdfium2.PdfDocument(pdf_x)
    with pikepdf.open(pdf_x) as pdf:
        boxes = [[[float(v) for v in box] for box in (p.MediaBox, p.BleedBox, p.TrimBox)] for p in pdf.pages]
    for index, plates in enumerate(_separations(pdf_x, len(boxes), tmp_path)):
        (media, bleed, trim), number = boxes[index], index + 1
        within = _pixels(bleed, media)
        images = Image.new("L", plates["Black"].size, 0)
        for box in _images(document[index]):
            images.paste(NO_INK, _pixels(box, media))
        blank = Image.new("L", images.size, NO_INK)
        for ink in INKS[:3]:
            assert not _inked(Image.composite(blank, plates[ink], images), within), (
                f"page {number}: {ink} ink"
            )
        text = document[index].get_textpage().get_text_bounded(*trim).strip()
        assert _inked(Image.composite(blank, plates["Black"], images), within) == bool(text), f"page {number}"
        for edge, box in _edge_middles(media, bleed).items():
            for ink in INKS:
                assert _inked(plates[ink], _pixels(box, media)), (
                    f"page {number}: no {ink} cross at the {edge}"
                )
        for corner in _corners(media, trim):
            assert _inked(plates["Black"], _pixels(corner, media)), f"page {number}: no crop mark"
            for ink in INKS[:3]:
                assert not _inked(plates[ink], _pixels(corner, media)), f"page {number}: {ink} crop mark"


def _edge_middles(media: list[float], bleed: list[float]) -> dict[str, _Box]:
    """Where the registration crosses stand: between the sheet's edge and the bleed, 40 pt
    along the middle of each edge."""
    x, y = (media[0] + media[2]) / 2, (media[1] + media[3]) / 2
    return {
        "top": (x - 20, bleed[3], x + 20, media[3]),
        "bottom": (x - 20, media[1], x + 20, bleed[1]),
        "left": (media[0], y - 20, bleed[0], y + 20),
        "right": (bleed[2], y - 20, media[2], y + 20),
    }


def _corners(media: list[float], trim: list[float]) -> list[_Box]:
    """Where the crop marks stand: from each corner of the sheet to a point past the trim's,
    on whose lines they are drawn."""
    return [
        (media[0], media[1], trim[0] + 1, trim[1] + 1),
        (trim[2] - 1, media[1], media[2], trim[1] + 1),
        (media[0], trim[3] - 1, trim[0] + 1, media[3]),
        (trim[2] - 1, trim[3] - 1, media[2], media[3]),
    ]


def test_no_annotation_nor_a_reference_to_one(pdf_x: Path) -> None:
    """The links, within the trim, are gone, and with them the structure tree's object references."""
    with pikepdf.open(pdf_x) as pdf:
        assert [number for number, page in enumerate(pdf.pages, 1) if "/Annots" in page.obj] == []
        dictionaries = [each for each in pdf.objects if isinstance(each, pikepdf.Dictionary)]
        assert not [each for each in dictionaries if each.get("/Type") in ("/Annot", "/OBJR")]
        assert "/StructTreeRoot" in pdf.Root


def test_no_empty_stream_declares_a_filter(pdf_x: Path) -> None:
    with pikepdf.open(pdf_x) as pdf:
        streams = [each for each in pdf.objects if isinstance(each, pikepdf.Stream)]
        assert [each.objgen for each in streams if "/Filter" in each and not each.read_raw_bytes()] == []


def test_each_resource_dictionary_names_only_the_colour_spaces_its_content_sets(pdf_x: Path) -> None:
    """WeasyPrint's two Lab spaces were named in every page's and form's resources, never used."""
    with pikepdf.open(pdf_x) as pdf:
        forms = [
            each
            for each in pdf.objects
            if isinstance(each, pikepdf.Stream) and each.get("/Subtype") == "/Form"
        ]
        for owner in [*(page.obj for page in pdf.pages), *forms]:
            assert "/Resources" in owner, (
                "every form has resources of its own: none is read with its caller's"
            )
            named = set(owner.Resources.get("/ColorSpace", {}).keys())
            set_by_name = {str(operands[0]) for operands, _ in pikepdf.parse_content_stream(owner, "cs CS")}
            assert named <= set_by_name, owner.objgen


def test_every_page_padding_included_has_its_marks_and_the_crosses_are_in_registration(pdf_x: Path) -> None:
    with pikepdf.open(pdf_x) as pdf:
        assert "/StructParents" not in pdf.pages[-1].obj, "the last page is a blank one, not laid out"
        for number, page in enumerate(pdf.pages, 1):
            drawn = {str(operands[0]) for operands, _ in pikepdf.parse_content_stream(page, "Do")}
            assert {"/Marks", "/Crosses", "/Slug"} <= drawn, f"page {number}"
        spaces = _colour_spaces(pdf.pages[-1].Resources.XObject.Crosses)
        assert spaces == [["/Separation", "/All", "/DeviceCMYK"]]


def _colour_spaces(form: pikepdf.Object) -> list[list[str]]:
    """The family, name and alternate of each colour space the form and its forms name."""
    resources = form.Resources
    found = [[str(item) for item in space[:3]] for space in resources.get("/ColorSpace", {}).values()]
    for nested in resources.get("/XObject", {}).values():
        found += _colour_spaces(nested)
    return found


def test_every_table_header_cell_of_the_reader_has_its_scope(built_book: dict[str, Path]) -> None:
    """The timeline's header cells had no /Scope (PDF/UA-1, veraPDF's UA-15-003)."""
    with pikepdf.open(built_book["pdf"]) as pdf:
        headers = [
            each for each in pdf.objects if isinstance(each, pikepdf.Dictionary) and each.get("/S") == "/TH"
        ]
        assert len(headers) >= 6, "the timeline's head, on each of its pages"
        for header in headers:
            assert header.A.O == "/Table" and header.A.Scope == "/Column"
