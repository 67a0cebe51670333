"""A property no rule sets, computed as WeasyPrint computes it, without its general case's steps.

WeasyPrint 70 computes each property of an element's style the first time it is asked for
(`ComputedStyle.__missing__`), by a path that serves every case: a value set with `var()` or
`calc()`, a logical property standing for a physical one, the properties that depend on each
other (`float`, `display`, `position`), text decorations, `page`. Most properties asked for are
set by no rule (an element's padding, width, anchor, counters: 150,000 of the article's
computations, 15 for each of its 10,000 styles) and take their parent's value or their
initial one, at 4 microseconds each. Such a property, where neither it nor a logical property
standing for it is cascaded, is given here the value the general path gives it: the parent's
computed value if it inherits (the root's goes the general way), else its initial value where
that is its computed value. Everything else goes WeasyPrint's way.

Upstream: none filed. Written for WeasyPrint 70.0 (css/__init__.py: `ComputedStyle.__missing__`;
css/computed_values.py: `PHYSICAL_FUNCTIONS`; css/properties.py).
"""

from __future__ import annotations

from typing import Any

from weasyprint import css
from weasyprint.css.computed_values import PHYSICAL_FUNCTIONS
from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES

_missing = css.ComputedStyle.__missing__

# The properties the general path treats otherwise than by inheriting or taking the initial
# value when no rule sets them.
_OWN_WAYS = frozenset({"float", "display", "position", "page"})
_PLAIN = frozenset(
    key for key in INITIAL_VALUES if key not in _OWN_WAYS and not key.startswith(("text_decoration_", "__"))
)
_INITIAL_IS_COMPUTED = _PLAIN - INITIAL_NOT_COMPUTED
# The logical properties that may stand for each physical one, in either inline direction.
_LOGICAL = {
    key: frozenset(function(block="ttb", inline=inline) for inline in ("ltr", "rtl"))
    for key, function in PHYSICAL_FUNCTIONS.items()
}


def missing(self: css.ComputedStyle, key: str) -> Any:
    """WeasyPrint's `ComputedStyle.__missing__`, shorter for a property no rule sets."""
    cascaded = self.cascaded
    if (
        key in _PLAIN
        and key not in cascaded
        and (key not in _LOGICAL or cascaded.keys().isdisjoint(_LOGICAL[key]))
    ):
        if key in INHERITED:
            parent = self.parent_style
            if parent is not None:
                value = self[key] = parent[key]
                return value
        elif key in _INITIAL_IS_COMPUTED:
            value = self[key] = INITIAL_VALUES[key]
            return value
    return _missing(self, key)


def apply() -> None:
    css.ComputedStyle.__missing__ = missing
