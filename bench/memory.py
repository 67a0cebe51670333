"""The peak memory of a command and of every process it starts, read from /proc while it runs
(Linux): each process's own peak resident size (VmHWM, which only grows, read until the
process ends) and the largest sum of the processes' proportional set sizes at one reading, five
times a second (Pss: a page that forked processes share counted once, in parts)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_EVERY = 0.02  # seconds between two readings of each process's peak (its status: cheap)
_SUMS_EVERY = 10  # readings between two sums of the proportional sizes (smaps_rollup walks the pages)


@dataclass(frozen=True)
class Memory:
    seconds: float
    peaks: dict[int, tuple[str, int]]  # pid -> (its command's name, its peak resident size in kB)
    most_at_once: int  # kB: the largest sum of the processes' proportional set sizes at one reading

    def largest(self) -> int:
        return max((peak for _, peak in self.peaks.values()), default=0)

    def summary(self) -> str:
        sizes = sorted((peak for _, peak in self.peaks.values()), reverse=True)
        each = ", ".join(f"{size / 1024:.0f}" for size in sizes)
        return (
            f"{len(sizes)} processes, peak resident size of each (MB): {each}; "
            f"at most {self.most_at_once / 1024:.0f} MB at once"
        )


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _proportional(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next(
        (_kilobytes(line.split(":", 1)[1]) for line in text.splitlines() if line.startswith("Pss:")), 0
    )


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(child) for child in text.split()]
    except OSError:
        pass
    return found


def _kilobytes(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


def measured(command: Sequence[str], **options: object) -> Memory:
    """Runs `command` (as subprocess.run would, checked) and reads the memory of its process
    and of all its descendants until it ends."""
    start = time.perf_counter()
    process = subprocess.Popen(command, **options)  # type: ignore[call-overload]
    peaks: dict[int, tuple[str, int]] = {}
    most = readings = 0
    while process.poll() is None:
        tree, at_once = [process.pid], 0
        summed = readings % _SUMS_EVERY == 0
        readings += 1
        while tree:
            pid = tree.pop()
            status = _status(pid)
            if not status:
                continue
            peak = _kilobytes(status.get("VmHWM"))
            name = status.get("Name", "?").strip()
            peaks[pid] = (name, max(peak, peaks.get(pid, (name, 0))[1]))
            at_once += _proportional(pid) if summed else 0
            tree += _children(pid)
        most = max(most, at_once)
        time.sleep(_EVERY)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, list(command))
    return Memory(time.perf_counter() - start, peaks, most)
