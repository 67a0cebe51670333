"""Loads WeasyPrint's C libraries by the names that open directly, skipping ctypes' search.

WeasyPrint tries several names for each library (pango, harfbuzz...), the names of other
systems first. For each name that is no file, cffi asks `ctypes.util.find_library`, which on
Linux runs ldconfig, gcc and ld in turn: some twenty processes and 0.15 s of every build,
spent before the name that opens directly (`libpango-1.0.so.0`, `libpango-1.0.dylib`, the
DLL's name on Windows) is tried. While WeasyPrint's ffi module loads, that search answers
"not found" at once; the process's other users of ctypes are untouched.

Installed when the builder's package is imported, before WeasyPrint is (so this module, and
its package's __init__, import nothing of WeasyPrint's); applying it again later does nothing.

Upstream: none filed. Written for WeasyPrint 70.0 (text/ffi.py: the names it tries) and cffi
2.1.1 (`dlopen` asks `ctypes.util.find_library` for a name that does not open).
"""

from __future__ import annotations

import ctypes.util
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

_FFI_MODULE = "weasyprint.text.ffi"


class _DirectNames(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _FFI_MODULE:
            return None
        sys.meta_path.remove(self)  # once: the module is then loaded and kept
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            search = ctypes.util.find_library
            ctypes.util.find_library = lambda name: None
            try:
                load(module)
            finally:
                ctypes.util.find_library = search

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Before WeasyPrint is first imported in this process."""
    if _FFI_MODULE not in sys.modules and not any(isinstance(f, _DirectNames) for f in sys.meta_path):
        sys.meta_path.insert(0, _DirectNames())


def apply() -> None:
    """As the table applies each patch: done already, when the package was imported."""
    install()
