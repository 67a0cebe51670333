"""Makes a long, note-heavy book, the shape of a diary edited elsewhere: 12 chapter files, each
with sections, about 800 notes of one to three paragraphs (some with a quotation, some called
from a heading), no plates and no timeline. The text is drawn from the article's own
sentences, in a fixed order, so that every run makes the same book."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

CHAPTERS = 12
SECTIONS = 4  # a chapter's sections
PARAGRAPHS = 4  # a section's paragraphs
NOTES_A_PARAGRAPH = 4  # 12 × 4 × 4 × 4 = 768 notes from paragraphs, and one from each heading

# A book's project: its config, and the folders of its sources and of its look.
BOOK_FOLDERS = ("manuscript", "images", "styles")


def copy_book(project: Path, target: Path, folders: tuple[str, ...] = BOOK_FOLDERS) -> Path:
    """The book's project copied into the new folder `target`: not the builder's code, its
    environment (the .venv alone is 1.4 GB), caches or outputs."""
    for folder in folders:
        shutil.copytree(project / folder, target / folder, ignore=shutil.ignore_patterns(".cache"))
    shutil.copyfile(project / "book.toml", target / "book.toml")
    return target


def make_long_book(project: Path, target: Path) -> str:
    """Writes the long book's project into `target` (the article project's config and styles,
    its manuscript replaced) and says how large it is."""
    copy_book(project, target, folders=("styles",))
    article = (project / "manuscript" / "article.md").read_text(encoding="utf-8")
    prose = re.sub(r"\[\^[^\]]+\]|^(#|:::|\[\^).*$", "", article, flags=re.MULTILINE)
    sentences = itertools.cycle(re.findall(r"[A-Z][^.?!\n>“”]{30,}[.?!]", prose))
    folder = target / "manuscript"
    folder.mkdir()
    notes = 0
    for chapter in range(1, CHAPTERS + 1):
        text, definitions = [f"# Chapter {chapter}\n"], []
        for section in range(1, SECTIONS + 1):
            label = f"h{section}"
            text.append(f"## Section {chapter}.{section}[^{label}]\n")
            definitions.append(_note(label, 1, sentences, quote=False))
            for paragraph in range(PARAGRAPHS):
                words = []
                for call in range(NOTES_A_PARAGRAPH):
                    label = f"s{section}p{paragraph}n{call}"
                    words.append(f"{next(sentences)} {next(sentences)}[^{label}]")
                    # one to three paragraphs; every seventh note quotes a sentence
                    definitions.append(
                        _note(label, 1 + (notes + call) % 3, sentences, quote=(notes + call) % 7 == 0)
                    )
                notes += NOTES_A_PARAGRAPH
                text.append(" ".join(words) + "\n")
        notes += SECTIONS
        (folder / f"{chapter:02d}.md").write_text("\n".join(text + definitions), encoding="utf-8")
    config = (target / "book.toml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^(manuscript|plates|timeline|bibliography) = .*$\n", "", config)
    config = config.replace("[sources]", '[sources]\nmanuscript = "manuscript"')
    (target / "book.toml").write_text(config, encoding="utf-8")
    return f"{CHAPTERS} chapters, {notes} notes"


def _note(label: str, paragraphs: int, sentences: itertools.cycle[str], quote: bool) -> str:
    body = [f"[^{label}]: {next(sentences)}"]
    body += [f"    {next(sentences)} {next(sentences)}" for _ in range(paragraphs - 1)]
    if quote:
        body.append(f"    > {next(sentences)}")
    return "\n\n".join(body) + "\n"
