"""A pseudo-element's style made when a box asks for it, not for every element there is.

WeasyPrint 70 computes a style for each pseudo-element that any rule reaches: its own
stylesheet gives every element a `::marker`, a `::footnote-call`, a `::footnote-marker` and
three more, so a document of n elements holds 7n styles, each keeping its own copy of the same
few declarations (their values and weights as tuples). Only a list item's marker, a note's
call and marker, and a `::before` or `::after` a rule gives content are ever asked for. A
chapter of 500 notes (bench/cost.py) held 13,731 styles after its layout, 10,452 of them for
pseudo-elements no box asked for; one of 2,000 notes took 358 MB to lay out, 326 MB without
them.

Here a pseudo-element's style is made the first time `StyleFor` is asked for it, from what
WeasyPrint would have made it from (its element's style, the root's, the declarations that
reach it); the declarations that reach many pseudo-elements alike are kept once.

Upstream: none filed. Written for WeasyPrint 70.0 (css/__init__.py: `StyleFor.__init__`,
`set_computed_styles`, `__call__`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from weasyprint import css

_set_computed_styles = css.StyleFor.set_computed_styles
_style_for = css.StyleFor.__call__


def set_computed_styles(
    self: css.StyleFor,
    element: Any,
    parent: Any,
    root: Any = None,
    pseudo_type: str | None = None,
    base_url: str | None = None,
    target_collector: Any = None,
) -> None:
    """WeasyPrint's, but a document element's pseudo-element is only noted, to be made when asked."""
    if pseudo_type is None or not hasattr(element, "tag"):
        _set_computed_styles(self, element, parent, root, pseudo_type, base_url, target_collector)
        return
    cascaded = self._cascaded_styles.get((element, pseudo_type), {})
    # The values are the stylesheet's own objects, alive as long as the rules: their ids name them.
    alike: Hashable = tuple((name, id(values), weight) for name, (values, weight) in cascaded.items())
    shared: dict[Hashable, dict[str, Any]] = self.__dict__.setdefault("shared_declarations", {})
    pending: dict[tuple[Any, str], tuple[Any, ...]] = self.__dict__.setdefault("pending_pseudo_styles", {})
    pending[element, pseudo_type] = (parent, root, base_url, shared.setdefault(alike, cascaded))


def style_for(self: css.StyleFor, element: Any, pseudo_type: str | None = None) -> Any:
    """WeasyPrint's, the pseudo-element's style made first if it is only noted."""
    pending = self.__dict__.get("pending_pseudo_styles")
    if pending and (noted := pending.pop((element, pseudo_type), None)) is not None:
        parent, root, base_url, cascaded = noted
        styles = self._computed_styles
        styles[element, pseudo_type] = css.ComputedStyle(
            styles[parent, None],
            cascaded,
            pseudo_type,
            styles[root, None],
            base_url,
            self.font_config,
            self.initial_page_sizes,
        )
    return _style_for(self, element, pseudo_type)


def apply() -> None:
    css.StyleFor.set_computed_styles = set_computed_styles
    css.StyleFor.__call__ = style_for
