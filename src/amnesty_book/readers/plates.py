"""Reads the plates manifest (YAML): each plate's file, caption, credit, alt text and source."""

from __future__ import annotations

import os
import re
import struct
import warnings
from pathlib import Path

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from amnesty_book.model.drafts import PlateEntry
from amnesty_book.model.text import plain_text
from amnesty_book.project.sources import Project
from amnesty_book.readers.markup import inline_markup
from amnesty_book.readers.scan_checks import ScanChecks, unreadable
from amnesty_book.readers.yaml_records import Record, load_records
from amnesty_book.support.diagnostics import ERROR, WARNING, Diagnostic, SourceLocation
from amnesty_book.support.errors import BookError, Problems

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Alt text and credit optional to the records' reader: the rules below say what is missing.
KEYS = {"id": True, "file": True, "caption": True, "credit": False, "alt": False, "source": True}
# A scan larger than this is refused rather than decoded (decompression bombs).
MAX_IMAGE_PIXELS = 80_000_000
# Greys of more than 8 bits (a 16-bit PNG's), in each byte order.
WIDE_GREYS = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})
# The pixel modes a plate may come in, which images/pixels.py prepares for every edition: each
# that Pillow reads from a JPEG or PNG, and the others it converts without guessing a range
# (not "F", floating point).
PLATE_MODES = (
    WIDE_GREYS
    | {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX"}
    | {"CMYK", "YCbCr", "LAB", "HSV"}  # other colour spaces
)
# A camera's JPEG that holds a second picture Pillow calls MPO; the first is printed.
_FORMATS = {"JPEG", "MPO", "PNG"}
# EXIF orientations that turn the picture a quarter: its width is the stored height.
_QUARTER_TURNS = {5, 6, 7, 8}


def read_plates(project: Project, path: Path, scans: ScanChecks) -> dict[str, PlateEntry]:
    """Plates by id, in manifest order; their scans are left to `scans` to check."""
    file = project.location(path)
    records = load_records(project.read_text(path), file, "plate", KEYS)
    problems = Problems()
    plates: dict[str, PlateEntry] = {}
    for record in records:
        found = entry_problems(record)
        if found:
            problems.extend(BookError(found))
            continue
        try:
            entry = _read_entry(project, path.parent, record, scans)
        except BookError as error:
            problems.extend(error)
            continue
        if entry.id in plates:
            problems.extend(BookError([used_twice(record, entry.id, plates[entry.id].location)]))
        plates[entry.id] = entry
    problems.raise_if_any()
    return plates


def entry_problems(record: Record) -> list[Diagnostic]:
    """What is wrong with one entry by the manifest's rules (an id that is no id, S002; no alt
    text, P001; no credit, P003), which the build and the linter both apply."""
    plate_id = record.values.get("id")
    named = isinstance(plate_id, str) and plate_id.strip()
    name = f"plate '{plate_id}'" if named else "this plate"
    found = []
    if named and not _ID.fullmatch(str(plate_id).strip()):
        found.append(
            Diagnostic.coded(
                "S002",
                record.at("id"),
                f"plate id '{plate_id}' is not valid",
                "use lower-case letters, digits and hyphens",
            )
        )
    if record.blank("alt"):
        found.append(
            Diagnostic.coded(
                "P001", record.at("alt"), f"{name} has no alt text", "describe what the image shows in 'alt'"
            )
        )
    if record.blank("credit"):
        found.append(
            Diagnostic.coded(
                "P003",
                record.at("credit"),
                f"{name} has no credit",
                "add a 'credit' line naming the holder of the image",
            )
        )
    return found


def used_twice(record: Record, plate_id: str, first: SourceLocation) -> Diagnostic:
    """A plate id given to an entry after another (P008)."""
    return Diagnostic.coded(
        "P008",
        record.at("id"),
        f"plate id '{plate_id}' is used twice (first at line {first.line})",
        "give each plate its own id",
    )


def alt_problem(record: Record, alt: str, caption: str) -> Diagnostic | None:
    """Alt text that repeats the caption (an error) or is part of it (a warning), as a reader
    hears them: regardless of case, quotes, spacing and a closing full stop (P002)."""
    said, shown = comparable(alt), comparable(caption)
    if said == shown:
        return Diagnostic.coded(
            "P002",
            record.at("alt"),
            "the alt text repeats the caption",
            "describe what is seen in the image instead",
            ERROR,
        )
    if said and said in shown:
        return Diagnostic.coded(
            "P002",
            record.at("alt"),
            "the alt text is part of the caption",
            "describe what is seen in the image instead",
            WARNING,
        )
    return None


def comparable(text: str) -> str:
    """Text as a reader hears it: no case, quotes or spacing differences, no closing full stop."""
    folded = text.translate(str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u00a0": " "}))
    folded = folded.replace("…", "...")
    return " ".join(folded.split()).rstrip(".").casefold()


def _text(record: Record, key: str, allow_empty: bool = False) -> str:
    value = record.values.get(key)
    if value is None and allow_empty:
        return ""
    if not isinstance(value, str) or not (value.strip() or allow_empty):
        raise BookError.at(record.at(key), f"'{key}' must be a non-empty text")
    return value.strip()


def _read_entry(project: Project, folder: Path, record: Record, scans: ScanChecks) -> PlateEntry:
    plate_id = _text(record, "id")
    written = _text(record, "file")
    real = project.resolve(written, record.at("file"), "image", base=folder)
    width, height = _image_size(real, record.at("file"), written, scans)
    caption = inline_markup(_text(record, "caption", allow_empty=True), record.at("caption"))
    alt = _text(record, "alt")
    repeated = alt_problem(record, alt, plain_text(caption))
    if repeated is not None and repeated.severity == ERROR:
        raise BookError([repeated])
    return PlateEntry(
        id=plate_id,
        file=real,
        width=width,
        height=height,
        caption=caption,
        credit=inline_markup(_text(record, "credit"), record.at("credit"), allow_notes=False),
        alt=alt,
        source=inline_markup(_text(record, "source"), record.at("source"), allow_notes=False),
        location=record.location,
    )


def _image_size(real: Path, where: SourceLocation, shown: str, scans: ScanChecks) -> tuple[int, int]:
    """The scan's size as printed (upright), from its header; `scans` checks the rest of it meanwhile."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(real) as image:
                if image.format not in _FORMATS:
                    raise BookError.at(where, f"image '{shown}' is {image.format}; give a JPEG or PNG file")
                if image.mode not in PLATE_MODES:
                    raise BookError.at(
                        where,
                        f"image '{shown}' holds pixels of mode {image.mode}, which cannot be printed; "
                        "save it as an 8- or 16-bit greyscale or colour image",
                    )
                size = (image.height, image.width) if _turned(image, real) else image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BookError.at(
            where, f"image '{shown}' has more than {MAX_IMAGE_PIXELS:,} pixels; scale it down"
        ) from None
    except UnidentifiedImageError:
        raise BookError.at(where, f"image '{shown}' is not a JPEG or PNG image; replace the file") from None
    except (OSError, SyntaxError, ValueError) as error:  # Pillow's words for a damaged file
        raise unreadable(real, where, shown, error) from None
    scans.check(real, where, shown)
    return size


def _turned(image: ImageFile.ImageFile, real: Path) -> bool:
    """Whether the scan's EXIF orientation turns it a quarter. To find an eXIf chunk after the
    pixels Pillow decodes a whole PNG; its chunks are listed instead, and only a PNG that has
    one there is decoded."""
    if image.format == "PNG" and "exif" not in image.info and not _exif_after_pixels(real):
        return False
    return image.getexif().get(ExifTags.Base.Orientation) in _QUARTER_TURNS


def _exif_after_pixels(png: Path) -> bool:
    with png.open("rb") as stream:
        stream.seek(8)  # past the signature
        while len(header := stream.read(8)) == 8:
            length, kind = struct.unpack(">I4s", header)
            if kind in {b"eXIf", b"IEND"}:
                return kind == b"eXIf"
            stream.seek(length + 4, os.SEEK_CUR)  # the data and its CRC
    return False  # a truncated file, which decoding it refuses
