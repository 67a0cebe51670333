"""Documents of another program than ours: a manuscript the test writes as a flat OpenDocument
file, saved by LibreOffice (Debian's libreoffice-writer, headless) as .docx and as .odt, each
imported: the same chapters, notes and plates from both, and a book that builds with its
checks."""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image

from amnesty_book.importing.project import import_document
from amnesty_book.publish import build
from conftest import debian_command

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)


def _picture(colour: tuple[int, int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), colour).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(number: int, description: str, caption: str, colour: tuple[int, int, int]) -> str:
    """A picture and its caption as LibreOffice's Insert Caption makes them: "Figure N: ..."."""
    frame = (
        f'<draw:frame draw:name="Image{number}" text:anchor-type="as-char" svg:width="6in" svg:height="4in">'
    )
    image = f"<draw:image><office:binary-data>{_picture(colour)}</office:binary-data></draw:image>"
    sequence = (
        f'<text:sequence text:ref-name="refFigure{number}" text:name="Figure" text:formula="ooow:Figure+1" '
        f'style:num-format="1">{number}</text:sequence>'
    )
    return (
        f'<text:p text:style-name="Figure">{frame}{image}<svg:desc>{description}</svg:desc>'
        "</draw:frame></text:p>"
        f'<text:p text:style-name="Figure">Figure {sequence}: {caption}</text:p>'
    )


def _note(number: int, *paragraphs: str) -> str:
    body = "".join(f'<text:p text:style-name="Footnote">{paragraph}</text:p>' for paragraph in paragraphs)
    return (
        f'<text:note text:id="ftn{number}" text:note-class="footnote"><text:note-citation>{number}'
        f"</text:note-citation><text:note-body>{body}</text:note-body></text:note>"
    )


def manuscript_fodt() -> str:
    body = (
        '<text:p text:style-name="Title">Letters from the Camps</text:p>'
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">The release</text:h>'
        f"<text:p>The decree came in August.{_note(1, 'Of 12 August 1941.', 'Read out in the camps.')} "
        'Few believed it at <text:span text:style-name="T1">first</text:span>.</text:p>'
        + _figure(1, "Soldiers standing in a row.", "Soldiers after the release", (90, 90, 90))
        + '<text:h text:style-name="Heading_20_2" text:outline-level="2">The road south</text:h>'
        f"<text:p>They went south by train.{_note(2, 'To Buzuluk.')}</text:p>"
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">The army</text:h>'
        "<text:p>An army was formed.</text:p>"
        + _figure(2, "A tent camp in snow.", "The camp at Tatishchevo", (120, 120, 120))
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NAMESPACES} office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.text">'
        "<office:meta><dc:title>Letters from the Camps</dc:title>"
        "<meta:initial-creator>Ada Author</meta:initial-creator>"
        "<dc:language>en-GB</dc:language></office:meta>"
        "<office:styles>"
        '<style:default-style style:family="paragraph"><style:text-properties fo:language="en" '
        'fo:country="GB"/></style:default-style>'
        '<style:style style:name="Title" style:family="paragraph"/>'
        '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" '
        'style:default-outline-level="1"/>'
        '<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" '
        'style:default-outline-level="2"/>'
        '<style:style style:name="Caption" style:family="paragraph"/>'
        '<style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Caption"/>'
        '<style:style style:name="Footnote" style:family="paragraph"/>'
        "</office:styles><office:automatic-styles>"
        '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/>'
        "</style:style></office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document>"
    )


EXPECTED = {
    "01-the-release.md": (
        "# The release\n\n"
        "The decree came in August.[^1] Few believed it at *first*.\n\n"
        "::: plate soldiers-after-the-release\n\n"
        "## The road south\n\n"
        "They went south by train.[^2]\n\n"
        "[^1]: Of 12 August 1941.\n\n    Read out in the camps.\n\n"
        "[^2]: To Buzuluk.\n"
    ),
    "02-the-army.md": "# The army\n\nAn army was formed.\n\n::: plate the-camp-at-tatishchevo\n",
}


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = debian_command(
        "soffice", "libreoffice-writer-nogui", "this test has LibreOffice write documents"
    )
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "letters.fodt").write_text(manuscript_fodt(), encoding="utf-8")
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    for kind in ("docx", "odt"):
        subprocess.run(
            [soffice, profile, "--headless", "--convert-to", kind, "--outdir", str(folder), "letters.fodt"],
            cwd=folder,
            capture_output=True,
            check=True,
            timeout=180,
        )
    return {kind: folder / f"letters.{kind}" for kind in ("docx", "odt")}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_a_document_libreoffice_saved_imports_with_its_notes_and_plates(
    saved_by_libreoffice: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    imported = import_document(saved_by_libreoffice[kind], tmp_path / "book")
    root = tmp_path / "book"
    assert (imported.chapters, imported.notes, imported.plates) == (2, 2, 2)
    written = {path.name: path.read_text(encoding="utf-8") for path in sorted(root.glob("manuscript/*.md"))}
    assert written == EXPECTED
    plates = yaml.safe_load((root / "images" / "plates.yaml").read_text(encoding="utf-8"))
    assert [(plate["caption"], plate["alt"]) for plate in plates] == [
        ("Soldiers after the release", "Soldiers standing in a row."),
        ("The camp at Tatishchevo", "A tent camp in snow."),
    ]
    assert "Letters from the Camps" in (root / "book.toml").read_text(encoding="utf-8")
    if kind == "docx":  # one of the two built, its editions read back and checked
        assert [path.name for path in build(root, None, ["web", "reader-a4"])] == [
            "book-web",
            "book-reader-a4.pdf",
        ]
