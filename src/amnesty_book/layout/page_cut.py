"""Editions made from the layout of the same pages on another paper (page_geometry.SAME_PAGES):
the edition whose layout they take, and its pages cut to their paper."""

from __future__ import annotations

import io

import pikepdf

from amnesty_book.project.config import BookConfig, Edition
from amnesty_book.project.edition_kinds import HALF_SHEET, KINDS
from amnesty_book.theme.page_geometry import SAME_PAGES, cut_offset, trim_size_pt

_BOXES = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")


def cut_source(config: BookConfig, edition: Edition) -> Edition:
    """The edition whose layout `edition` is cut from: the book's edition of its kind on the
    paper its pages are laid out on, or one made for the purpose under its own name (its
    warnings then name it); the edition itself if it is laid out on its own paper."""
    page_paper = SAME_PAGES.get(edition.page_size)
    if page_paper is None or not KINDS[edition.kind].cut_to_paper:
        return edition
    declared = (
        candidate
        for candidate in config.editions
        if candidate.kind == edition.kind and candidate.page_size == page_paper
    )
    folded = KINDS[edition.kind].folded
    paper = next(sheet for sheet, page in HALF_SHEET.items() if page == page_paper) if folded else page_paper
    return next(declared, Edition(edition.name, edition.kind, paper))


def cut(pdf: bytes, edition: Edition) -> bytes:
    """The pages of `pdf`, laid out on the paper with the same pages, cut to the edition's: each
    page's boxes are moved to where its paper stands on it; nothing it draws is changed."""
    width, height = trim_size_pt(edition)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for index, page in enumerate(document.pages):
            left, bottom = cut_offset(edition, index)
            paper = pikepdf.Array([left, bottom, left + width, bottom + height])
            for box in _BOXES:
                if box in page.obj or box == "/MediaBox":
                    page.obj[box] = paper
        output = io.BytesIO()
        document.save(output, deterministic_id=True)
    return output.getvalue()
