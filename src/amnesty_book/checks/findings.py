"""What the checks of the built editions find: one Finding each, an error, a warning or an info."""

from __future__ import annotations

from dataclasses import dataclass

# An error fails the build; a warning is printed; an info (a measurement, not a problem) is
# shown only on request (build --verbose, check --verbose).
ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Finding:
    edition: str
    where: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        marker = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{self.edition}: {self.where}: {marker}{self.message}"
