"""What a build can skip: derived files kept by content hash, scans already checked, and
editions whose inputs are unchanged.

Both live under the project's .cache/amnesty-book folder (git ignores .cache); deleting it
is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

CACHE_FOLDER = Path(".cache") / "amnesty-book"


@cache
def file_digest(path: Path, modified: int, size: int) -> str:
    """The SHA-256 of a file, remembered for as long as its time and size stay the same."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def digest_of(paths: Iterable[Path], *extra: str) -> str:
    """One digest of the contents of some files and some words (the recipe, its settings)."""
    digest = hashlib.sha256()
    for path in paths:
        status = path.stat()
        digest.update(file_digest(path, status.st_mtime_ns, status.st_size).encode())
    for word in extra:
        digest.update(b"\0" + word.encode())
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """The digest of the builder's own code, templates and stylesheets: a new version of the
    builder renders everything again."""
    package = Path(str(files("amnesty_book")))
    return digest_of(
        sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css"})
    )


class DerivedFiles:
    """Files made from other files (reduced images, subset fonts), kept by what they are made of."""

    # A thread asking for a file another thread is making waits for it instead of making it again.
    _making: ClassVar[dict[Path, threading.Lock]] = {}

    def __init__(self, project: Path) -> None:
        self.folder = project / CACHE_FOLDER / "derived"

    def get(
        self, recipe: str, sources: Iterable[Path], settings: str, suffix: str, make: Callable[[Path], None]
    ) -> Path:
        """The file `make` writes from `sources` with these settings, made only the first time."""
        key = digest_of(sources, recipe, settings, code_digest())
        path = self.folder / recipe / f"{key}{suffix}"
        with self._making.setdefault(path, threading.Lock()):
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
                make(partial)
                os.replace(partial, path)  # atomic: parallel builds may make the same file
        return path


class CheckedScans:
    """Scans already decoded whole without a fault, by content: a scan is decoded once."""

    def __init__(self, project: Path) -> None:
        self.folder = project / CACHE_FOLDER / "checked"

    def __contains__(self, scan: Path) -> bool:
        return (self.folder / digest_of([scan])).is_file()

    def add(self, scan: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / digest_of([scan])).touch()


class BuildState:
    """The input digest each edition in an output folder was last built from."""

    def __init__(self, project: Path, out: Path) -> None:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
        self.path = project / CACHE_FOLDER / "state" / f"{name}.json"
        try:
            self.built: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.built = {}

    def is_current(self, edition: str, key: str, output: Path) -> bool:
        return self.built.get(edition) == key and output.exists()

    def record(self, keys: dict[str, str]) -> None:
        self.built.update(keys)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.built, indent=1, sort_keys=True), encoding="utf-8")
