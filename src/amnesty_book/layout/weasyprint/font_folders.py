"""WeasyPrint's copies of a book's fonts made in the build's temporary folder.

WeasyPrint copies each font of an `@font-face` rule into a temporary folder of its own (3 MB a
layout for the builder's four faces), which it removes only when the layout's font
configuration is collected (`FontConfiguration.__del__`). A build's worker processes end with
`os._exit`, and a layout cached for the build is alive at exit: no such folder was ever
removed, and 17,000 builds left 46 GB in /tmp. Made in the build's temporary folder
(support/temporary.py), they go with its scratch folder, even after kill -9 (the next build
removes what a killed one left).

Upstream: none filed (`__del__` is WeasyPrint's only clean-up). Written for WeasyPrint 70.0
(text/fonts.py: `FontConfiguration.add_font_face` calls its module's `mkdtemp(prefix=...)`).
"""

from __future__ import annotations

from weasyprint.text import fonts

from amnesty_book.support.temporary import temporary_folder


def apply() -> None:
    fonts.mkdtemp = temporary_folder
