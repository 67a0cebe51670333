"""Bad and hostile input: each case ends in a correct book, or in one line naming the file
(and line) with exit code 1, no traceback, and dist/ byte for byte as it was."""

from __future__ import annotations

import io
import re
import shutil
import socket
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextLine
from PIL import Image
from pypdf import PdfReader

from amnesty_book.checks.readback import squash
from amnesty_book.cli import main
from amnesty_book.project.sources import Project
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.readers.manuscript import read_manuscript
from amnesty_book.support.errors import BookError
from conftest import SmallProject
from readback import pypdf_pages
from test_bad_input import failed_build

MANUSCRIPT = "manuscript/article.md"
PLATES = "images/plates.yaml"
TIMELINE = "manuscript/timeline.yaml"
XHTML = "{http://www.w3.org/1999/xhtml}"
NOT_FETCHED = "nothing is fetched from the network: put the file in the project folder and give its path"
RAW_HTML_ADVICE = "write it in Markdown, or put it in `backticks` to show it as text"
EDITION_TABLES = {
    "web": '[editions.web]\nkind = "web"\n',
    "epub": '[editions.epub]\nkind = "epub"\n',
    "reader-a4": '[editions.reader-a4]\nkind = "reader"\npaper = "A4"\n',
}


# --- how a case ends --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing named in a source is ever fetched: any connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the build tried to connect to the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def refused(project: SmallProject, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The problems (one line each) of a build that must fail and leave dist/ as it was."""
    err = failed_build(project, capsys)
    *problems, summary = err.splitlines()
    assert summary == (
        f"amnesty-book: build failed ({len(problems)} problem(s)); the output folder was not changed"
    )
    # The staging folder stands inside dist/.
    assert not list((project.root / "dist").glob(".amnesty-book-*")), "staging folder left behind"
    return problems


def only_editions(project: SmallProject, *names: str) -> None:
    """Declares only these editions in book.toml, so that a build writes nothing else."""
    config = project.root / "book.toml"
    tables = "\n".join(EDITION_TABLES[name] for name in names)
    config.write_text(config.read_text(encoding="utf-8") + "\n" + tables, encoding="utf-8")


def built(
    project: SmallProject, capsys: pytest.CaptureFixture[str], *editions: str, loose_lines: bool = False
) -> Path:
    """Builds the named editions (exit code 0, nothing on stderr but, if `loose_lines`, the
    warnings of lines set loose around a word no line can break: the audit's L413, the
    line breaker's L414) and returns dist/."""
    argv = ["build", "--project", str(project.root)]
    for edition in editions:
        argv += ["--edition", edition]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    loose = (": L413 the line ", ": L414 a line is set looser") if loose_lines else ()
    warned = [line for line in captured.err.splitlines() if not any(code in line for code in loose)]
    assert warned == []
    return project.root / "dist"


def web_page(dist: Path) -> str:
    return (dist / "small-web" / "index.html").read_text(encoding="utf-8")


def epub_files(dist: Path) -> dict[str, bytes]:
    """Every XML file of the EPUB (content documents, package, NCX), each parsed as XML."""
    with zipfile.ZipFile(dist / "small.epub") as epub:
        files = {
            name: epub.read(name) for name in epub.namelist() if name.endswith((".xhtml", ".opf", ".ncx"))
        }
    for name, data in files.items():
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError as error:  # pragma: no cover - the failure message
            pytest.fail(f"{name} is not well-formed XML: {error}")
    return files


def active_markup(root: etree._Element) -> list[str]:
    """Scripts, frames, event handlers and comments in a parsed document: none may be there."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            found.append("comment or processing instruction")
            continue
        name = etree.QName(element).localname
        if name in {"script", "iframe", "object", "embed"}:
            found.append(f"<{name}>")
        found += [
            f"{name} {attribute}=" for attribute in element.attrib if attribute.lower().startswith("on")
        ]
    return found


def broken_links(files: dict[str, bytes]) -> list[str]:
    """Links between the EPUB's content documents that lead to no element."""
    documents = {name: etree.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}
    ids = {
        name: {element.get("id") for element in root.iter() if element.get("id")}
        for name, root in documents.items()
    }
    broken = []
    for name, root in documents.items():
        for link in root.iter(f"{XHTML}a"):
            href = link.get("href", "")
            if "://" in href or "#" not in href:
                continue
            target, fragment = href.split("#", 1)
            file = f"{name.rsplit('/', 1)[0]}/{target}" if target else name
            if fragment not in ids.get(file, set()):
                broken.append(f"{name}: {href}")
    return broken


def text_lines_off_page(pdf: Path) -> list[str]:
    """Each line of text that lies (partly) outside its page's MediaBox."""
    off = []

    def lines(item: object) -> list[LTTextLine]:
        if isinstance(item, LTTextLine):
            return [item]
        return [line for child in item for line in lines(child)] if hasattr(item, "__iter__") else []

    for page in extract_pages(pdf):
        left, bottom, right, top = page.bbox
        for line in lines(page):
            if line.x0 < left - 0.5 or line.x1 > right + 0.5 or line.y0 < bottom or line.y1 > top:
                off.append(f"page {page.pageid}: {line.get_text().strip()[:40]}")
    return off


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width x height pixels (never allocated)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


# --- unreadable sources -------------------------------------------------------------------


def test_empty_manuscript(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.write(MANUSCRIPT, "\n  \n\t\n")
    assert refused(small_project, capsys) == [
        "manuscript/article.md: this manuscript file is empty; write the text, starting with '# Title'"
    ]


def test_binary_file_as_manuscript(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    image = io.BytesIO()
    Image.new("RGB", (4, 4)).save(image, "PNG")
    (small_project.root / MANUSCRIPT).write_bytes(image.getvalue())
    # The first NUL byte of a PNG stands after its signature's two line feeds.
    assert refused(small_project, capsys) == [
        "manuscript/article.md:3: this is a binary file, not text; give a UTF-8 text file"
    ]


def test_invalid_utf8(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_project.root / MANUSCRIPT
    path.write_bytes(path.read_bytes().replace(b"## A section", "## Żółć".encode("iso-8859-2")))
    assert refused(small_project, capsys) == [
        "manuscript/article.md:7: byte 0xaf is not valid UTF-8; save the file as UTF-8"
    ]


def test_utf16_file(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_project.root / TIMELINE
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert refused(small_project, capsys) == [
        "manuscript/timeline.yaml:1: this file is UTF-16 text; save it as UTF-8"
    ]


def test_malformed_toml(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", "[book]", "[book")
    assert refused(small_project, capsys) == [
        "book.toml:1: not valid TOML (Expected ']' at the end of a table declaration); fix the syntax"
    ]


def test_toml_nested_too_deeply(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", 'slug = "small"', 'slug = "small"\nx = ' + "[" * 3000 + "]" * 3000)
    assert refused(small_project, capsys) == ["book.toml:7: arrays or tables nest too deeply; fix it"]


def test_malformed_yaml_plates(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(PLATES, "source: An archive", "source: [An archive")
    # Found only at the end of the file: reported where the unclosed list opens.
    assert refused(small_project, capsys) == [
        "images/plates.yaml:6: not valid YAML (expected ',' or ']', but got '<stream end>'); fix the syntax"
    ]


def test_malformed_yaml_timeline(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(TIMELINE, "  event:", " event:")
    assert refused(small_project, capsys) == [
        "manuscript/timeline.yaml:2: not valid YAML (expected <block end>, but found "
        "'<block mapping start>'); fix the syntax"
    ]


def test_yaml_python_tag_is_not_run(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    marker = small_project.root.parent / "ran"
    small_project.replace(
        TIMELINE, "event: Something happens.", f"event: !!python/object/apply:os.system ['touch {marker}']"
    )
    assert refused(small_project, capsys) == [
        "manuscript/timeline.yaml:2: 'event' has a value that cannot be read (could not determine a "
        "constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'); fix it"
    ]
    assert not marker.exists()


def test_yaml_keys_twice_or_not_words(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(PLATES, "  source: An archive\n", "  source: An archive\n  id: two\n  [a, b]: c\n")
    assert refused(small_project, capsys) == [
        "images/plates.yaml:7: 'id' is given twice in this entry (first at line 1); keep one",
        "images/plates.yaml:8: a plate entry's keys are plain words: id, file, caption, credit, alt, source",
    ]


def test_yaml_nested_too_deeply(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(TIMELINE, "source: text", "source: " + "[" * 5000 + "]" * 5000)
    assert refused(small_project, capsys) == [
        "manuscript/timeline.yaml: the timeline file nests lists or mappings too deeply; fix it"
    ]


def test_plates_nested_too_deeply(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(PLATES, "source: An archive", "source: " + "[" * 5000 + "]" * 5000)
    assert refused(small_project, capsys) == [
        "images/plates.yaml: the plate file nests lists or mappings too deeply; fix it"
    ]


def test_key_with_a_line_break_is_reported_on_one_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(TIMELINE, "  source: text", '  source: text\n  "sour\\nce": x')
    assert refused(small_project, capsys) == [
        "manuscript/timeline.yaml:4: unknown key 'sour\\nce'; a timeline entry has date, event, source, id"
    ]


def test_unknown_config_key(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", "[book]", '[sources]\nmanuscrpt = "manuscript/article.md"\n\n[book]')
    assert refused(small_project, capsys) == [
        "book.toml:2: unknown key 'manuscrpt' in [sources]; "
        "the keys are manuscript, plates, timeline, bibliography"
    ]


def test_edition_date_with_a_time(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", "edition_date = 2024-01-01", "edition_date = 2024-01-01T12:00:00")
    assert refused(small_project, capsys) == ["book.toml:7: 'edition_date' must be a date written YYYY-MM-DD"]


def test_sources_naming_a_folder(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", "[book]", '[sources]\nmanuscript = "images"\ntimeline = "."\n\n[book]')
    assert refused(small_project, capsys) == [
        "book.toml:2: manuscript folder 'images' holds no .md file; put the text in it, or name its files",
        "book.toml:3: timeline '.' is a folder; give the path of a file",
    ]


def test_font_that_is_no_font(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    faces = "".join(
        f'{key} = "styles/fonts/CharisSIL-{name}.ttf"\n'
        for key, name in (
            ("regular", "Regular"),
            ("italic", "Italic"),
            ("bold", "Bold"),
            ("bold_italic", "BoldItalic"),
        )
    )
    small_project.replace("book.toml", "[book]", f"[fonts]\n{faces}\n[book]")
    (small_project.root / "styles" / "fonts" / "CharisSIL-Bold.ttf").write_bytes(b"not a font" * 100)
    assert refused(small_project, capsys) == [
        "book.toml:4: font 'styles/fonts/CharisSIL-Bold.ttf' cannot be read as a font "
        "(Not a TrueType or OpenType font (bad sfntVersion)); replace the file"
    ]


def test_fonts_named_in_part(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(
        "book.toml", "[book]", '[fonts]\nregular = "styles/fonts/CharisSIL-Regular.ttf"\n\n[book]'
    )
    assert refused(small_project, capsys) == [
        "book.toml:2: name all four faces of the family (regular, italic, bold, bold_italic), "
        "or none for the builder's own Charis SIL"
    ]


def test_font_family_cannot_break_the_stylesheet(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(
        "book.toml", "[book]", '[fonts]\nfamily = "X\\"; } body { display: none } /*"\n\n[book]'
    )
    assert refused(small_project, capsys) == [
        "book.toml:2: the font family may hold only letters, digits, spaces, hyphens, dots and apostrophes"
    ]


# --- images -------------------------------------------------------------------------------


def test_missing_image(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(PLATES, "file: one.jpg", "file: scans/one.jpg")
    assert refused(small_project, capsys) == [
        "images/plates.yaml:2: image 'scans/one.jpg' does not exist; check the file name"
    ]


def test_corrupt_image(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    (small_project.root / "images" / "one.jpg").write_bytes(b"garbage, not a picture " * 50)
    assert refused(small_project, capsys) == [
        "images/plates.yaml:2: image 'one.jpg' is not a JPEG or PNG image; replace the file"
    ]


def test_truncated_jpeg(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    """Refused even in a process that has imported WeasyPrint (a server, a test session), which
    tells Pillow to load truncated files."""
    import weasyprint  # noqa: F401

    path = small_project.root / "images" / "one.jpg"
    stripes = Image.new("L", (400, 300))
    stripes.putdata([(x * 7 + y * 13) % 256 for y in range(300) for x in range(400)])
    stripes.save(path, "JPEG", quality=90)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert refused(small_project, capsys) == [
        "images/plates.yaml:2: image 'one.jpg' cannot be read (image file is truncated "
        "(13 bytes not processed)); replace the file"
    ]


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[: len(data) // 2], "Truncated File Read"),
        (
            lambda data: flipped(data, data.index(b"IDAT") + 24),
            "broken PNG file (bad header checksum in b'IDAT')",
        ),
    ],
    ids=["truncated", "a byte changed"],
)
def test_damaged_png(
    small_project: SmallProject,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[bytes], bytes],
    reason: str,
) -> None:
    """A PNG's chunks are checked against their checksums (it is not decoded to be checked)."""
    import weasyprint  # noqa: F401  (it lets Pillow load truncated files)

    buffer = io.BytesIO()
    Image.linear_gradient("L").save(buffer, "PNG")
    (small_project.root / "images" / "one.png").write_bytes(damage(buffer.getvalue()))
    small_project.replace(PLATES, "file: one.jpg", "file: one.png")
    assert refused(small_project, capsys) == [
        f"images/plates.yaml:2: image 'one.png' cannot be read ({reason}); replace the file"
    ]


def test_decompression_bomb(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    (small_project.root / "images" / "huge.png").write_bytes(png_declaring(100_000, 100_000))
    small_project.replace(PLATES, "file: one.jpg", "file: huge.png")
    assert refused(small_project, capsys) == [
        "images/plates.yaml:2: image 'huge.png' has more than 80,000,000 pixels; scale it down"
    ]


def test_tiny_image_builds(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    """A scan narrower than the reader's eighth-size decoding (it once divided by zero)."""
    Image.new("RGB", (5, 3), (200, 100, 50)).save(small_project.root / "images" / "one.jpg")
    dist = built(small_project, capsys, "web")
    assert 'width="5" height="3"' in web_page(dist)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "../../outside.jpg",
            "is outside the project folder; copy the file into the project and name it from there",
        ),
        ("/etc/hostname", "is an absolute path; give a path relative to the project folder"),
        ("https://example.com/one.jpg", f"is a URL; {NOT_FETCHED}"),
        ("file:///etc/hostname", f"is a URL; {NOT_FETCHED}"),
    ],
    ids=["dot-dot", "absolute", "remote-url", "file-url"],
)
def test_image_path_leaving_the_project(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], written: str, message: str
) -> None:
    Image.new("RGB", (60, 40)).save(small_project.root.parent / "outside.jpg")  # ../../ from images/
    small_project.replace(PLATES, "file: one.jpg", f"file: {written}")
    assert refused(small_project, capsys) == [f"images/plates.yaml:2: image '{written}' {message}"]


def test_image_symlink_pointing_outside(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = small_project.root.parent / "outside.jpg"
    Image.new("RGB", (60, 40)).save(outside)
    link = small_project.root / "images" / "one.jpg"
    link.unlink()
    link.symlink_to(outside)
    assert refused(small_project, capsys) == [
        "images/plates.yaml:2: image 'one.jpg' is outside the project folder; "
        "copy the file into the project and name it from there"
    ]


# --- links and raw HTML in the manuscript -------------------------------------------------


def test_remote_link_is_kept_as_a_link(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(MANUSCRIPT, "More text.", "More [text](https://example.com/a?b=1&c=2).")
    dist = built(small_project, capsys, "web", "reader-a4")
    assert '<a href="https://example.com/a?b=1&amp;c=2">text</a>' in web_page(dist)
    links = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in PdfReader(dist / "small-reader-a4.pdf").pages
        for annotation in page.get("/Annots", [])
    ]
    assert "https://example.com/a?b=1&c=2" in links


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "[the file](file:///etc/passwd)",
            "link target 'file:///etc/passwd' is not allowed; use an http(s):, mailto: or #anchor link",
        ),
        (
            "<file:///etc/passwd>",
            "link target 'file:///etc/passwd' is not allowed; use an http(s):, mailto: or #anchor link",
        ),
        (
            "[run](javascript:alert(1))",
            "link target 'javascript:alert(1)' is not allowed; use an http(s):, mailto: or #anchor link",
        ),
        (
            "![a picture](https://example.com/a.png)",
            "this Markdown makes an image: images are plates, placed with '::: plate ID'",
        ),
        (
            "![a picture](file:///etc/passwd)",
            "this Markdown makes an image: images are plates, placed with '::: plate ID'",
        ),
        (
            "[the file][f]\n\n[f]: file:///etc/passwd",
            "this block prints nothing (a link reference '[name]: URL' on its own?); "
            "write the link in its paragraph as [text](URL)",
        ),
    ],
    ids=["file-link", "file-autolink", "javascript-link", "remote-image", "file-image", "reference-alone"],
)
def test_link_or_image_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], written: str, message: str
) -> None:
    small_project.replace(MANUSCRIPT, "More text.", f"More {written}")
    line = 11 if "\n\n" in written else 9
    assert refused(small_project, capsys) == [f"manuscript/article.md:{line}: {message}"]


@pytest.mark.parametrize(
    ("written", "tag"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('Text <iframe src="https://example.com"></iframe>.', "<iframe>"),
        ('Text <span onmouseover="alert(1)">here</span>.', "<span>"),
        ('Text <a href="#" onclick="alert(1)">here</a>.', "<a>"),
        ("Text <!-- a comment for the editor --> here.", "<!-- -->"),
        ("<SCRIPT>alert(1)</SCRIPT>", "<SCRIPT>"),
    ],
    ids=["script", "iframe", "on-handler", "on-handler-link", "comment", "upper-case"],
)
def test_raw_html_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], written: str, tag: str
) -> None:
    small_project.replace(MANUSCRIPT, "More text.", f"More text.\n{written}")
    assert refused(small_project, capsys) == [
        f"manuscript/article.md:10: raw HTML {tag} is not allowed in the manuscript; {RAW_HTML_ADVICE}"
    ]


def test_html_in_code_and_plain_fields_reaches_no_output_as_markup(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where HTML may be written (a code span, an alt text), it is text."""
    hostile = '<script>alert(1)</script><iframe src=x onload="alert(2)"><!-- c -->'
    small_project.replace(MANUSCRIPT, "More text.", f"More `{hostile}` text.")
    small_project.replace(PLATES, "alt: A grey rectangle.", f"alt: 'A grey {hostile}'")
    small_project.replace(PLATES, "source: An archive", f"source: 'An archive `{hostile}`'")
    small_project.replace(TIMELINE, "event: Something happens.", f"event: 'Something `{hostile}`'")
    dist = built(small_project, capsys, "web", "epub", "reader-a4", loose_lines=True)
    html = web_page(dist)
    assert active_markup(lxml.html.document_fromstring(html)) == []
    for name, data in epub_files(dist).items():
        assert active_markup(etree.fromstring(data)) == [], name
    assert "<!--" not in html and "<script" not in html and "<iframe" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # text's, source's, event's code; alt
    pdf = " ".join(page.extract_text() for page in PdfReader(dist / "small-reader-a4.pdf").pages)
    assert "<script>alert(1)</script>" in pdf


def test_title_with_markup_characters(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    title = 'A < B & "C" </title><script>x</script> (\\)'
    small_project.replace(
        "book.toml", 'title = "A Small Book"', 'title = "A < B & \\"C\\" </title><script>x</script> (\\\\)"'
    )
    dist = built(small_project, capsys, "web", "epub", "reader-a4")
    html = web_page(dist)
    assert "<script>" not in html
    assert (
        "<title>A &lt; B &amp; &#34;C&#34; &lt;/title&gt;&lt;script&gt;x&lt;/script&gt; (\\)</title>" in html
    )
    files = epub_files(dist)
    package = etree.fromstring(files["EPUB/content.opf"])
    assert package.findtext(".//{http://purl.org/dc/elements/1.1/}title") == title
    heading = etree.fromstring(files["EPUB/title.xhtml"]).find(f".//{XHTML}h1")
    assert heading is not None and "".join(heading.itertext()) == title
    assert all(b"<script>" not in data for data in files.values())
    reader = PdfReader(dist / "small-reader-a4.pdf")
    assert reader.metadata is not None and reader.metadata.title == title
    assert squash(reader.pages[0].extract_text()).startswith(squash(title))  # the title may wrap


# --- unclosed and nested markup -----------------------------------------------------------


def test_unclosed_pullquote(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(MANUSCRIPT, "More text.", "::: pullquote\nMore text.\n\nAnd the rest.")
    assert refused(small_project, capsys) == [
        "manuscript/article.md:9: '::: pullquote' is never closed; add a line with ':::' after its text"
    ]


def test_closing_fence_without_opening(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(MANUSCRIPT, "More text.", "More text.\n\n:::")
    assert refused(small_project, capsys) == [
        "manuscript/article.md:11: this ':::' closes nothing; delete it, or open a '::: pullquote' before it"
    ]


def test_unclosed_emphasis_is_printed_as_written(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(MANUSCRIPT, "More text.", "More *text and **bold and `code.")
    dist = built(small_project, capsys, "web", "epub")
    assert '<p id="b-2">More *text and **bold and `code.</p>' in web_page(dist)
    chapter = etree.fromstring(epub_files(dist)["EPUB/chapter-1.xhtml"])
    paragraph = chapter.find(f".//{XHTML}p[@id='b-2']")
    assert paragraph is not None and "".join(paragraph.itertext()) == "More *text and **bold and `code."


def test_nesting_too_deep(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    deep = "".join("    " * level + "- item\n" for level in range(150))  # within a paragraph's length
    small_project.replace(MANUSCRIPT, "More text.", deep)
    assert refused(small_project, capsys) == [
        "manuscript/article.md:9: this text nests lists or quotations more than 12 deep; flatten it"
    ]
    # The Markdown converter gave up halfway; the next book is read as if nothing happened.
    small_project.replace(MANUSCRIPT, deep, "- One\n    - Two\n")
    assert re.search(r"<li>One\s*<ul>\s*<li>Two</li>", web_page(built(small_project, capsys, "web")))


def test_quotations_nested_too_deep(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(MANUSCRIPT, "More text.", "> " * 13 + "Deep.")
    assert refused(small_project, capsys) == [
        "manuscript/article.md:9: this text nests lists or quotations more than 12 deep; flatten it"
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("\ufdd00\ufdd1", "the character U+FDD0 is a Unicode noncharacter, not text; delete it"),
        ("\x02wzxhzdk:0\x03", "the character U+0002 is a control character, not text; delete it"),
        (
            "\ue0000\ue001",
            "the character '\\ue000' (U+E000 unnamed) has no glyph in CharisSIL-Regular.ttf, "
            "CharisSIL-Italic.ttf, CharisSIL-Bold.ttf, CharisSIL-BoldItalic.ttf; "
            "replace the character or choose a font that has it",
        ),
    ],
    ids=["noncharacter", "markdown-placeholder", "private-use"],
)
def test_characters_that_are_not_text(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], written: str, message: str
) -> None:
    small_project.replace(MANUSCRIPT, "More text.", f"More {written} text.")
    assert refused(small_project, capsys)[0] == f"manuscript/article.md:9: {message}"


def test_footnote_inside_a_footnote(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(
        MANUSCRIPT, "[^n]: The note text.", "[^n]: The note text.[^inner]\n\n[^inner]: Inside."
    )
    assert refused(small_project, capsys) == [
        "manuscript/article.md:11: a note call [^inner] cannot stand here (a note inside a note?); "
        "move it into the running text"
    ]


# --- duplicates ---------------------------------------------------------------------------


def test_two_plates_with_one_id(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    plates = small_project.root / PLATES
    plates.write_text(plates.read_text(encoding="utf-8") * 2, encoding="utf-8")
    assert refused(small_project, capsys) == [
        "images/plates.yaml:7: P008 plate id 'one' is used twice (first at line 1); "
        "give each plate its own id"
    ]


def test_note_label_defined_twice(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace(MANUSCRIPT, "[^n]: The note text.", "[^n]: The note text.\n\n[^n]: Another text.")
    assert refused(small_project, capsys) == [
        "manuscript/article.md:13: note [^n] is defined twice (first at line 11); rename or merge one"
    ]


def test_headings_with_one_text_get_distinct_anchors(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """Repeated headings, and headings named like the book's own parts (contents, plates,
    timeline, a page break's id) each get an id of their own; every link still leads home."""
    repeated = [
        "A section",
        "A section",
        "Contents",
        "Plates",
        "Timeline",
        "Colophon",
        "Title page",
        "Page 1",
    ]
    small_project.replace(MANUSCRIPT, "## A section", "\n\n".join(f"## {text}\n\nText." for text in repeated))
    dist = built(small_project, capsys, "web", "epub", "reader-a4")
    html = web_page(dist)
    assert lxml.html.document_fromstring(html).xpath("//section[@class='chapter']/h2/@id") == [
        "a-section",
        "a-section-2",
        "contents-2",
        "plates-2",
        "timeline-2",
        "colophon-2",
        "title-page-2",
        "page-1-2",
    ]
    ids = re.findall(r' id="([^"]+)"', html)
    assert [anchor for anchor, count in Counter(ids).items() if count > 1] == []
    files = epub_files(dist)
    for name, data in files.items():
        ids = re.findall(r' id="([^"]+)"', data.decode())
        assert [anchor for anchor, count in Counter(ids).items() if count > 1] == [], name
    assert broken_links(files) == []


# --- sizes --------------------------------------------------------------------------------


def test_long_word_and_url_stay_on_the_page(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    word = "Qwrtzpxkl" * 34  # 306 letters no dictionary can hyphenate
    url = "https://example.com/" + "a" * 280
    small_project.replace(MANUSCRIPT, "More text.", f"More {word} text, at {url} and <{url}>.")
    small_project.replace(MANUSCRIPT, "[^n]: The note text.", f"[^n]: The note on {word}.")
    small_project.replace(TIMELINE, "event: Something happens.", f"event: Something {word}.")
    dist = built(small_project, capsys, "reader-a4", loose_lines=True)
    assert text_lines_off_page(dist / "small-reader-a4.pdf") == []


@pytest.mark.slow
def test_extremely_long_footnote(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    """A note many pages long begins under its call and runs on at the foot of page after page,
    as LaTeX sets it, every sentence of it printed once; a heading that opens a page over its
    tail stands with its first lines (the tail left room for three lines, and "Plates and
    credits" stood alone over it, its list overleaf); once the text has ended the tail fills
    its pages, each printed with its folio and running head (WeasyPrint made them blank
    pages, which print neither)."""
    only_editions(small_project, "reader-a4")
    sentence = "This sentence of the note goes on and on."
    small_project.replace(MANUSCRIPT, "[^n]: The note text.", f"[^n]: {' '.join([sentence] * 900)}")
    pdf = built(small_project, capsys, "reader-a4") / "small-reader-a4.pdf"
    pages = [squash(text) for text in pypdf_pages(pdf)]
    call = next(index for index, text in enumerate(pages) if "Sometextwithanote.1" in text)
    assert "1.Thissentenceofthenote" in pages[call], "the note begins on its call's page"
    assert sum(text.count(squash(sentence)) for text in pages) == 900
    # Each page after the call's holds some of the note, up to the last, where it ends.
    holding = [index for index, text in enumerate(pages) if "goesonandon" in text]
    assert holding == list(range(call, call + len(holding))) and len(holding) > 5
    lines = [page.extract_text().splitlines() for page in PdfReader(pdf).pages]
    for heading, first in (("Plates and credits", "Plate 1, p.\xa01"), ("Timeline", "Entries marked")):
        (opening,) = [page for page in lines if page[:1] == [heading]]
        assert opening[1].startswith(first), opening[:3]
    folios = [page[-1] for page in lines[1:]]  # the title page has none
    assert folios == list(PdfReader(pdf).page_labels)[1:]


def test_a_thousand_footnotes(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    # No reader edition: the EPUB then takes no print page numbers, and lays nothing out.
    only_editions(small_project, "web", "epub")
    calls = "\n\n".join(f"Sentence {n}.[^n{n}]" for n in range(1, 1001))
    notes = "\n\n".join(f"[^n{n}]: Note number {n}." for n in range(1, 1001))
    small_project.write(MANUSCRIPT, f"# A chapter\n\n::: plate one\n\n{calls}\n\n{notes}\n")
    dist = built(small_project, capsys, "web", "epub")
    chapter = etree.fromstring(epub_files(dist)["EPUB/chapter-1.xhtml"])
    last = chapter.find(f".//{XHTML}aside[@id='note-1000']")
    assert last is not None and " ".join("".join(last.itertext()).split()) == "1000. Note number 1000."
    call = chapter.find(f".//{XHTML}a[@id='noteref-1000']")
    assert call is not None and call.get("href") == "#note-1000" and call.text == "1000"
    assert '<li id="note-1000" value="1000">' in web_page(dist)


def test_manuscript_of_headings_only(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.write(MANUSCRIPT, "# One\n\n## Two\n\n### Three\n\n# Four\n")
    small_project.write(PLATES, "[]\n")
    dist = built(small_project, capsys, "web", "epub", "reader-a4")
    assert re.findall(r"<h([123]) id=\"(\w+)\" ?[^>]*>", web_page(dist)) == [
        ("1", "one"),
        ("2", "two"),
        ("3", "three"),
        ("1", "four"),
    ]
    assert {"EPUB/chapter-1.xhtml", "EPUB/chapter-2.xhtml"} <= set(epub_files(dist))

    def titles(outline: list) -> list[str]:  # type: ignore[type-arg]
        return [t for item in outline for t in (titles(item) if isinstance(item, list) else [item.title])]

    assert titles(PdfReader(dist / "small-reader-a4.pdf").outline) == [
        "Contents",
        "One",
        "Two",
        "Three",
        "Four",
        "Timeline",
        "Colophon",
    ]


# --- the manuscript reader never breaks ---------------------------------------------------

# fmt: off
_MARKDOWNISH = [
    "#", "# ", "## ", "### ", "#### ", "[^", "[^n]", "[^a]", "]:", "]: ", "[^n]: ", ":::",
    "::: plate one", "::: pullquote", "::: plate", "*", "**", "_", "<", ">", "`", "```", "    ",
    "\n", "\n\n", " ", "text", "[", "]", "(", ")", "](", "https://x", "file:///x", "![", "&",
    "&#0;", "&#xe000;", "\\", "-", "1.", "---", "===", "|", "\t", "\r", "<!--", "-->", "<b>",
    "<script>", "\u00a0", "ł", "!", "'", '"', "~", "{", "}", ":", "\ufeff", "\u2028", "\ufdd0",
    "\ue000", "> ",
]
# fmt: on
_TEXTS = st.one_of(st.text(), st.lists(st.sampled_from(_MARKDOWNISH), max_size=60).map("".join))
_ONE_LINE = re.compile(r"(manuscript/article\.md|images/plates\.yaml)(:\d+)?: [^\n]+")


def _assert_reported_well(error: BookError) -> None:
    assert error.problems
    for problem in error.problems:
        assert _ONE_LINE.fullmatch(str(problem)), str(problem)
        assert len(str(problem).splitlines()) == 1


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_TEXTS)
def test_reading_any_text_never_breaks(small_project: SmallProject, text: str) -> None:
    path = small_project.root / MANUSCRIPT
    path.write_text(text, encoding="utf-8", newline="")
    try:
        read_manuscript(Project(small_project.root.resolve()), [path])
    except BookError as error:
        _assert_reported_well(error)


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_TEXTS)
def test_loading_any_text_never_breaks(small_project: SmallProject, text: str) -> None:
    """The text after a valid start, so that it is numbered and checked for glyphs as well."""
    (small_project.root / MANUSCRIPT).write_text(
        f"# T\n\n::: plate one\n\n{text}\n", encoding="utf-8", newline=""
    )
    try:
        book = load_book(small_project.root)
    except BookError as error:
        _assert_reported_well(error)
    else:
        assert book.chapters[0].title.text == "T"


# --- reproducible builds ------------------------------------------------------------------


def test_builds_are_byte_identical(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.document import Document

    from amnesty_book.layout import engine

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    written: list[bytes] = []
    write_pdf = Document.write_pdf

    def recording(self: Document, *args: object, **kwargs: object) -> bytes:
        data = write_pdf(self, *args, **kwargs)
        written.append(data)
        return data

    monkeypatch.setattr(Document, "write_pdf", recording)
    outputs = []
    for folder in ("first", "second"):
        engine.laid_out.cache_clear()  # each build lays the book out anew, as a fresh process would
        engine.paged.cache_clear()
        out = small_project.root / folder
        argv = ["build", "--project", str(small_project.root), "--out", str(out)]
        assert main([*argv, "--edition", "epub", "--edition", "reader-a4"]) == 0, capsys.readouterr().err
        outputs.append(((out / "small.epub").read_bytes(), (out / "small-reader-a4.pdf").read_bytes()))
    assert len(written) == 2 and written[0] == outputs[0][1] and written[1] == outputs[1][1]
    (epub_1, pdf_1), (epub_2, pdf_2) = outputs
    assert epub_1 == epub_2
    assert pdf_1 == pdf_2
    metadata = PdfReader(io.BytesIO(pdf_1)).metadata
    assert metadata is not None and metadata["/CreationDate"] == "D:20231114221320Z"  # not the clock


@pytest.mark.slow
def test_the_same_sources_in_two_folders_make_the_same_files(tmp_path: Path) -> None:
    """Nothing of where a project stands goes into its editions: WeasyPrint names each image by
    its URL, and a plate's is its id, not the path of the file it is printed from (in the
    project's folder, or in its cache)."""
    first = SmallProject(tmp_path / "one" / "project")
    second = tmp_path / "elsewhere" / "book"
    shutil.copytree(first.root, second)
    files = []
    for root in (first.root, second):
        assert build(root) != []
        dist = root / "dist"
        files.append(
            {path.relative_to(dist): path.read_bytes() for path in sorted(dist.rglob("*")) if path.is_file()}
        )
    assert files[0].keys() == files[1].keys() and len(files[0]) >= 8
    assert [name for name in files[0] if files[0][name] != files[1][name]] == []


def test_a_16_bit_grey_plate_keeps_its_greys(small_project: SmallProject) -> None:
    """A 16-bit greyscale PNG (a scanner's) is printed and shown in its greys, not as a white
    box: Pillow's conversion to 8 bits clips such greys to white, so they are scaled instead."""
    gradient = Image.new("I;16", (256, 64))
    gradient.putdata([x * 257 for _ in range(64) for x in range(256)])  # black to white, left to right
    gradient.save(small_project.root / "images" / "one.png")
    small_project.replace("images/plates.yaml", "one.jpg", "one.png")
    out = small_project.root / "dist"
    build(small_project.root, out, editions=["reader-a4", "web"])

    def mean(image: Image.Image) -> float:
        grey = image.convert("L")
        return sum(grey.get_flattened_data()) / (grey.width * grey.height)

    with Image.open(out / "small-web" / "images" / "one.jpg") as shown:
        assert 120 < mean(shown) < 135, "the web edition's plate is the gradient, not white"
    with pikepdf.open(out / "small-reader-a4.pdf") as pdf:
        printed = [
            pikepdf.PdfImage(image).as_pil_image()
            for page in pdf.pages
            for image in page.get_images().values()
        ]
    assert printed and all(120 < mean(image) < 135 for image in printed), "the reader's plate is not white"
