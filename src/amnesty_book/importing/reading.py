"""Opens the document to import: tells a .docx from an .odt and both from what they are not
(a .doc, a password-protected or damaged file), and has pandoc read it to its syntax tree."""

from __future__ import annotations

import json
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amnesty_book.citing.pandoc_program import pandoc
from amnesty_book.importing import opendocument, word
from amnesty_book.importing.word import WordFacts
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

# An OLE compound file: a Word 97-2003 .doc, or an Office document encrypted with a password.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT = "application/vnd.oasis.opendocument.text"
_PANDOC_SECONDS = 300


@dataclass
class Reading:
    """The document as pandoc read it, and what its parts said besides."""

    kind: str  # docx, odt
    tree: dict[str, Any]
    facts: WordFacts


def read(source: Path, scratch: Path, changes: str) -> Reading:
    """Reads `source`, its pictures extracted under `scratch`; a BookError names what is wrong."""
    kind = kind_of(source)
    where = SourceLocation(source)
    if kind == "docx":
        mended = scratch / "mended.docx"
        try:
            facts = word.mend(source, mended, changes)
        except (KeyError, zipfile.BadZipFile, EOFError, ValueError) as error:
            raise BookError.at(
                where, f"this document is damaged ({_reason(error)}); open it in Word and save it again"
            ) from None
    else:
        mended = scratch / "mended.odt"
        try:
            facts = opendocument.mend(source, mended)
        except (KeyError, zipfile.BadZipFile, EOFError, ValueError) as error:
            raise BookError.at(
                where,
                f"this document is damaged ({_reason(error)}); open it in LibreOffice and save it again",
            ) from None
    if facts.changes and changes == "stop":
        raise BookError.at(
            where,
            f"this document has {facts.changes} tracked change(s); import it with --accept-changes or "
            "--reject-changes, or decide them in the word processor first",
        )
    if kind == "odt" and facts.changes and changes == "reject":
        raise BookError.at(
            where,
            "rejecting the tracked changes of an .odt is not supported; reject them in LibreOffice "
            "(Edit > Track Changes > Reject All), save, and import it again",
        )
    command = [pandoc(), "-f", kind, "-t", "json", f"--extract-media={scratch / 'media'}", str(mended)]
    if kind == "docx":
        command[3:3] = [f"--track-changes={'reject' if changes == 'reject' else 'accept'}"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=_PANDOC_SECONDS, check=False, cwd=scratch)
    except subprocess.TimeoutExpired:
        raise BookError.at(
            where, f"pandoc did not finish reading it in {_PANDOC_SECONDS} s; is it damaged?"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BookError.at(
            where,
            f"pandoc cannot read this document ({message[-1] if message else 'no message'}); is it damaged?",
        )
    return Reading(kind, json.loads(done.stdout), facts)


def kind_of(source: Path) -> str:
    """docx or odt, by what the file holds (its name may say otherwise)."""
    where = SourceLocation(source)
    if not source.exists():
        raise BookError.at(where, "no such file; name the .docx or .odt to import")
    if source.is_dir():
        raise BookError.at(where, "this is a folder; name the .docx or .odt file to import")
    try:
        with source.open("rb") as opened:
            start = opened.read(8)
            if start == _COMPOUND_FILE:
                return _compound(source, opened.read())
    except OSError as error:
        raise BookError.at(
            where, f"this file cannot be read ({error.strerror or error}); check its permissions"
        ) from None
    if not zipfile.is_zipfile(source):
        if source.suffix.lower() in (".docx", ".odt"):
            raise BookError.at(
                where, "this document is damaged (it is not the zip archive a .docx or .odt is)"
            )
        raise BookError.at(where, "this is not a Word (.docx) or OpenDocument (.odt) document")
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").decode("ascii", "replace").strip() == _ODT:
                manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                if b"encryption-data" in manifest:
                    raise BookError.at(where, _PASSWORD)
                return "odt"
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise BookError.at(where, f"this document is damaged ({_reason(error)})") from None
    raise BookError.at(where, "this is not a Word (.docx) or OpenDocument text (.odt) document")


_PASSWORD = (
    "this document is protected by a password; remove the password in the word processor, "
    "save it and import it again"
)


def _compound(source: Path, rest: bytes) -> str:
    where = SourceLocation(source)
    if "EncryptionInfo".encode("utf-16-le") in rest:
        raise BookError.at(where, _PASSWORD)
    if "WordDocument".encode("utf-16-le") in rest:
        raise BookError.at(
            where, "this is a Word 97-2003 document (.doc); save it as .docx in Word and import that"
        )
    raise BookError.at(where, "this is not a Word (.docx) or OpenDocument (.odt) document")


def _reason(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"it has no part {error.args[0]}"
    return " ".join(str(error).split())[:120] or type(error).__name__
