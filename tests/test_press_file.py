"""The press file as a print shop receives it: PDF/X-4 with the shop's CMYK output intent,
images in its CMYK, black ink alone for text, rules and crop marks, registration crosses in
every ink and a slug line outside the trim, and a page count it can impose."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer
from pypdf import PdfReader

from amnesty_book.checks.readback import norm
from amnesty_book.cli import main
from amnesty_book.prepress.pure_black import colour_operators
from amnesty_book.project.config import POINTS_PER_MM
from amnesty_book.publish import build
from conftest import press_project
from readback import walk

BLEED_PT = 3 * POINTS_PER_MM


@pytest.mark.slow
def test_the_output_intent_carries_the_shops_profile(pdf_x: Path, cmyk_profile: Path) -> None:
    root = PdfReader(pdf_x).trailer["/Root"]
    (intent,) = [each.get_object() for each in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"] == "CGATS TR 001"
    assert intent["/Info"] == "Artifex CMYK SWOP Profile"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    assert profile.get_data() == cmyk_profile.read_bytes()
    assert profile.get_data()[16:20] == b"CMYK"  # the profile's colour space, in its header


@pytest.mark.slow
def test_it_says_it_is_pdf_x_4_in_its_info_and_xmp(pdf_x: Path) -> None:
    reader = PdfReader(pdf_x)
    assert reader.pdf_header == "%PDF-1.6"
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-4"
    assert reader.metadata["/Trapped"] == "/False"
    xmp = etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    namespaces = {"pdfxid": "http://www.npes.org/pdfx/ns/id/", "xmpMM": "http://ns.adobe.com/xap/1.0/mm/"}
    assert xmp.xpath("//pdfxid:GTS_PDFXVersion/text()", namespaces=namespaces) == ["PDF/X-4"]
    assert xmp.xpath("//xmpMM:DocumentID/text()", namespaces=namespaces)[0].startswith("uuid:")
    assert xmp.xpath("//*[local-name()='part']/text() | //@*[local-name()='part']", namespaces=namespaces)


@pytest.mark.slow
def test_every_page_has_its_trim_and_bleed_and_the_count_is_a_multiple_of_four(pdf_x: Path) -> None:
    pages = PdfReader(pdf_x).pages
    assert len(pages) % 4 == 0
    for page in pages:
        trim = [float(value) for value in page.trimbox]
        bleed = [float(value) for value in page.bleedbox]
        media = [float(value) for value in page.mediabox]
        assert trim == pytest.approx([0, 0, 595.2756, 841.8898], abs=0.01)
        assert bleed == pytest.approx(
            [-BLEED_PT, -BLEED_PT, trim[2] + BLEED_PT, trim[3] + BLEED_PT], abs=0.01
        )
        assert media[0] < bleed[0] and media[3] > bleed[3]


@pytest.mark.slow
def test_images_are_in_the_shops_cmyk(pdf_x: Path) -> None:
    spaces = {
        image.indirect_reference.idnum: image.indirect_reference.get_object()["/ColorSpace"]
        for page in PdfReader(pdf_x).pages
        for image in page.images  # every page's resources name every image: each counted once
    }
    assert len(spaces) == 5
    assert set(spaces.values()) == {"/DeviceCMYK"}


@pytest.mark.slow
def test_text_rules_and_marks_are_black_ink_alone(pdf_x: Path) -> None:
    """All but the registration crosses, which are in the Registration colour (every ink)."""
    operators = colour_operators(pdf_x.read_bytes())
    registration = {"/Registration CS", "1 SCN", "/Registration cs", "1 scn"}
    assert registration <= set(operators)
    for operator in set(operators) - registration:
        *operands, name = operator.split()
        assert name in {"k", "K"}, operator
        assert [float(value) for value in operands[:3]] == [0, 0, 0], operator
    assert "0 0 0 1 k" in operators  # the text
    assert "0 0 0 1 K" in operators  # the crop marks


def _texts_outside_the_trim(path: Path, page_number: int) -> list[str]:
    """The texts set below the bleed box (pdfminer measures from the sheet's corner)."""
    below = -float(PdfReader(path).pages[page_number].mediabox[1]) - BLEED_PT
    # The slug line stands on the page as a form XObject: pdfminer sets its text in lines when asked.
    page = next(extract_pages(path, page_numbers=[page_number], laparams=LAParams(all_texts=True)))
    return [
        norm(item.get_text()) for item in walk(page) if isinstance(item, LTTextContainer) and item.y1 < below
    ]


@pytest.mark.slow
def test_a_slug_line_under_the_trim_names_the_book_the_edition_the_date_and_the_page(pdf_x: Path) -> None:
    total = len(PdfReader(pdf_x).pages)
    texts = _texts_outside_the_trim(pdf_x, 2)
    assert any(text.startswith("How did the “amnesty”") and "Press edition, A4" in text for text in texts), (
        texts
    )
    assert f"2026-11-26 — page 3 of {total}" in texts


@pytest.mark.slow
def test_marks_stand_outside_the_bleed_and_the_page_looks_like_the_reader(pdf_x: Path) -> None:
    """Ink beyond the bleed box is the marks' and the slug's; rendered, the trimmed page has
    its text and its plate."""
    document = pypdfium2.PdfDocument(pdf_x)
    page = document[4]  # folio 1, after the blank verso iv
    image = page.render(scale=1, crop=(0, 0, 0, 0)).to_pil().convert("L")
    width, height = image.size
    margin = round(34.0157 - BLEED_PT)  # the sheet's edge to the bleed box, in points at scale 1
    outside = [
        image.crop(box).getextrema()[0]
        for box in ((0, 0, margin, height), (width - margin, 0, width, height), (0, 0, width, margin))
    ]
    assert min(outside) < 128, "marks are drawn beyond the bleed"
    inside = image.crop((margin + 20, margin + 20, width - margin - 20, height - margin - 20))
    assert inside.getextrema()[0] < 64, "the page has its text"


@pytest.mark.slow
def test_the_same_sources_make_the_same_file(pdf_x: Path) -> None:
    """A build in a process of its own makes the very file the first build made."""
    root = pdf_x.parent.parent
    command = [
        sys.executable,
        "-m",
        "amnesty_book",
        "build",
        "--edition",
        "press",
        "--force",
        "--out",
        "again",
    ]
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    assert (root / "again" / pdf_x.name).read_bytes() == pdf_x.read_bytes()


@pytest.mark.slow
def test_without_a_profile_the_press_file_is_not_pdf_x_but_padded_with_its_slug(tmp_path: Path) -> None:
    root = press_project(tmp_path, "pad_pages = false")
    build(root, editions=["press"])
    reader = PdfReader(root / "dist" / "amnesty-1941-press.pdf")
    assert "/OutputIntents" not in reader.trailer["/Root"]
    assert len(reader.pages) % 4 != 0, "this book's press file has pages not a multiple of 4, unpadded"
    assert any(
        "page 1 of" in text for text in _texts_outside_the_trim(root / "dist" / "amnesty-1941-press.pdf", 0)
    )


def test_a_profile_that_is_not_cmyk_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cmyk_profile: Path
) -> None:
    root = press_project(tmp_path, 'profile = "styles/screen.icc"\noutput_condition = "sRGB"')
    rgb = cmyk_profile.with_name("srgb.icc")  # libgs-common's too
    if not rgb.exists():
        pytest.skip("an RGB profile is missing: apt-get install libgs-common (Debian) provides one")
    shutil.copyfile(rgb, root / "styles" / "screen.icc")
    assert main(["build", "--project", str(root), "--edition", "press"]) == 1
    err = capsys.readouterr().err
    lines = (root / "book.toml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("profile ="))
    assert err.startswith(
        f"book.toml:{line}: profile 'styles/screen.icc' is for RGB, not a CMYK output profile; "
        "ask the print shop for its press's CMYK profile\n"
    )
