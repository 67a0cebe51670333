"""Publishing: a build's editions reach dist/ all or none, or a build stopped between two renames
(kill -9) is found by `check` and repaired by the next build; dist/ on another file system;
a full disk and a read-only dist/ named as such; book.toml's errors at their lines."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from unittest import mock

import pytest

from amnesty_book.cli import main
from amnesty_book.project.config import load_config
from amnesty_book.project.sources import Project
from amnesty_book.publish import build, production, publishing
from amnesty_book.publish.publishing import JOURNAL, MISSING, NEW, OLD, Unfinished, publish, unfinished
from amnesty_book.support.errors import BookError
from conftest import SmallProject

SUMMARY = "amnesty-book: build failed (1 problem(s)); the output folder was not changed"
OUTPUTS = {"a": "book-a.pdf", "b": "book-web", "c": "book.epub"}


def write_editions(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for output in OUTPUTS.values():
        if output.endswith("-web"):
            (folder / output).mkdir()
            (folder / output / "index.html").write_text(text, encoding="utf-8")
        else:
            (folder / output).write_text(text, encoding="utf-8")


def contents(out: Path) -> dict[str, str]:
    """Each edition's text in `out`, or 'missing'."""
    found = {}
    for name, output in OUTPUTS.items():
        path = out / output / "index.html" if output.endswith("-web") else out / output
        found[name] = path.read_text(encoding="utf-8") if path.exists() else MISSING
    return found


@contextmanager
def stopped_at(step: int, stop: Callable[[], None]) -> Iterator[None]:
    """Calls `stop` instead of the `step`-th rename or removal of a file (from 0): a build killed
    there, between two steps of publishing."""
    done = 0
    real_replace, real_unlink = os.replace, os.unlink

    def counted(real: Callable[..., None]) -> Callable[..., None]:
        def step_or_stop(*args: object, **kwargs: object) -> None:
            nonlocal done
            if done == step:
                stop()
            done += 1
            real(*args, **kwargs)

        return step_or_stop

    with (
        mock.patch.object(os, "replace", counted(real_replace)),
        mock.patch.object(os, "unlink", counted(real_unlink)),
    ):
        yield


def killed_in_child(work: Callable[[], object]) -> int:
    """Runs `work` in a forked process, which `stopped_at` may kill (os._exit: as under kill -9,
    nothing cleans up); returns its exit status."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def killed() -> None:
    os._exit(137)


# The steps of publishing the three editions: the journal in, a's rename, b's old folder aside
# and the new one in, c's rename, the journal out, then the old folder of b removed.
AFTER_STEP = {
    0: ("old", None),
    1: ("old", None),  # the journal names a, b, c, but none is replaced yet: whole
    2: ("mixed", {"a": NEW, "b": OLD, "c": OLD}),
    3: ("mixed", {"a": NEW, "b": MISSING, "c": OLD}),
    4: ("mixed", {"a": NEW, "b": NEW, "c": OLD}),
    5: ("new", None),  # every edition in, the journal still there: whole
    6: ("new", None),
}


@pytest.mark.parametrize("step", sorted(AFTER_STEP))
def test_a_kill_at_any_step_of_publishing_leaves_dist_whole_or_found(tmp_path: Path, step: int) -> None:
    out = tmp_path / "dist"
    write_editions(out, "old")
    spare = out / ".amnesty-book-test0001"
    write_editions(spare / "staging", "new")

    def publishing() -> None:
        with stopped_at(step, killed):
            publish(spare / "staging", out, OUTPUTS, spare)

    assert killed_in_child(publishing) == 137, "the child was killed at that step"
    expected, states = AFTER_STEP[step]
    found = contents(out)
    if expected == "mixed":
        assert unfinished(out) == Unfinished(states)
        assert {name: {"new": NEW, "old": OLD}.get(text, text) for name, text in found.items()} == states
    else:
        assert found == dict.fromkeys(OUTPUTS, expected)
        assert unfinished(out) is None


def test_publishing_to_the_end_leaves_no_journal(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    write_editions(out, "old")
    spare = out / ".amnesty-book-test0001"
    write_editions(spare / "staging", "new")
    assert publish(spare / "staging", out, OUTPUTS, spare) == [out / output for output in OUTPUTS.values()]
    assert contents(out) == dict.fromkeys(OUTPUTS, "new")
    assert sorted(path.name for path in out.iterdir()) == sorted([*OUTPUTS.values(), spare.name])


@pytest.mark.slow
def test_check_finds_a_build_killed_while_publishing_and_the_next_build_repairs_it(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    root, dist = small_project.root, small_project.root / "dist"
    build(root, editions=["web", "epub"])
    small_project.replace("manuscript/article.md", "More text.", "Changed text.")

    def killed_publish(*args: object) -> list[Path]:
        with stopped_at(3, killed):  # after the journal and web's two renames: epub not yet
            return publishing.publish(*args)  # type: ignore[arg-type]

    with mock.patch.object(production, "publish", killed_publish):
        assert killed_in_child(lambda: build(root, editions=["web", "epub"])) == 137
    assert "Changed text." in (dist / "small-web" / "index.html").read_text(encoding="utf-8")
    assert (dist / JOURNAL).exists() and list(dist.glob(".amnesty-book-????????")), "as kill -9 left it"

    assert main(["check", "--project", str(root), "--edition", "web"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "dist/: a build was stopped while publishing, so its editions are not from one build "
        "(new: web; old: epub); build again to make them anew"
    )
    assert out[-1] == "1 problem(s), 0 warning(s)"

    # The sources as before the killed build: only the journal tells that web is not theirs.
    small_project.replace("manuscript/article.md", "Changed text.", "More text.")
    assert main(["build", "--project", str(root), "--edition", "web", "--quiet"]) == 0
    assert capsys.readouterr().err == (
        "warning: dist/: a build was stopped while publishing; building epub, web again\n"
    )
    assert "Changed text." not in (dist / "small-web" / "index.html").read_text(encoding="utf-8")
    assert unfinished(dist) is None and not (dist / JOURNAL).exists()
    assert sorted(path.name for path in dist.iterdir()) == ["small-web", "small.epub"]
    assert main(["check", "--project", str(root), "--edition", "web"]) == 0


def test_a_build_leaves_no_temporary_file(small_project: SmallProject, tmp_path: Path) -> None:
    """WeasyPrint copies the fonts into a temporary folder of each layout's (3 MB), which a
    worker process never removed: 17,000 builds filled a disk. Two PDF editions, laid out in
    two workers where there are two cores, and a build that fails."""
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    command = [sys.executable, "-m", "amnesty_book", "build", "--project", str(small_project.root)]
    editions = ["--edition", "reader-a4", "--edition", "handout-a4"]
    built = subprocess.run([*command, *editions], env=environment, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (small_project.root / "dist" / "small-handout-a4.pdf").is_file()
    small_project.replace("manuscript/article.md", "[^n]:", "[^m]:")
    failed = subprocess.run([*command, *editions, "--force"], env=environment, capture_output=True, text=True)
    assert failed.returncode == 1, failed.stderr
    assert list(temporary.iterdir()) == []
    assert [path.name for path in (small_project.root / "dist").iterdir()] == sorted(
        ["small-handout-a4.pdf", "small-reader-a4.pdf"]
    )


@pytest.mark.parametrize("broken", [False, True], ids=["built", "refused"])
def test_a_build_leaves_the_interpreters_thread_switching_as_it_found_it(
    small_project: SmallProject, broken: bool
) -> None:
    """The thread switch interval is shortened while the book is read beside the writers'
    import (publish/__init__.py), for the build that runs in a preview server's process too."""
    if broken:
        small_project.replace("manuscript/article.md", "[^n]:", "[^m]:")
    before = sys.getswitchinterval()
    try:
        build(small_project.root, editions=["web"], force=True)
    except BookError:
        assert broken
    assert sys.getswitchinterval() == before


def test_a_dist_on_another_file_system_builds(small_project: SmallProject) -> None:
    """dist/ a mount point: a rename into it from outside it fails, as across devices."""
    dist = small_project.root / "dist"
    real = os.replace

    def across_devices(source: str | Path, target: str | Path) -> None:
        if Path(source).is_relative_to(dist) != Path(target).is_relative_to(dist):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(source), None, str(target))
        real(source, target)

    with mock.patch.object(os, "replace", across_devices):
        assert build(small_project.root, editions=["web"]) == [dist / "small-web"]
    assert (dist / "small-web" / "index.html").is_file()


def test_a_dist_symlinked_to_another_device_builds(small_project: SmallProject, tmp_path: Path) -> None:
    elsewhere = Path("/dev/shm")
    if not elsewhere.is_dir() or elsewhere.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system (/dev/shm) to point dist/ at without root")
    target = elsewhere / f"amnesty-book-test-{os.getpid()}"
    target.mkdir()
    try:
        (small_project.root / "dist").symlink_to(target)
        assert main(["build", "--project", str(small_project.root), "--edition", "web", "--quiet"]) == 0
        assert sorted(path.name for path in target.iterdir()) == ["small-web"]
    finally:
        for path in sorted(target.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        target.rmdir()


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}


def refused(
    project: SmallProject, capsys: pytest.CaptureFixture[str], patch: AbstractContextManager[object]
) -> list[str]:
    """The lines a web build prints that fails under `patch`; dist/ (a previous build) unchanged."""
    build(project.root, editions=["web"])
    project.replace("manuscript/article.md", "More text.", "Changed text.")
    before = snapshot(project.root / "dist")
    capsys.readouterr()
    with patch:
        code = main(["build", "--project", str(project.root), "--edition", "web"])
    assert code == 1
    assert snapshot(project.root / "dist") == before
    return capsys.readouterr().err.splitlines()


def test_a_full_disk_names_dist(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    real = Path.write_text

    def full(path: Path, *args: object, **kwargs: object) -> int:
        if path.is_relative_to(small_project.root / "dist"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a write names no file
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    assert refused(small_project, capsys, mock.patch.object(Path, "write_text", full)) == [
        "dist/: no space left on device; free some space and build again",
        SUMMARY,
    ]


def test_a_read_only_dist_names_dist(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    real = os.mkdir

    def read_only(path: str | Path, *args: object) -> None:
        if Path(path).is_relative_to(small_project.root / "dist") and not Path(path).exists():
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))  # names the staging folder
        real(path, *args)  # type: ignore[arg-type]

    assert refused(small_project, capsys, mock.patch.object(os, "mkdir", read_only)) == [
        "dist/: cannot be written (read-only file system); make it writable, or build into another "
        "folder with --out DIR",
        SUMMARY,
    ]


SECTIONS = (
    "[book], [sources], [first_publication], [fonts], [citations], [press], [layout], [timeline], "
    "[labels], [foreign_phrases], [editions.NAME]"
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "[book]",
            "foo = 1\n[book]",
            f"book.toml:1: unknown key 'foo' above the first section; move it into its section "
            f"({SECTIONS}) or remove it",
        ),
        ("[book]", "book = 1\n[bookx]", "book.toml:1: 'book' must be a section [book]"),
        ('language = "en"', '"language" = 3', "book.toml:4: 'language' must be a non-empty text in quotes"),
        ("[book]", "[xbook]", "book.toml:1: the section [book] is missing; add it"),
        (
            "2024-01-01\n",
            "2024-01-01\nx = [1,",
            "book.toml:8: not valid TOML (Invalid value); fix the syntax",
        ),
    ],
)
def test_every_book_toml_error_has_its_line(
    small_project: SmallProject, old: str, new: str, message: str
) -> None:
    small_project.replace("book.toml", old, new)
    with pytest.raises(BookError) as error:
        load_config(Project(small_project.root))
    assert message in [str(problem) for problem in error.value.problems]


def test_a_10_mb_title_is_refused_at_its_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("book.toml", 'title = "A Small Book"', f'title = "{"A" * 10 * 2**20}"')
    assert main(["build", "--project", str(small_project.root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "book.toml:2: this text is 10,485,760 characters long, more than the 1,000 a text of "
        "book.toml may hold; shorten it",
        SUMMARY,
    ]
    assert not (small_project.root / "dist").exists()
