"""Reads every source of a project into the numbered Book, reporting all problems at once."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from amnesty_book.citing.bibliography import read_bibliography
from amnesty_book.citing.processor import check_keys, set_citations
from amnesty_book.citing.style import find_style
from amnesty_book.model import Book, FontFace
from amnesty_book.model.numbering import number_book
from amnesty_book.project.config import CONFIG_NAME, load_config
from amnesty_book.project.source_files import FONT_KEYS, face_files, press_profile, source_files
from amnesty_book.project.sources import Project
from amnesty_book.readers.appendices import read_appendix
from amnesty_book.readers.colour_profile import check_cmyk_profile
from amnesty_book.readers.glyphs import check_font, check_glyphs
from amnesty_book.readers.hyphenation import exceptions_file, read_exceptions
from amnesty_book.readers.manuscript import read_manuscript
from amnesty_book.readers.markup import typeset_in
from amnesty_book.readers.plates import read_plates
from amnesty_book.readers.scan_checks import ScanChecks
from amnesty_book.support.errors import BookError, Problems, tell


def load_book(root: Path) -> Book:
    project = Project(root.resolve())
    with ScanChecks(project.root) as scans:
        return _read_book(project, scans)


def _read_book(project: Project, scans: ScanChecks) -> Book:
    start = time.perf_counter()
    config = load_config(project)
    files = source_files(project, config)
    problems = Problems()
    manuscript, plates, appendices = None, {}, []
    with typeset_in(config.language, config.foreign_phrases):
        try:  # each source read even if another is broken
            manuscript = read_manuscript(project, files.manuscript)
        except BookError as error:
            problems.extend(error)
        try:
            plates = read_plates(project, files.plates, scans) if files.plates else {}
        except BookError as error:
            problems.extend(error)
        for kind, path in files.appendices:
            try:
                appendices.append(read_appendix(project, kind, path, config))
            except BookError as error:
                problems.extend(error)
    bibliography, citation_style = None, None
    if files.bibliography:
        try:
            bibliography = read_bibliography(project, files.bibliography)
            citation_style = find_style(
                project, config.citations.style, config.location("citations", "style")
            )
        except BookError as error:
            problems.extend(error)
    try:
        profile = press_profile(project, config)
        if profile:
            check_cmyk_profile(profile, config.location("press", "profile"), config.press.profile)
    except BookError as error:
        problems.extend(error)
    hyphenation: tuple[tuple[str, tuple[int, ...]], ...] = ()
    if (exceptions := exceptions_file(project)) is not None:
        try:
            hyphenation = read_exceptions(project, exceptions)
        except BookError as error:
            problems.extend(error)
    fonts = []
    try:
        faces = face_files(project, config)
    except BookError as error:
        problems.extend(error)
        faces = ()
    for key, path, (relative, style, weight) in zip(FONT_KEYS, faces, config.fonts.faces, strict=False):
        where = config.location("fonts", key)
        try:
            check_font(path, where, relative or path.name)
            fonts.append(FontFace(path, style, weight))
        except BookError as error:
            problems.extend(error)
    if problems:  # reported with the scans that do not decode
        scans.wait(problems)
    problems.raise_if_any()
    assert manuscript is not None  # else a problem was raised
    read = time.perf_counter()
    tell(f"reading: the sources read in {read - start:.1f} s")
    sources = (project.root / CONFIG_NAME, *files.all)
    makes_notes = citation_style is not None and citation_style.makes_notes
    book = number_book(config, manuscript, plates, tuple(appendices), tuple(fonts), sources, makes_notes)
    book = replace(book, hyphenation=hyphenation)
    try:
        check_keys(book, bibliography)
        if bibliography and citation_style:
            book = set_citations(book, bibliography, citation_style, config.citations.list_uncited)
        check_glyphs(book)
    except BookError as error:
        problems.extend(error)
    scans.wait(problems)  # decoded while pandoc set the citations
    problems.raise_if_any()
    seconds = time.perf_counter() - read
    tell(f"model: the book numbered, its citations set and its glyphs checked in {seconds:.1f} s")
    return book
