"""How many processes one group of editions may run at once, for the parts of a layout or
the pages of a read-back: all the cores when a build makes one group, one when its groups
share the cores."""

from __future__ import annotations

_processes = 1


def share(processes: int) -> None:
    global _processes
    _processes = processes


def spare() -> int:
    return _processes
