"""Kinds of edition are declared once (edition_kinds.py): a wrong declaration fails when it is
registered, and a new kind is one module, its declaration and its writer."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import replace

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from amnesty_book.project.edition_kinds import KINDS, EditionKind, register
from amnesty_book.project.registration import RegistrationError
from amnesty_book.publish import build
from amnesty_book.support.errors import BookError
from conftest import SmallProject

WEB = KINDS["web"]


@pytest.fixture
def restored_registry() -> Iterator[None]:
    kinds = dict(KINDS)
    yield
    KINDS.clear()
    KINDS.update(kinds)


@pytest.mark.parametrize(
    ("changes", "wrong"),
    [
        (
            {"writer": "amnesty_book.writers.nowhere:write"},
            "its writer's module 'amnesty_book.writers.nowhere' does not exist",
        ),
        ({"writer": "write_web"}, "its writer 'write_web' is not 'module:function'"),
        ({"format": "docx"}, "its format 'docx' is none of html, epub, pdf"),
        (
            {"papers": ("A3",)},
            "its papers A3 are not among A4, Letter, A5, Half-Letter; "
            "a pdf edition, and only one, is printed on papers",
        ),
        ({"format": "pdf"}, "a pdf edition, and only one, is printed on papers"),
        ({"output": "book.html"}, "its output does not name the book ('{slug}')"),
        ({"words": {"en": "Copy"}}, "it has no name (words) in pl"),
        ({"plates_from": "camera"}, "its plates_from 'camera' is none of prepared, scan, press"),
        ({"pdf_variant": "pdf/x-4"}, "its pdf_variant 'pdf/x-4' is none of pdf/ua-1, pdf/a-3a"),
        (
            {"imposed_pages": "amnesty_book.writers.nowhere:pages"},
            "its imposed_pages's module 'amnesty_book.writers.nowhere' does not exist",
        ),
        ({"name": "web"}, "a kind of that name is registered already"),
    ],
)
def test_a_wrong_declaration_fails_at_registration(
    restored_registry: None, changes: dict[str, object], wrong: str
) -> None:
    kind = replace(WEB, **{"name": "copy", **changes})
    with pytest.raises(RegistrationError) as error:
        register(kind)
    assert str(error.value) == f"edition kind '{kind.name}': {wrong}"
    assert "copy" not in KINDS


def test_a_new_kind_is_its_declaration(restored_registry: None, small_project: SmallProject) -> None:
    """A kind declared with the web writer and a file name of its own is accepted by book.toml,
    written and read back like the web edition."""
    register(
        EditionKind(
            name="copy", writer=WEB.writer, format="html", output="{slug}-{edition}-copy", words=WEB.words
        )
    )
    small_project.write(
        "book.toml",
        (small_project.root / "book.toml").read_text() + '\n[editions.mirror]\nkind = "copy"\n',
    )
    out = small_project.root / "dist"
    assert build(small_project.root, out) == [out / "small-mirror-copy"]
    assert (
        (out / "small-mirror-copy" / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    )


def test_a_kind_of_one_module_is_built_and_checked(
    restored_registry: None, small_project: SmallProject
) -> None:
    """tests/extensions/proof_edition.py declares a proof edition and writes it, in one module:
    book.toml asks for it, the build writes it and reads it back, the colophon names it (as
    book.toml words it anew), and its plates are grey, as it declares."""
    sys.modules.pop("extensions.proof_edition", None)
    importlib.import_module("extensions.proof_edition")  # registers the kind
    small_project.write(
        "book.toml",
        (small_project.root / "book.toml").read_text()
        + '\n[editions.proof]\nkind = "proof"\npaper = "A4"\n'
        + '\n[labels]\nedition_proof = "Proof for the copy editor"\n',
    )
    out = small_project.root / "dist"
    assert build(small_project.root, out) == [out / "small-proof-proof.pdf"]
    pdf = out / "small-proof-proof.pdf"
    assert "Proof for the copy editor for A4 paper, " in " ".join(extract_text(pdf).split())
    with pikepdf.open(pdf) as document:
        images = [
            image
            for page in document.pages
            for image in page.get_images().values()
            if image.get("/Subtype") == "/Image"
        ]
    assert images and all(image.ColorSpace == "/DeviceGray" for image in images)


def test_a_kind_without_a_declaration_is_unknown_to_book_toml(small_project: SmallProject) -> None:
    small_project.write(
        "book.toml",
        (small_project.root / "book.toml").read_text() + '\n[editions.zine]\nkind = "zine"\n',
    )
    with pytest.raises(BookError) as error:
        build(small_project.root)
    assert "unknown kind 'zine'; the kinds are web, epub, reader, press, handout, archive" in str(error.value)
