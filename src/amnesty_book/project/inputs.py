"""The digest of everything each edition is made from: its sources, fonts, images, the
project's look, the builder's own code and the config, so that an edition whose inputs did
not change is not made again (publish/) and a layout can start where the last one ended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import yaml

from amnesty_book.project.config import BookConfig, Edition, page_source
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.project.source_files import face_files, press_profile, source_files, style_files
from amnesty_book.project.sources import Project
from amnesty_book.support.cache import code_digest, digest_of
from amnesty_book.support.errors import BookError


def edition_key(root: Path, config: BookConfig, edition: Edition) -> str | None:
    """The digest of everything the edition is made from (None: the inputs cannot be listed)."""
    keys = edition_keys(root, config, [edition])
    return None if keys is None else keys[edition.name]


def edition_keys(root: Path, config: BookConfig, editions: Sequence[Edition]) -> dict[str, str] | None:
    """A digest per edition of everything it is made from; None when the inputs cannot even be
    listed (the full build then says what is wrong)."""
    inputs = _input_files(root, config)
    if inputs is None:
        return None
    # The config counts by its meaning, less its editions: each edition by its own entry. The
    # project's files count by their names too: a stylesheet's name says which editions read it.
    names = [path.relative_to(root).as_posix() for path in inputs if path.is_relative_to(root)]
    everything = digest_of(inputs, code_digest(), repr(replace(config, editions=())), *names)
    return {
        edition.name: digest_of((), everything, repr(edition), _marked_pages(config, edition))
        for edition in editions
    }


def _marked_pages(config: BookConfig, edition: Edition) -> str:
    """The edition whose printed pages this one's page list marks (the EPUB's), by its entry."""
    return repr(page_source(config, edition)) if KINDS[edition.kind].marks_pages_of else ""


def _input_files(root: Path, config: BookConfig) -> list[Path] | None:
    """The files every edition is made from: the sources, the fonts, the plates' images and
    the project's look (every file in styles/: stylesheets, templates, their fonts and images).
    None if any is missing or outside the project: the full build then says what is wrong."""
    project = Project(root)
    try:
        files = source_files(project, config)
        fonts = face_files(project, config)
        profile = press_profile(project, config)
        images = []
        if files.plates:
            manifest = yaml.safe_load(files.plates.read_text(encoding="utf-8"))
            folder = files.plates.parent
            images = [project.resolve(item["file"], None, "image", base=folder) for item in manifest]
        look = style_files(root)
    except (BookError, OSError, ValueError, yaml.YAMLError, TypeError, KeyError, RecursionError):
        return None
    return [*files.all, *fonts, *([profile] if profile else []), *images, *look]
