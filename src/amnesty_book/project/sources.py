"""Opens the project's source files: only inside the project folder, only valid UTF-8 text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

_NUMBERS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Project:
    """The project folder; every file the build reads is resolved through it."""

    root: Path

    def resolve(
        self, relative: str, referenced_at: SourceLocation | None, what: str, base: Path | None = None
    ) -> Path:
        """The real path of a file named in a source (relative to `base`, by default the project
        folder), refused if it leaves the project."""
        real = self._inside(relative, referenced_at, what, base)
        try:
            if real.is_dir():
                raise BookError.at(referenced_at, f"{what} '{relative}' is a folder; give the path of a file")
            if real.exists() and not real.is_file():
                raise BookError.at(referenced_at, f"{what} '{relative}' is not a regular file; give a file")
            if not real.is_file():
                raise BookError.at(referenced_at, f"{what} '{relative}' does not exist; check the file name")
        except OSError as error:
            raise self._unopenable(relative, referenced_at, what, error) from None
        return real

    def resolve_files(
        self, relative: str, referenced_at: SourceLocation | None, what: str, suffix: str
    ) -> list[Path]:
        """The file named, or, if it names a folder, the folder's files ending in `suffix`, in
        name order (numbers by their value: "2" before "10")."""
        real = self._inside(relative, referenced_at, what, None)
        try:
            if not real.is_dir():
                return [self.resolve(relative, referenced_at, what)]
            found = sorted(
                (path for path in real.iterdir() if path.suffix.lower() == suffix and path.is_file()),
                key=lambda path: [
                    int(part) if part.isdigit() else part.lower() for part in _NUMBERS.split(path.name)
                ],
            )
        except OSError as error:
            raise self._unopenable(relative, referenced_at, what, error) from None
        if not found:
            raise BookError.at(
                referenced_at,
                f"{what} folder '{relative}' holds no {suffix} file; put the text in it, or name its files",
            )
        return [
            self.resolve(path.relative_to(self.root.resolve()).as_posix(), referenced_at, what)
            for path in found
        ]

    def _inside(
        self, relative: str, referenced_at: SourceLocation | None, what: str, base: Path | None
    ) -> Path:
        """The real path named, if it is inside the project."""
        if "://" in relative or relative.startswith("data:"):
            raise BookError.at(
                referenced_at,
                f"{what} '{relative}' is a URL; nothing is fetched from the network: "
                "put the file in the project folder and give its path",
            )
        if "\0" in relative:
            raise BookError.at(referenced_at, f"{what} {relative!r} has a NUL character; give a file name")
        name = PurePosixPath(relative)
        if name.is_absolute() or Path(relative).is_absolute():
            raise BookError.at(
                referenced_at,
                f"{what} '{relative}' is an absolute path; give a path relative to the project folder",
            )
        try:
            real = ((base or self.root) / relative).resolve()
        except (OSError, RuntimeError) as error:  # a name too long; a loop of links (Python 3.11)
            raise self._unopenable(relative, referenced_at, what, error) from None
        if not real.is_relative_to(self.root.resolve()):
            raise BookError.at(
                referenced_at,
                f"{what} '{relative}' is outside the project folder; "
                "copy the file into the project and name it from there",
            )
        return real

    @staticmethod
    def _unopenable(
        relative: str, referenced_at: SourceLocation | None, what: str, error: Exception
    ) -> BookError:
        reason = getattr(error, "strerror", None) or error
        return BookError.at(referenced_at, f"{what} '{relative}' cannot be opened ({reason}); check the path")

    def location(self, path: Path, line: int | None = None) -> SourceLocation:
        """How a file of the project is named in messages: relative to the project folder."""
        try:
            shown = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            shown = path
        return SourceLocation(shown, line)

    def read_text(self, path: Path) -> str:
        """The text of a source file; a file that is not UTF-8 text is an error at its first bad line."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BookError.at(
                self.location(path), f"cannot be read ({error.strerror or error}); check the file"
            ) from None
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise BookError.at(self.location(path, 1), "this file is UTF-16 text; save it as UTF-8")
        if b"\0" in data:
            line = data[: data.index(b"\0")].count(b"\n") + 1
            raise BookError.at(
                self.location(path, line), "this is a binary file, not text; give a UTF-8 text file"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise BookError.at(
                self.location(path, line),
                f"byte 0x{data[error.start]:02x} is not valid UTF-8; save the file as UTF-8",
            ) from None
        return text.removeprefix("\ufeff").replace("\r\n", "\n")
