"""The documentation says what the code does: the references in docs/ are what
scripts/make_reference_docs.py makes from the code now, the README stays short, its links
lead somewhere, and the commands it names are the command line's and CI's."""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from amnesty_book.cli import _parser
from amnesty_book.support.diagnostics import CODES, Code
from conftest import REPO

README = REPO / "README.md"
DOCS = REPO / "docs"
GENERATOR = REPO / "scripts" / "make_reference_docs.py"
README_MOST_LINES = 220


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_reference_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_reference_docs = _generator()


def _documents() -> list[Path]:
    return [README, REPO / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))]


def _without_code(text: str) -> str:
    """Markdown with its fenced and indented code blocks and its code spans taken out: what
    stands in code is an example, not a link."""
    text = re.sub(r"(?ms)^```.*?^```[^\n]*$", "", text)
    text = re.sub(r"(?m)(?:^(?: {4}|\t).*\n?)+", "", text)
    return re.sub(r"`[^`\n]+`", "", text)


def _code(text: str) -> Iterator[str]:
    """The code of a Markdown text: its code spans and the lines of its code blocks."""
    yield from re.findall(r"`([^`\n]+)`", text)
    yield from re.findall(r"(?m)^(?: {4}|\t)(.*)$", text)
    for block in re.findall(r"(?ms)^```[^\n]*\n(.*?)^```", text):
        yield from block.splitlines()


def _links(text: str) -> list[str]:
    """The targets of the inline links and images of a Markdown text, outside code."""
    return re.findall(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", _without_code(text))


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    text = re.sub(r"(?ms)^```.*?^```[^\n]*$", "", document.read_text(encoding="utf-8"))
    return {_anchor(heading) for heading in re.findall(r"(?m)^#{1,6}\s+(.+?)\s*#*\s*$", text)}


# ---- the generated references ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(make_reference_docs.references()))
def test_a_generated_reference_is_what_the_code_makes_now(name: str) -> None:
    """A key of book.toml, a kind of edition, a label or a check's code added or reworded in
    the code without `make docs` leaves the reference behind: this fails until it is run."""
    path = DOCS / name
    assert path.is_file(), f"docs/{name} is missing: run 'make docs'"
    expected = make_reference_docs.references()[name]
    assert path.read_text(encoding="utf-8") == expected, (
        f"docs/{name} is not what the code makes now: run 'make docs' and commit it"
    )


def test_a_generated_reference_says_it_is_generated() -> None:
    for name, text in make_reference_docs.references().items():
        first = text.splitlines()[0]
        assert "make docs" in first and "do not edit" in first, f"docs/{name} starts {first!r}"


def test_the_references_hold_every_key_and_code() -> None:
    book_toml, codes = (DOCS / "book-toml.md").read_text("utf-8"), (DOCS / "codes.md").read_text("utf-8")
    missing = [
        (key.section, key.name)
        for key in make_reference_docs.config.documented_keys()
        if f"| `[{key.section}]` | `{key.name}` | {make_reference_docs.cell(key.doc)} |" not in book_toml
    ]
    assert not missing, f"docs/book-toml.md lacks {missing}: run 'make docs'"
    for code, each in CODES.items():
        row = f"| `{code}` | {each.severity} | {make_reference_docs.cell(each.finds)} |"
        assert row in codes, f"docs/codes.md lacks {code}: run 'make docs'"


def test_a_new_code_makes_the_reference_stale(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The comparison can fail: a code the registry gains is a difference, and --check names
    the stale file and exits with 1."""
    for name, text in make_reference_docs.references().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert make_reference_docs.stale(tmp_path) == []
    monkeypatch.setitem(CODES, "Z999", Code("warning", "a finding added without make docs", "lint"))
    assert make_reference_docs.stale(tmp_path) == ["codes.md"]
    assert make_reference_docs.main(["--check", "--docs", str(tmp_path)]) == 1
    assert make_reference_docs.main(["--docs", str(tmp_path)]) == 0
    assert "Z999" in (tmp_path / "codes.md").read_text(encoding="utf-8")
    assert make_reference_docs.main(["--check", "--docs", str(tmp_path)]) == 0


def test_check_names_a_stale_file_and_fails(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    stale = tmp_path / "docs" / "book-toml.md"
    stale.write_text(stale.read_text(encoding="utf-8").replace("| `[book]` | `title` |", "| x |"), "utf-8")
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--docs", str(tmp_path / "docs")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "docs/book-toml.md is stale: run 'make docs'" in done.stderr
    assert "codes.md" not in done.stderr


# ---- the README and docs/ ----------------------------------------------------------------


def test_the_readme_is_short() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MOST_LINES, (
        f"README.md has {lines} lines, more than {README_MOST_LINES}: it is for a newcomer; "
        "move the rest into docs/"
    )


@pytest.mark.parametrize("document", _documents(), ids=lambda path: path.relative_to(REPO).as_posix())
def test_every_relative_link_leads_to_a_file(document: Path) -> None:
    """A link to a file of the repository (and to a heading of a Markdown file) that does not
    exist is a broken link on GitHub and in every copy of the repository."""
    broken = []
    for target in _links(document.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not a file
            continue
        path, _, fragment = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        missing = not linked.exists() or not linked.is_relative_to(REPO)
        if missing or (fragment and linked.suffix == ".md" and fragment not in _anchors(linked)):
            broken.append(target)
    assert not broken, f"{document.relative_to(REPO)} links to what does not exist: {broken}"


def test_the_links_are_found() -> None:
    """The link finder finds links (so that the test above can fail), not links in code."""
    text = "See [the guide](docs/authoring.md#notes) and ![a strip](images/x.png).\n\n    [no](code.md)\n"
    assert _links(text) == ["docs/authoring.md#notes", "images/x.png"]
    assert _anchor("Citations and `cross-references`") == "citations-and-cross-references"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    found = next(action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction))
    return dict(found.choices)


def test_every_command_the_readme_names_is_the_command_lines() -> None:
    readme = README.read_text(encoding="utf-8")
    named = {
        match
        for code in _code(readme)
        for match in re.findall(r"(?<![\w-])amnesty-book\s+([a-z][a-z-]*)", code)
    }
    assert named, "README.md names no amnesty-book command"
    unknown = named - set(_subcommands())
    assert not unknown, f"README.md names commands amnesty-book does not have: {sorted(unknown)}"
    unnamed = set(_subcommands()) - named
    assert not unnamed, f"README.md does not name the commands {sorted(unnamed)}"


def _ci_commands() -> list[str]:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    return [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]


def test_the_readmes_test_command_is_the_one_ci_runs() -> None:
    """The quick start's test command is the one .ci/run runs: what a newcomer runs is what
    CI checks."""
    readme = README.read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    tests = [
        line.split("#")[0].strip()
        for line in re.findall(r"(?m)^(?: {4})(make.*)$", quick_start)
        if "test" in line.split("#", 1)[-1]
    ]
    assert tests == ["make test"], f"README.md's quick start runs the tests with {tests}"
    assert tests[0] in _ci_commands(), f".ci/run does not run {tests[0]!r}: it runs {_ci_commands()}"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^test:", makefile), "the Makefile has no 'test' target"
