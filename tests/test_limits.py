"""The builder's limits (project/limits.py): a source just within each builds and is not
reported by lint; one just past it stops the build and fails lint with one located line, and
dist/ is left as it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from amnesty_book.cli import main
from amnesty_book.project.limits import MAX_CONFIG_TEXT, MAX_NESTING, MAX_NOTES, MAX_PARAGRAPH
from conftest import SmallProject
from test_bad_input import previous_build, snapshot
from test_hostile_input import MANUSCRIPT, built, only_editions, refused


def nested(levels: int) -> str:
    """A sentence in `levels` emphases inside one another (with its paragraph, levels + 1 deep)."""
    return "*a " * levels + "deep" + " a*" * levels


def paragraph(length: int) -> str:
    """A paragraph of words, `length` characters long."""
    words = "This sentence of a long paragraph goes on and on. " * (length // 50 + 1)
    return words[: length - 1].rstrip().ljust(length - 1, "x") + "."


def with_notes(project: SmallProject, count: int) -> None:
    """A manuscript of `count` notes, each called from a paragraph of its own."""
    calls = "\n\n".join(f"Sentence {n}.[^n{n}]" for n in range(1, count + 1))
    notes = "\n\n".join(f"[^n{n}]: Note {n}." for n in range(1, count + 1))
    project.write(MANUSCRIPT, f"# A chapter\n\n::: plate one\n\n{calls}\n\n{notes}\n")


def with_title(project: SmallProject, length: int) -> None:
    project.replace("book.toml", 'title = "A Small Book"', f'title = "{paragraph(length)}"')


def deep_text(project: SmallProject, levels: int) -> None:
    """A note called from deep in its paragraph, its own text as deep: each is set inside the other."""
    project.replace(MANUSCRIPT, "Some text with a note.[^n]", f"Some text {nested(levels)}[^n]")
    project.replace(MANUSCRIPT, "[^n]: The note text.", f"[^n]: {nested(levels)}")


def long_paragraph(project: SmallProject, length: int) -> None:
    project.replace(MANUSCRIPT, "More text.", paragraph(length))


def long_note_paragraph(project: SmallProject, length: int) -> None:
    """A note's second paragraph, at line 13, too long."""
    project.replace(MANUSCRIPT, "[^n]: The note text.", f"[^n]: The note text.\n\n    {paragraph(length)}")


def too_long(line: int) -> str:
    return (
        f"manuscript/article.md:{line}: this paragraph is {MAX_PARAGRAPH + 1:,} characters long, more "
        f"than the {MAX_PARAGRAPH:,} a paragraph may hold; split it with blank lines"
    )


# (what is made, how large it may be, where and what the build says of one larger, lint's code)
LIMITS: dict[str, tuple[Callable[[SmallProject, int], None], int, list[str], str]] = {
    "nesting": (
        deep_text,
        MAX_NESTING - 1,
        [
            f"manuscript/article.md:{line}: this text nests emphasis, links or other markup more than "
            f"{MAX_NESTING} deep; flatten it"
            for line in (5, 11)  # the paragraph and its note
        ],
        "S005",
    ),
    "paragraph": (
        long_paragraph,
        MAX_PARAGRAPH,
        [too_long(9)],
        "S005",
    ),
    "note paragraph": (
        long_note_paragraph,
        MAX_PARAGRAPH - 4,  # with its indent
        [too_long(13)],
        "S005",
    ),
    "book.toml text": (
        with_title,
        MAX_CONFIG_TEXT,
        [
            f"book.toml:2: this text is {MAX_CONFIG_TEXT + 1:,} characters long, more than the "
            f"{MAX_CONFIG_TEXT:,} a text of book.toml may hold; shorten it"
        ],
        "S001",
    ),
    "notes": (
        with_notes,
        MAX_NOTES,
        [
            f"manuscript/article.md:{4 * MAX_NOTES + 7}: this is note {MAX_NOTES + 1:,}, more than the "
            f"{MAX_NOTES:,} a book may hold; merge some notes, or split the book in two"
        ],
        "S005",
    ),
}
# Thousands of notes read and set: the one real build at a limit that takes long. The book just
# past it is refused before any block is read, by the build and by lint alike.
SLOW = {"notes"}
CASES = [pytest.param(name, marks=[pytest.mark.slow] if name in SLOW else []) for name in LIMITS]


def lint_run(project: SmallProject, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`amnesty-book lint`'s exit code and findings; it never touches dist/."""
    dist, before = previous_build(project)
    code = main(["lint", "--project", str(project.root)])
    captured = capsys.readouterr()
    assert snapshot(dist) == before
    assert "Traceback" not in captured.err
    return code, captured.out.splitlines()


@pytest.mark.parametrize("limit", CASES)
def test_just_within_a_limit_builds(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    make, most, _, _ = LIMITS[limit]
    make(small_project, most)
    assert lint_run(small_project, capsys) == (0, [])
    # The reader, where WeasyPrint sets the deepest markup; the web edition else (it is quicker).
    edition = "reader-a4" if limit == "nesting" else "web"
    only_editions(small_project, edition)
    built(small_project, capsys, edition)


@pytest.mark.parametrize("limit", LIMITS)
def test_just_past_a_limit_is_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    make, most, messages, code = LIMITS[limit]
    make(small_project, most + 1)
    assert refused(small_project, capsys) == messages
    coded = [message.replace(": ", f": {code} ", 1) for message in messages]
    assert lint_run(small_project, capsys) == (1, coded)
