"""Each bad input stops the build with `path:line: message`, exit code 1, and dist/ untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amnesty_book.cli import main
from conftest import SmallProject


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def previous_build(project: SmallProject) -> tuple[Path, dict[str, bytes]]:
    """The project's dist/ holding a previous build, and what it holds, to compare afterwards."""
    dist = project.root / "dist"
    dist.mkdir(exist_ok=True)
    (dist / "small.pdf").write_bytes(b"previous good build")
    return dist, snapshot(dist)


def failed_build(
    project: SmallProject, capsys: pytest.CaptureFixture[str], failing: tuple[str, ...] = ()
) -> str:
    """Runs the CLI on a project whose dist/ holds a previous build; returns stderr. Nothing is
    printed on stdout, but when the editions `failing` fail in their writer, the progress of
    editions whose parallel process finished first."""
    dist, before = previous_build(project)
    code = main(["build", "--project", str(project.root)])
    captured = capsys.readouterr()
    assert code == 1, captured
    assert snapshot(dist) == before
    assert "Traceback" not in captured.err
    progress = [line.split() for line in captured.out.splitlines()]
    assert all(line[0] == "✓" and line[1] not in failing for line in progress), captured.out
    assert failing or not progress, captured.out
    assert not list(dist.glob(".amnesty-book-*")), "staging folder left behind"
    return captured.err


def test_missing_image(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    (small_project.root / "images" / "one.jpg").unlink()
    err = failed_build(small_project, capsys)
    assert "images/plates.yaml:2: image 'one.jpg' does not exist; check the file name\n" in err


def test_note_called_but_not_defined(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text.[^missing]")
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/article.md:9: note [^missing] is called but never defined; "
        "add a line '[^missing]: text'\n" in err
    )


def test_note_defined_but_never_called(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/article.md", "a note.[^n]", "a note.")
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/article.md:11: note [^n] is defined but never called; call it with [^n] or delete it\n"
        in err
    )


def test_unknown_plate_id(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("manuscript/article.md", "::: plate one", "::: plate one\n\n::: plate two")
    err = failed_build(small_project, capsys)
    assert "manuscript/article.md:5: unknown plate 'two'; the plates manifest has: one\n" in err


def test_malformed_config(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", 'author = "Ada Author"', 'author = "Ada Author')
    err = failed_build(small_project, capsys)
    assert err.startswith("book.toml:3: not valid TOML (")
    assert err.splitlines()[0].endswith("; fix the syntax")


def test_unknown_config_key(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("book.toml", 'slug = "small"', 'slug = "small"\nsubtitle = "Oops"')
    err = failed_build(small_project, capsys)
    assert err.startswith("book.toml:7: unknown key 'subtitle' in [book]; the keys are title, author,")


def test_chapters_opening_on_a_page_the_builder_does_not_know(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    config = small_project.root / "book.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[layout]\nchapters_open = "left"\n', "utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index('chapters_open = "left"') + 1
    err = failed_build(small_project, capsys)
    assert err.startswith(f"book.toml:{line}: chapters_open must be one of right, any\n")


def test_foreign_phrases_with_a_wrong_tag_or_value(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    config = small_project.root / "book.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[foreign_phrases]\nla = ["conditio sine qua non"]\nlatin_1 = ["de facto"]\nde = "Ostpolitik"\n',
        encoding="utf-8",
    )
    lines = config.read_text(encoding="utf-8").splitlines()
    latin, german = lines.index('latin_1 = ["de facto"]') + 1, lines.index('de = "Ostpolitik"') + 1
    err = failed_build(small_project, capsys)
    assert f"book.toml:{latin}: 'latin_1' is not a language tag; write one such as la or de-AT\n" in err
    wrong_value = f"book.toml:{german}: de must be a list of phrases in quotes, such as "
    assert wrong_value + '["conditio sine qua non"]\n' in err


def test_malformed_timeline_date(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("manuscript/timeline.yaml", "1941-07-30", "1941-02-30")
    err = failed_build(small_project, capsys)
    assert err.startswith("manuscript/timeline.yaml:1: 'date' has a value that cannot be read (")


def test_timeline_entry_without_source(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/timeline.yaml", "  source: text\n", "")
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/timeline.yaml:1: T003 the entry's source is missing; "
        "write 'text' (the book's own text) or name the reference\n" in err
    )


def test_timeline_out_of_order(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.write(
        "manuscript/timeline.yaml",
        "- date: 1941-07-30\n  event: Later.\n  source: text\n"
        "- date: 1939-09-17\n  event: Earlier.\n  source: text\n",
    )
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/timeline.yaml:4: T001 1939-09-17 comes before the previous entry (1941-07-30); "
        "keep the timeline in date order\n" in err
    )


def test_file_not_utf8(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_project.root / "manuscript" / "article.md"
    path.write_bytes(path.read_bytes().replace(b"More text.", "Więcej.".encode("cp1250")))
    err = failed_build(small_project, capsys)
    assert "manuscript/article.md:9: byte 0xea is not valid UTF-8; save the file as UTF-8\n" in err


def test_image_outside_project(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("images/plates.yaml", "file: one.jpg", "file: ../../outside.jpg")
    err = failed_build(small_project, capsys)
    assert "images/plates.yaml:2: image '../../outside.jpg' is outside the project folder;" in err


def test_all_problems_reported_at_once(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More <b>text</b>.")
    small_project.replace("manuscript/timeline.yaml", "  source: text\n", "")
    err = failed_build(small_project, capsys)
    assert err.splitlines()[:2] == [
        "manuscript/article.md:9: raw HTML <b> is not allowed in the manuscript; write it in Markdown, "
        "or put it in `backticks` to show it as text",
        "manuscript/timeline.yaml:1: T003 the entry's source is missing; "
        "write 'text' (the book's own text) or name the reference",
    ]
    assert err.rstrip().endswith("build failed (2 problem(s)); the output folder was not changed")


def test_writer_failing_halfway_leaves_dist(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other editions are written, then the reader PDF's writer breaks: nothing reaches dist/."""
    import amnesty_book.writers as writers

    def broken(book: object, edition: object, out: Path) -> list[Path]:
        (out / "half-written.pdf").write_bytes(b"partial")
        raise RuntimeError("disk full")

    real = writers.writer
    monkeypatch.setattr(writers, "writer", lambda kind: broken if kind == "reader" else real(kind))
    monkeypatch.setattr("amnesty_book.publish.production.writer", writers.writer)
    err = failed_build(small_project, capsys, failing=("reader-a4", "reader-letter"))
    # Editions whose processes finished first may have given their warnings before it.
    assert err.splitlines()[-1].startswith(
        "amnesty-book: internal error (RuntimeError: disk full); the output folder was not"
    )
    assert all("warning:" in line for line in err.splitlines()[:-1]), err


def test_character_without_glyph(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More ☭ text.")
    err = failed_build(small_project, capsys)
    assert err.splitlines()[0] == (
        "manuscript/article.md:9: the character '☭' (U+262D HAMMER AND SICKLE) has no glyph in "
        "CharisSIL-Regular.ttf, CharisSIL-Italic.ttf, CharisSIL-Bold.ttf, CharisSIL-BoldItalic.ttf; "
        "replace the character or choose a font that has it"
    )


PAGED_EDITIONS = ("reader-a4", "reader-letter", "press", "handout-a4", "handout-letter", "archive")


@pytest.mark.slow
def test_a_plate_whose_caption_no_page_can_hold(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its caption would run off the page: the build stops, naming the plate's line, before
    the layout audit would find its text in the margin."""
    words = " ".join(f"word{number}" for number in range(450))
    small_project.replace("images/plates.yaml", "caption: A caption.", f"caption: A caption. {words}")
    err = failed_build(small_project, capsys, failing=PAGED_EDITIONS)
    lines = [line for line in err.splitlines() if "Plate 1 ('one')" in line]
    assert lines and all(
        re.fullmatch(
            r"images/plates\.yaml:1: Plate 1 \('one'\) with its caption stands \d+ mm tall in the "
            r"[\w-]+ edition, more than a page's text block holds \(\d+ mm\); shorten its caption",
            line,
        )
        for line in lines
    ), err


def test_a_hyphenation_exception_that_is_no_word(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.write(
        "styles/hyphenation.txt",
        "# words as they may break\nselec-tive-ly Sikorski\nvol.-1\nselect-ive-ly  # again, otherwise\n",
    )
    err = failed_build(small_project, capsys)
    assert (
        "styles/hyphenation.txt:3: 'vol.-1' is not a word with hyphens where it may break; write it as "
        "'selec-tive-ly' (letters, and a hyphen at each break)\n" in err
    )
    assert "styles/hyphenation.txt:4: 'selectively' is listed twice with different breaks; keep one\n" in err
