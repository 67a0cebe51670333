"""Builds editions: finds those whose inputs changed since they were last built, and has them
written, checked and published (production.py, which imports nothing from here but the
progress it reports: progress.py).

Only what decides that is imported here: a build with nothing to do answers at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import yaml

from amnesty_book.build.cache import BuildState, code_digest, digest_of
from amnesty_book.build.progress import FAST_CHECKS, Built, Progress
from amnesty_book.build.scratch import remove_abandoned_scratch
from amnesty_book.errors import BookError
from amnesty_book.project.config import BookConfig, Edition, load_config, page_source
from amnesty_book.project.source_files import face_files, press_profile, source_files
from amnesty_book.project.sources import Project
from amnesty_book.theme.project_styles import style_files


def build(
    project: Path,
    out: Path | None = None,
    editions: Sequence[str] = (),
    check: str = FAST_CHECKS,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Builds the named editions (all the config declares if none are named) into `out`
    (default: the project's dist/) and returns what was written: nothing if every edition
    is already built from the same inputs (unless `force`).

    The editions are read back and checked (`check`: NO_CHECKS, FAST_CHECKS, or ALL_CHECKS
    with EPUBCheck) before they are published. Nothing in `out` changes unless every edition
    was written and passed: a bad manuscript, a failing writer or a failed check leaves the
    previous build exactly as it was.
    """
    root = project.resolve()
    out = (out or root / "dist").resolve()
    config = load_config(Project(root))
    chosen = select_editions(config, editions)
    state = BuildState(root, out)
    keys = _edition_keys(root, config, chosen)
    stale = [
        edition
        for edition in chosen
        if force
        or keys is None
        or not state.is_current(edition.name, keys[edition.name], out / edition.output_name(config.slug))
    ]
    if progress:
        for edition in chosen:
            if edition not in stale:
                progress(Built(edition, edition.output_name(config.slug), None))
    remove_abandoned_scratch(out.parent)
    if not stale:
        return []
    from amnesty_book.build.production import produce  # the book's readers, the writers and the checks

    published = produce(root, stale, out, check, progress)
    if keys is not None:
        state.record({edition.name: keys[edition.name] for edition in stale})
    return published


def select_editions(config: BookConfig, names: Sequence[str]) -> list[Edition]:
    """The declared editions of these names, in the order given; all of them if none is named."""
    declared = {edition.name: edition for edition in config.editions}
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise BookError.at(None, f"no edition named {', '.join(unknown)}; the book has {', '.join(declared)}")
    return [declared[name] for name in dict.fromkeys(names)] or list(declared.values())


def edition_key(root: Path, config: BookConfig, edition: Edition) -> str | None:
    """The digest of everything the edition is made from (None: the inputs cannot be listed)."""
    keys = _edition_keys(root, config, [edition])
    return None if keys is None else keys[edition.name]


def _edition_keys(root: Path, config: BookConfig, editions: Sequence[Edition]) -> dict[str, str] | None:
    """A digest per edition of everything it is made from; None when the inputs cannot even be
    listed (the full build then says what is wrong)."""
    inputs = _input_files(root, config)
    if inputs is None:
        return None
    # The config counts by its meaning, less its editions: each edition by its own entry. The
    # project's files count by their names too: a stylesheet's name says which editions read it.
    names = [path.relative_to(root).as_posix() for path in inputs if path.is_relative_to(root)]
    everything = digest_of(inputs, code_digest(), repr(replace(config, editions=())), *names)
    source = page_source(config)
    return {
        edition.name: digest_of((), everything, repr(edition), repr(source) if edition.kind == "epub" else "")
        for edition in editions
    }


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
