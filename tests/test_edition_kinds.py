"""Kinds of edition are declared once (edition_kinds.py): a wrong declaration fails when it is
registered, and a new kind needs nothing but its declaration and its writer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from amnesty_book.project.edition_kinds import KINDS, EditionKind, RegistrationError, register
from amnesty_book.publish import build
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
        (
            {"label": "edition_copy"},
            "its name in the colophon, label 'edition_copy', is not in labels.py for en, pl",
        ),
        ({"name": "web"}, "a kind of that name is registered already"),
    ],
)
def test_a_wrong_declaration_fails_at_registration(
    restored_registry: None, changes: dict[str, object], wrong: str
) -> None:
    kind = replace(WEB, **{"name": "copy", "label": "edition_web", **changes})
    with pytest.raises(RegistrationError) as error:
        register(kind)
    assert str(error.value) == f"edition kind '{kind.name}': {wrong}"
    assert "copy" not in KINDS


def test_a_new_kind_is_its_declaration(restored_registry: None, small_project: SmallProject) -> None:
    """A kind declared with the web writer and a file name of its own is accepted by book.toml,
    written and read back like the web edition."""
    register(
        EditionKind(
            name="copy", writer=WEB.writer, format="html", output="{slug}-{edition}-copy", label="edition_web"
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
