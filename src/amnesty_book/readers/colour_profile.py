"""Reads the print shop's ICC profile: a CMYK output profile, or a located error."""

from __future__ import annotations

from pathlib import Path

from PIL import ImageCms

from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError


def check_cmyk_profile(path: Path, where: SourceLocation, written: str) -> None:
    """Nothing, if the profile is a CMYK output (printer) profile; else an error at book.toml's
    line that names it."""
    try:
        profile = ImageCms.getOpenProfile(str(path)).profile
    except (ImageCms.PyCMSError, OSError):
        raise BookError.at(
            where, f"profile '{written}' is not an ICC profile; ask the print shop for its press's .icc file"
        ) from None
    space = profile.xcolor_space.strip()
    if space != "CMYK" or profile.device_class != "prtr":
        raise BookError.at(
            where,
            f"profile '{written}' is for {space}, not a CMYK output profile; "
            "ask the print shop for its press's CMYK profile",
        )


def description(path: Path) -> str:
    """The profile's own name for itself, which the PDF's output intent repeats."""
    return ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip()
