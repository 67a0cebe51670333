"""What the registries of kinds (of edition, of appendix) share: the error of a wrong
declaration, and the checks of a kind's name and of a function it names to be imported later."""

from __future__ import annotations

import importlib.util
import re

NAME = re.compile(r"[a-z][a-z0-9]*")
_FUNCTION = re.compile(r"([A-Za-z_][\w.]*):([A-Za-z_]\w*)")


class RegistrationError(Exception):
    """A kind declared with a missing or wrong piece."""


def function_problem(role: str, reference: str) -> str | None:
    """What is wrong with the 'module:function' a declaration names as its `role` (its
    writer, its reader), if anything: its module is looked for, not imported."""
    found = _FUNCTION.fullmatch(reference)
    if found is None:
        return f"its {role} '{reference}' is not 'module:function'"
    try:
        exists = importlib.util.find_spec(found.group(1)) is not None
    except ModuleNotFoundError:  # a package on the way is missing
        exists = False
    return None if exists else f"its {role}'s module '{found.group(1)}' does not exist"
