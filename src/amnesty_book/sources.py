"""Opens the project's source files: only inside the project folder, only valid UTF-8 text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BookError, SourceLocation


@dataclass(frozen=True)
class Project:
    """The project folder; every file the build reads is resolved through it."""

    root: Path

    def resolve(
        self, relative: str, referenced_at: SourceLocation | None, what: str, base: Path | None = None
    ) -> Path:
        """The real path of a file named in a source (relative to `base`, by default the project
        folder), refused if it leaves the project."""
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
        candidate = (base or self.root) / relative
        try:
            real = candidate.resolve()
            if not real.is_relative_to(self.root.resolve()):
                raise BookError.at(
                    referenced_at,
                    f"{what} '{relative}' is outside the project folder; "
                    "copy the file into the project and name it from there",
                )
            if real.is_dir():
                raise BookError.at(referenced_at, f"{what} '{relative}' is a folder; give the path of a file")
            if real.exists() and not real.is_file():
                raise BookError.at(referenced_at, f"{what} '{relative}' is not a regular file; give a file")
            if not real.is_file():
                raise BookError.at(referenced_at, f"{what} '{relative}' does not exist; check the file name")
        except (OSError, RuntimeError) as error:  # a name too long; a loop of links (Python 3.11)
            reason = getattr(error, "strerror", None) or error
            raise BookError.at(
                referenced_at, f"{what} '{relative}' cannot be opened ({reason}); check the path"
            ) from None
        return real

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
