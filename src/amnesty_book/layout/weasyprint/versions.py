"""The versions of WeasyPrint and the libraries under it that the patches are written for, checked."""

from __future__ import annotations

from amnesty_book.support.errors import BookError

# What the patches reach into, at the versions constraints.txt pins: each patch replaces code
# of these very releases, so another release may be patched wrongly (and silently).
WRITTEN_FOR = {
    "weasyprint": "70.0",
    "pydyf": "0.13.0",
    "pyphen": "0.18.1",
    "tinycss2": "1.5.1",
    "cssselect2": "0.10.1",
}
_FIX = "run `make` again, or `pip install -c constraints.txt -e .`"


def installed(package: str) -> str | None:
    """The installed version of `package`, None if it is not installed."""
    from importlib import metadata  # here, not on import: the command line imports this module

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def require_pinned_versions() -> None:
    """Fails with one line on the first package installed at another version than the
    patches are written for."""
    for package, needed in WRITTEN_FOR.items():
        found = installed(package)
        if found != needed:
            have = f"{package} {found} is installed" if found else f"{package} is not installed"
            raise BookError.at(
                None,
                f"amnesty-book: {have}, but WeasyPrint's patches are written for {package} {needed}: {_FIX}",
            )


def written_for(*packages: str) -> str:
    """`packages` at the versions the patches are written for, as a table entry says it."""
    return ", ".join(f"{package} {WRITTEN_FOR[package]}" for package in packages)
