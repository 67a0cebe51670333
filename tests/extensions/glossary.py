"""A glossary, in one module: its reader, its entries' model and its declaration (its template,
glossary.j2, stands beside it). Importing it registers the kind of appendix: book.toml's
[sources] glossary names its file (default manuscript/glossary.yaml), `@term:id` names an entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from amnesty_book.model import Inline
from amnesty_book.model.text import plain_text, quoted
from amnesty_book.project.appendix_kinds import AppendixKind, register
from amnesty_book.project.config import BookConfig
from amnesty_book.project.sources import Project
from amnesty_book.readers.markup import inline_markup
from amnesty_book.readers.yaml_records import load_records
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError, Problems

_KEYS = {"id": True, "term": True, "definition": True}


@dataclass(frozen=True)
class Term:
    term: Inline
    definition: Inline
    location: SourceLocation
    id: str = ""
    anchor: str = ""

    def texts(self) -> Mapping[str, Inline]:
        return {"term": self.term, "definition": self.definition}

    def printed(self, language: str) -> tuple[Inline, ...]:
        return self.term, self.definition

    def reference_text(self, labels: Mapping[str, str], language: str) -> str:
        return quoted(plain_text(self.term), language)


def read_glossary(project: Project, path: Path, config: BookConfig) -> tuple[Term, ...]:
    """The terms in the order of the file, each with its definition."""
    records = load_records(project.read_text(path), project.location(path), "glossary", _KEYS)
    problems = Problems()
    terms = []
    for record in records:
        try:
            terms.append(
                Term(
                    inline_markup(str(record.values["term"]), record.at("term"), allow_notes=False),
                    inline_markup(
                        str(record.values["definition"]), record.at("definition"), allow_notes=False
                    ),
                    record.location,
                    str(record.values["id"]),
                )
            )
        except BookError as error:
            problems.extend(error)
    problems.raise_if_any()
    return tuple(terms)


GLOSSARY = register(
    AppendixKind(
        name="glossary",
        reader=f"{__name__}:read_glossary",
        template="glossary.j2",
        default_file="manuscript/glossary.yaml",
        reference="term",
        what="glossary term",
        words={"en": {"glossary": "Glossary"}, "pl": {"glossary": "Słowniczek"}},
    )
)
