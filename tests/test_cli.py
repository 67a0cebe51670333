"""The command line: help, usage errors, and a successful build of a small project."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from amnesty_book.cli import main
from conftest import SmallProject


def test_help_of_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["build", "--help"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
    assert "--project DIR" in capsys.readouterr().out


def test_wrong_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["publish"])
    assert stop.value.code == 2
    assert "invalid choice: 'publish'" in capsys.readouterr().err


def test_help_does_not_import_weasyprint() -> None:
    code = "import sys; from amnesty_book.cli import main\ntry: main(['--help'])\nexcept SystemExit: pass\n"
    code += "print('weasyprint' in sys.modules, 'ebooklib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("False False")


@pytest.mark.slow
def test_build_small_project(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    out = small_project.root / "out"
    assert main(["build", "--project", str(small_project.root), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "small-archive.pdf",
        "small-handout-a4.pdf",
        "small-handout-letter.pdf",
        "small-press.pdf",
        "small-reader-a4.pdf",
        "small-reader-letter.pdf",
        "small-web",
        "small.epub",
    ]
    assert "wrote " in capsys.readouterr().out


@pytest.mark.slow
def test_python_dash_m(small_project: SmallProject) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "amnesty_book", "build", "--project", str(small_project.root)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (small_project.root / "dist" / "small-reader-a4.pdf").read_bytes().startswith(b"%PDF-")


def test_lint_command(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--project", str(small_project.root)]) == 0
    assert capsys.readouterr().out == ""
    small_project.replace("manuscript/article.md", "More text.", 'More "text".')
    assert main(["lint", "--project", str(small_project.root)]) == 0, "a warning alone does not fail"
    out = capsys.readouterr().out
    assert out.startswith("manuscript/article.md:9: Y001 ")
    assert main(["lint", "--strict", "--project", str(small_project.root)]) == 1
    small_project.replace("manuscript/article.md", "More", "More[^gone]")
    assert main(["lint", "--project", str(small_project.root)]) == 1
    assert "manuscript/article.md:9: N001 " in capsys.readouterr().out


def test_verbose_says_how_often_each_edition_was_laid_out(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """--verbose tells where a build's time went: reading the sources, making the model,
    and per paged edition the templates, the layouts made and their times, the writing and
    the read-back checks, and each edition's whole making; a plain build does not."""
    root = str(small_project.root)
    assert main(["build", "--project", root, "--edition", "reader-a4", "--edition", "web", "--verbose"]) == 0
    out = capsys.readouterr().out
    seconds = r"\d+\.\d s"
    assert re.search(rf"(?m)^    reading: the sources read in {seconds}$", out), out
    assert re.search(rf"(?m)^    model: the book numbered, .* in {seconds}$", out), out
    assert re.search(rf"(?m)^    reader-a4: templated in {seconds}$", out), out
    assert re.search(rf"(?m)^    reader-a4: laid out 1 time\(s\) \({seconds}\), \d+ pages$", out), out
    assert re.search(rf"(?m)^    reader-a4: written in {seconds}$", out), out
    assert re.search(rf"(?m)^    reader-a4: read back and checked in {seconds}$", out), out
    assert re.search(rf"(?m)^    web: made in {seconds}$", out), out
    assert main(["build", "--project", root, "--edition", "reader-a4", "--force"]) == 0
    assert "laid out" not in capsys.readouterr().out


def test_the_command_ends_without_the_interpreters_teardown_but_under_a_profiler(tmp_path: Path) -> None:
    """`amnesty-book` ends its process at once when the command returns (the teardown freed a
    build's heap object by object: 0.2 s), its message written and its exit code kept; under a
    profiler, which writes what it gathered at the end, it ends as Python ends it."""
    missing = tmp_path / "missing"
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('torn down'))\n"
        "from amnesty_book.__main__ import run\n"
        f"sys.argv = ['amnesty-book', 'build', '--project', {str(missing)!r}]\n"
        "raise SystemExit(run())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"amnesty-book: project folder '{missing}' does not exist\n"
    profile = tmp_path / "profile"
    command = ["-m", "amnesty_book", "build", "--project", str(missing)]
    profiled = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), *command], capture_output=True, text=True
    )
    assert "does not exist" in profiled.stderr  # its exit code cProfile keeps for itself
    assert profile.stat().st_size > 0, "the profile written at the end"
