"""Changes to WeasyPrint's own functions, made line by line on their source and checked to apply."""

from __future__ import annotations

import inspect
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any


def changed(
    function: Callable[..., Any], changes: Sequence[tuple[str, str]], **names: object
) -> Callable[..., Any]:
    """`function` with each (old, new) change made to its source, and `names` among its
    globals for the new lines to call. Each `old` must stand in it exactly once: a WeasyPrint
    that is not the one these changes were written for is refused rather than changed wrongly.
    The changed function is compiled at its own lines of its own file, so that a traceback
    points where it should; a method comes back as its source defines it (a property's
    getter as a property)."""
    lines, first_line = inspect.getsourcelines(function)
    source = textwrap.dedent("".join(lines))  # a method's source is indented
    for old, new in changes:
        if source.count(old) != 1:
            raise RuntimeError(
                f"{function.__module__}.{function.__name__} is not the one amnesty-book changes; "
                "review weasyprint_fixes.py and page_floats.py for this WeasyPrint"
            )
        source = source.replace(old, new)
    module = sys.modules[function.__module__]
    namespace = {**vars(module), **names}
    exec(compile("\n" * (first_line - 1) + source, module.__file__ or function.__module__, "exec"), namespace)
    new_function: Callable[..., Any] = namespace[function.__name__]
    return new_function
