"""What a build reports of each edition it makes, and how thoroughly it checks them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from amnesty_book.project.config import Edition

NO_CHECKS, FAST_CHECKS, ALL_CHECKS = "none", "fast", "all"


@dataclass(frozen=True)
class Built:
    """One edition written by this build, and how long it took."""

    edition: Edition
    output: str  # its file (or folder) name in the output folder
    seconds: float | None  # None: up to date, left as it was


Progress = Callable[[Built], None]
