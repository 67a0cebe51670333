"""Publishing: a build's staged editions moved into the output folder, and a build killed while
moving them found out afterwards and repaired.

Each edition goes into the output folder (dist/) by a rename (two for a folder, the web
edition: the old folder is moved aside first). No system call renames several files at once,
so a build killed between two renames (kill -9, a crash, the OOM killer) leaves dist/ holding
editions of two builds. Hence a journal: before its first rename a build puts
`.amnesty-book-publishing.json` into dist/, naming each edition it is about to replace and the
digest of its new file; after its last rename it deletes the journal. Both steps are atomic
(the journal is written aside, then renamed into place), so a journal found in dist/ means a
build stopped while publishing, and names what it was publishing. Comparing those editions'
files with the journal's digests tells which are new, which are still old and which are
missing (a folder moved aside): all new or all old, dist/ is whole, from one build; any mix,
and `amnesty-book check` fails, naming them, and the next build makes them all again.

Why not a folder per build swapped in by one rename of a symlink: dist/ would then hold
symlinks where users and their tools (a web server, rsync, a zip) expect files.

The scratch folder a build stages into is inside dist/ itself (scratch.py), so that every
rename stays on dist/'s own file system, also where dist/ is a mount point (a container's
volume) or a symlink to another disk.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from amnesty_book.support.cache import digest_of

JOURNAL = ".amnesty-book-publishing.json"
NEW, OLD, MISSING = "new", "old", "missing"


def publish(staging: Path, out: Path, outputs: Mapping[str, str], spare: Path) -> list[Path]:
    """Moves each edition's staged output (`outputs`: edition name -> its file or folder name)
    into `out`, replacing the previous one; `spare` is the build's scratch folder, on `out`'s
    file system. Returns the published paths."""
    changing = {
        name: {"output": output, "digest": digest}
        for name, output in outputs.items()
        if (digest := output_digest(staging / output)) != output_digest(out / output)
    }
    written = spare / JOURNAL
    written.write_text(json.dumps(changing, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(written, out / JOURNAL)
    aside = spare / "replaced"
    aside.mkdir()
    for output in outputs.values():
        target = out / output
        if target.is_dir() and not target.is_symlink():  # a folder cannot be renamed over
            os.replace(target, aside / output)
        os.replace(staging / output, target)
    (out / JOURNAL).unlink()
    shutil.rmtree(aside)
    return [out / output for output in outputs.values()]


def folder_name(out: Path, root: Path) -> str:
    """The output folder as messages name it: from the project folder when inside it."""
    out, root = Path(os.path.abspath(out)), Path(os.path.abspath(root))
    return f"{out.relative_to(root).as_posix() if out.is_relative_to(root) else out}/"


def output_digest(path: Path) -> str | None:
    """The digest of an edition's file, or of a folder's files and their names; None if absent."""
    if path.is_dir():
        files = sorted(each for each in path.rglob("*") if each.is_file())
        return digest_of(files, *(each.relative_to(path).as_posix() for each in files))
    return digest_of([path]) if path.is_file() else None


@dataclass(frozen=True)
class Unfinished:
    """The editions a build stopped while publishing left in the output folder, each new, old
    or missing: a mix, not one build's."""

    states: dict[str, str]

    def editions(self) -> list[str]:
        return sorted(self.states)

    def problem(self, folder: str) -> str:
        """The one-line message naming them, `folder` the output folder as the user knows it."""
        mix = "; ".join(
            f"{state}: {', '.join(sorted(name for name, each in self.states.items() if each == state))}"
            for state in (NEW, OLD, MISSING)
            if state in self.states.values()
        )
        return (
            f"{folder}: a build was stopped while publishing, so its editions are not from one build "
            f"({mix}); build again to make them anew"
        )


def unfinished(out: Path) -> Unfinished | None:
    """What a build stopped while publishing into `out` left there, if its editions are a mix
    of new, old and missing; None if dist/ is whole (no journal, or all new, or all old)."""
    try:
        journal = json.loads((out / JOURNAL).read_text(encoding="utf-8"))
        expected = {name: (out / entry["output"], entry["digest"]) for name, entry in journal.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # none, or not a journal this builder wrote (it writes them whole)
    states = {name: _state(path, digest) for name, (path, digest) in expected.items()}
    if set(states.values()) in ({NEW}, {OLD}, set()):
        return None
    return Unfinished(states)


def _state(path: Path, digest: str) -> str:
    found = output_digest(path)
    if found is None:
        return MISSING
    return NEW if found == digest else OLD
