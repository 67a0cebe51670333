"""`amnesty-book check` and the checks at the end of a build: each difference is found and named."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from amnesty_book.cli import main
from amnesty_book.project.config import Edition
from amnesty_book.publish import build
from amnesty_book.support.errors import BookError
from amnesty_book.theme.page_geometry import plate_width_mm
from conftest import SmallProject


@pytest.fixture
def built_small(small_project: SmallProject) -> SmallProject:
    build(small_project.root)
    return small_project


def check(project: SmallProject, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", "--project", str(project.root), *extra])
    return code, capsys.readouterr().out


def rewrite_epub(path: Path, member: str, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename == member:
                data = data.replace(old.encode(), new.encode())
            archive.writestr(info, data)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java (apt-get install default-jre)")
def test_a_good_build_passes(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    Image.new("RGB", (3000, 2000), (128, 128, 128)).save(small_project.root / "images" / "one.jpg")
    build(small_project.root)
    built_small = small_project
    assert check(built_small, capsys) == (0, "every edition checked: no problem found\n")
    code, out = check(built_small, capsys, "--format", "json")
    assert code == 0 and json.loads(out) == {"ok": True, "findings": []}


@pytest.mark.slow
def test_a_changed_note_in_the_web_edition(
    built_small: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    page = built_small.root / "dist" / "small-web" / "index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("The note text.", "Another text."), encoding="utf-8"
    )
    code, out = check(built_small, capsys, "--edition", "web")
    assert code == 1
    assert out.splitlines()[0] == "web: note 1: R101 reads 'Another text.', the book has 'The note text.'"


@pytest.mark.slow
def test_a_missing_plate_and_a_broken_link_in_the_epub(
    built_small: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    epub = built_small.root / "dist" / "small.epub"
    rewrite_epub(epub, "EPUB/chapter-1.xhtml", 'class="plate"', 'class="picture"')
    rewrite_epub(epub, "EPUB/chapter-1.xhtml", 'href="#note-1"', 'href="#note-9"')
    code, out = check(built_small, capsys, "--edition", "epub", "--format", "json")
    assert code == 1
    findings = {(f["edition"], f["where"], f["message"]) for f in json.loads(out)["findings"]}
    assert ("epub", "plate Plate 1.", "missing (the book has: ('A caption.', 'A credit.'))") in findings
    assert (
        "epub",
        "EPUB/chapter-1.xhtml",
        "link to #note-9: no element has id 'note-9'",
    ) in findings


@pytest.mark.slow
def test_a_pdf_not_built(built_small: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    (built_small.root / "dist" / "small-press.pdf").unlink()
    code, out = check(built_small, capsys, "--edition", "press")
    assert (code, out.splitlines()[0]) == (
        1,
        "press: small-press.pdf: R001 not built; run amnesty-book build",
    )
    assert out.splitlines()[-1] == "1 problem(s), 0 warning(s)"


def small_plate_ppi() -> int:
    """The resolution the small book's 60×40 px plate prints at in the press edition: the
    page's plate size (page_geometry) decides its width."""
    width_mm = plate_width_mm(Edition("press", "press", "A4"), 60, 40)
    return round(60 / (width_mm / 25.4))


@pytest.mark.slow
def test_a_low_resolution_plate_in_a_print_edition(
    built_small: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(built_small, capsys, "--edition", "press", "--edition", "reader-a4")
    assert code == 0, "a plate under 300 ppi is a warning"
    assert out.splitlines() == [
        f"press: page 3: warning: R401 a 60×40 px image prints at {small_plate_ppi()} ppi (under 300)",
        "0 problem(s), 1 warning(s)",
    ]


def test_a_failed_check_leaves_dist_as_it_was(
    small_project: SmallProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    import amnesty_book.writers.web as web

    real = web.render

    def wrong_note(*args: object, **kwargs: object) -> str:
        return real(*args, **kwargs).replace("The note text.", "A wrong text.")  # type: ignore[arg-type]

    monkeypatch.setattr(web, "render", wrong_note)
    with pytest.raises(BookError) as error:
        build(small_project.root, editions=["web"])
    assert [str(p) for p in error.value.problems] == [
        "check failed: web: note 1: R101 reads 'A wrong text.', the book has 'The note text.'"
    ]
    assert not (small_project.root / "dist").exists()
    assert build(small_project.root, editions=["web"], check="none")  # --no-check: written as it is
