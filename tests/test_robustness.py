"""Builds stopped half-way (kill -9, Ctrl-C) and malformed requests to the preview server."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from amnesty_book import publish
from amnesty_book.cli import main
from amnesty_book.publish import build
from amnesty_book.publish.serve import serve
from conftest import SmallProject

T = TypeVar("T")
Process = tuple[int, str]  # a pid and its start time: a pid alone may be reused

needs_workers = pytest.mark.skipif(
    not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="finds a build's worker processes in /proc; a build has workers with two cores or more",
)

# Enough pages that a build's workers are busy for several seconds: they are caught at work.
PARAGRAPH = "A paragraph long enough to fill a line or two of a page, with some more words to set."
LONG_TEXT = "\n".join(f"## Part {part}\n\n" + f"{PARAGRAPH}\n\n" * 10 for part in range(60))


def lengthen(project: SmallProject) -> None:
    path = project.root / "manuscript" / "article.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + LONG_TEXT + "\n", encoding="utf-8")


def start_build(root: Path, stderr: Path) -> subprocess.Popen[bytes]:
    """`amnesty-book build` run in the project, in a process group of its own, as a terminal runs
    it: with Ctrl-C's default action, even where the tests run with it ignored (a shell's
    background job ignores it, and its children inherit that)."""
    with stderr.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "amnesty_book", "build", "--force"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=output,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...); None: no such process."""
    return stat_fields_of(Path(f"/proc/{pid}/stat"))


def lives(pid: int, fields: list[str]) -> bool:
    """Whether a process, or any thread of it, still runs: a zombie leader whose threads are
    still ending (a thread preparing images at a low priority ends last) still holds its files,
    and so the lock of its build's staging folder."""
    if fields[0] not in {"Z", "X"}:
        return True
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return False
    return any(
        (state := stat_fields_of(thread / "stat")) and state[0] not in {"Z", "X"} for thread in threads
    )


def stat_fields_of(path: Path) -> list[str] | None:
    try:
        return path.read_text().rpartition(")")[2].split()
    except OSError:
        return None


def identify(pid: int) -> Process:
    fields = stat_fields(pid)
    assert fields is not None, f"process {pid} has ended"
    return pid, fields[19]


def children(pid: int) -> set[Process]:
    """The processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat_fields(int(entry.name))) and fields[1] == str(pid):
            found.add((int(entry.name), fields[19]))
    return found


def in_session(session: int) -> set[Process]:
    """The live processes of a session (a build started in one of its own, and what it started)."""
    found = set()
    for entry in Path("/proc").iterdir():
        fields = stat_fields(int(entry.name)) if entry.name.isdigit() else None
        if fields and fields[3] == str(session) and lives(int(entry.name), fields):
            found.add((int(entry.name), fields[19]))
    return found


def running(process: Process) -> bool:
    """Whether the process lives (a zombie does not, once its threads have ended: nothing may
    reap an orphan here)."""
    fields = stat_fields(process[0])
    return fields is not None and fields[19] == process[1] and lives(process[0], fields)


def wait_for(condition: Callable[[], T], what: str, timeout: float = 120) -> T:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.05)
    return value


def scratch_folders(root: Path) -> list[Path]:
    return sorted((root / "dist").glob(".amnesty-book-*"))


def at_work(build_process: subprocess.Popen[bytes], root: Path) -> set[Process]:
    """Waits until the build has its staging folder and its workers (two at least); returns them."""

    def workers() -> set[Process]:
        assert build_process.poll() is None, "the build ended before it could be stopped"
        found = children(build_process.pid)
        return found if len(found) >= 2 and scratch_folders(root) else set()

    return wait_for(workers, "the build's staging folder and workers")


@pytest.fixture
def ended() -> Iterator[list[Process]]:
    """Processes a test started, killed at its end if they still run (by pid, checked first)."""
    started: list[Process] = []
    yield started
    for pid, start in started:
        if running((pid, start)):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@needs_workers
def test_a_killed_build_leaves_no_worker_and_its_folder_goes(
    small_project: SmallProject, tmp_path: Path, ended: list[Process]
) -> None:
    root = small_project.root
    lengthen(small_project)
    killed = start_build(root, tmp_path / "stderr.txt")
    ended.append(identify(killed.pid))
    workers = at_work(killed, root)
    ended.extend(workers)
    (scratch,) = scratch_folders(root)

    os.killpg(killed.pid, signal.SIGSTOP)  # the build holds still while another one runs
    build(root, editions=["web"], force=True)
    assert scratch_folders(root) == [scratch], "a running build's staging folder is not touched"
    os.killpg(killed.pid, signal.SIGCONT)

    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=60)
    wait_for(lambda: not any(running(worker) for worker in workers), "the workers to end with their build")
    # Every process the build started has ended, those started after the workers were counted too.
    wait_for(lambda: not in_session(killed.pid), "every process of the killed build to end")
    assert scratch.is_dir(), "a build killed with kill -9 leaves its staging folder"
    build(root, editions=["web"], force=True)
    assert scratch_folders(root) == [], "the next build removes it"


@pytest.mark.slow
@needs_workers
@pytest.mark.parametrize("sent_to", ["terminal", "build"])
def test_ctrl_c_says_so_and_leaves_dist_unchanged(
    small_project: SmallProject, tmp_path: Path, ended: list[Process], sent_to: str
) -> None:
    root = small_project.root
    build(root)
    dist = root / "dist"
    before = {path: path.read_bytes() if path.is_file() else None for path in dist.rglob("*")}
    lengthen(small_project)
    interrupted = start_build(root, tmp_path / "stderr.txt")
    ended.append(identify(interrupted.pid))
    workers = at_work(interrupted, root)
    ended.extend(workers)

    if sent_to == "terminal":  # Ctrl-C: the build and its workers share the terminal's process group
        os.killpg(interrupted.pid, signal.SIGINT)
    else:
        os.kill(interrupted.pid, signal.SIGINT)
    assert interrupted.wait(timeout=120) == 130
    wait_for(lambda: not any(running(worker) for worker in workers), "the workers to end with their build")
    stderr = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == "amnesty-book: interrupted, dist/ unchanged"
    assert {path: path.read_bytes() if path.is_file() else None for path in dist.rglob("*")} == before
    assert scratch_folders(root) == []


def test_ctrl_c_names_the_out_folder_given(
    small_project: SmallProject,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(*_: object) -> list[Path]:
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "build", interrupted)
    out = tmp_path / "editions"
    try:
        code = main(["build", "--project", str(small_project.root), "--out", f"{out}/"])
    except KeyboardInterrupt:  # uncaught, it would stop pytest itself
        pytest.fail("Ctrl-C came out of main as a KeyboardInterrupt")
    assert code == 130
    assert capsys.readouterr().err == f"amnesty-book: interrupted, {out}/ unchanged\n"


def test_only_abandoned_staging_folders_are_removed(small_project: SmallProject) -> None:
    root = small_project.root
    old = root / "dist" / ".amnesty-book-old12345"  # left by a version that took no lock, hours ago
    (old / "staging").mkdir(parents=True)
    (old / "staging" / "small.epub").write_bytes(b"PK")
    hours_ago = time.time() - 3 * 3600
    os.utime(old, (hours_ago, hours_ago))
    starting = root / "dist" / ".amnesty-book-new12345"  # a build's that has not locked it yet
    starting.mkdir()
    other = root / "dist" / ".amnesty-book-notes"  # not a name a build makes
    other.mkdir()
    os.utime(other, (hours_ago, hours_ago))

    build(root, editions=["web"])
    assert scratch_folders(root) == [starting, other]


def test_a_build_with_nothing_to_do_removes_abandoned_folders_too(small_project: SmallProject) -> None:
    root = small_project.root
    build(root, editions=["web"])
    old = root / "dist" / ".amnesty-book-old12345"
    old.mkdir()
    hours_ago = time.time() - 3 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert build(root, editions=["web"]) == [], "the web edition is up to date"
    assert scratch_folders(root) == []


def test_preview_answers_a_malformed_path_with_400(
    small_project: SmallProject, capfd: pytest.CaptureFixture[str]
) -> None:
    server, stop = serve(small_project.root, 0)
    host, port = server.server_address[:2]

    def status(method: str, path: str) -> int:
        connection = http.client.HTTPConnection(str(host), port, timeout=30)
        try:
            connection.request(method, path)
            return connection.getresponse().status
        finally:
            connection.close()

    try:
        for path in ("/%00", "/a%00b/c.html", "/%ed%a0%80"):  # a NUL; a lone surrogate
            assert (status("GET", path), status("HEAD", path)) == (400, 400), path
        assert status("GET", "/missing.html") == 404
    finally:
        stop.set()
        server.shutdown()
    assert "Traceback" not in capfd.readouterr().err


def test_ctrl_c_while_the_command_line_is_imported_is_quiet_too() -> None:
    """A KeyboardInterrupt raised as amnesty_book.cli is imported (Ctrl-C in the first
    moments) gives the one line and 130, as one raised once it runs."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'amnesty_book.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from amnesty_book.__main__ import run\n"
        "raise SystemExit(run())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (130, "amnesty-book: interrupted\n")
