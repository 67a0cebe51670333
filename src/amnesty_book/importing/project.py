"""`amnesty-book import`: a new project made from a .docx or .odt, written whole in a folder
beside the one named and renamed to it at the end, so that nothing is left half-made."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from amnesty_book.citing.style import packaged
from amnesty_book.importing import audit, markdown_writer, pictures
from amnesty_book.importing.markdown_writer import Chapter, Finding, Written
from amnesty_book.importing.reading import Reading, read
from amnesty_book.project.labels import SUPPORTED_LANGUAGES
from amnesty_book.project.scaffold import (
    ALT_TO_COME,
    CREDIT_TO_COME,
    README,
    check_new_folder,
    slug_of,
    toml_text,
)
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

REPORT = "import-report.md"
_BIBLIOGRAPHY = "manuscript/sources.json"
_TO_DO = "  # TO DO: "
_UNTITLED = "Untitled"


@dataclass
class Imported:
    """What the import made, for the command to tell."""

    folder: Path
    chapters: int
    notes: int
    plates: int
    citations: int
    works: int
    to_do: list[str] = field(default_factory=list)  # what the editor must do, one line each
    findings: int = 0  # lines of the report about the text


def import_document(source: Path, folder: Path, changes: str = "stop") -> Imported:
    """Makes the project in `folder` (new or empty) from `source`."""
    check_new_folder(folder)
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise BookError.at(SourceLocation(folder), "the folder it would go in does not exist; make it first")
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", suffix=".importing", dir=parent))
    try:
        reading = read(source, scratch, changes)
        made = scratch / "project"
        imported = _write(reading, source, made, folder)
        if folder.exists():
            folder.rmdir()  # an empty folder, checked above
        os.rename(made, folder)
        return imported
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write(reading: Reading, source: Path, made: Path, folder: Path) -> Imported:
    meta = reading.tree.get("meta", {})
    facts = reading.facts
    to_do: list[str] = []
    language, language_note = _language(facts.language)
    title = _meta_text(meta.get("title")) or facts.title
    written = markdown_writer.write(
        reading.tree, facts.markers, language, title or _UNTITLED, facts.descriptions
    )
    if not title and len(written.chapters) == 1 and written.chapters[0].title != _UNTITLED:
        title = _plain_title(written.chapters[0].title)  # an article's one heading
    author = _meta_text(meta.get("author")) or facts.author
    config = _config(
        source,
        folder,
        title,
        author,
        language,
        language_note,
        facts.date,
        _meta_text(meta.get("date")),
        facts.style,
        bool(written.plates),
        bool(facts.works.items),
        to_do,
    )
    files: dict[str, str] = {"book.toml": config, "README.md": README.format(title=title or "Untitled")}
    names = _file_names(written.chapters)
    for name, chapter in zip(names, written.chapters, strict=True):
        files[f"manuscript/{name}"] = _chapter_text(chapter)
    if facts.works.items:
        files[_BIBLIOGRAPHY] = facts.works.bibliography()
    problems: list[pictures.Problem] = []
    if written.plates:
        manifest, problems = pictures.save(written.plates, made / "images", source.name)
        files["images/plates.yaml"] = manifest
        to_do.append(
            f"images/plates.yaml: write the credit of each plate ({len(written.plates)}), "
            f"where it says {CREDIT_TO_COME}"
        )
        missing = sum("description" in problem.detail for problem in problems)
        if missing:
            to_do.append(f"images/plates.yaml: describe {missing} picture(s), where it says {ALT_TO_COME}")
        replace = [problem for problem in problems if "description" not in problem.detail]
        if replace:
            to_do.append(f"images/: {len(replace)} picture(s) to replace or check (the report says why)")
    subtitle = _meta_text(meta.get("subtitle"))
    notices = list(facts.notices)
    if subtitle:
        notices.append(
            (
                "subtitle",
                f"the document's subtitle, “{subtitle}”, is not in the book: "
                "add it to the title if it belongs there",
            )
        )
    if facts.empty_paragraphs:
        written.mended["empty paragraphs (spacing) left out"] += facts.empty_paragraphs
    if facts.page_breaks:
        written.mended["page breaks left out"] += facts.page_breaks
    if facts.fonts:
        shown = ", ".join(f"{font} ({count})" for font, count in facts.fonts.most_common(5))
        notices.append(
            ("fonts", f"the document's fonts ({shown}) are not kept: the book is set in its own face")
        )
    if facts.endnotes:
        notices.append(
            ("endnotes", f"{facts.endnotes} endnote(s) are notes of the book, numbered with the footnotes")
        )
    texts = [text for name, text in files.items() if name.startswith("manuscript/") and name.endswith(".md")]
    texts += [title, author, *(plate.caption for plate in written.plates)]
    for paragraph, words in audit.lost(facts.paragraphs, texts):
        shown = f"{paragraph[:60]}…" if len(paragraph) > 60 else paragraph
        notices.append(("text not imported", f"“{shown}” (missing: {', '.join(words[:8])})"))
    report = _report(source, written, problems, notices, files, to_do)
    files[REPORT] = report
    for relative, text in files.items():
        path = made / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Imported(
        folder,
        len(written.chapters),
        written.notes,
        len(written.plates),
        written.citations,
        len(facts.works.items),
        to_do,
        len(written.findings) + len(problems) + len(notices),
    )


def _plain_title(markdown: str) -> str:
    """A heading's Markdown as plain text, for book.toml and file names."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"\[\^\d+\]|[*]", "", markdown)).strip()


def _meta_text(value: Any) -> str:
    """Pandoc's metadata value as plain text (inlines, a list of them, a string)."""
    if not value:
        return ""
    kind, content = value["t"], value.get("c")
    if kind == "MetaString":
        return content
    if kind == "MetaInlines":
        return markdown_writer.plain(content)
    if kind == "MetaList":
        return " and ".join(text for item in content if (text := _meta_text(item)))
    if kind == "MetaBlocks":
        return " ".join(
            markdown_writer.plain(block["c"]) for block in content if block["t"] in ("Para", "Plain")
        )
    return ""


def _language(tag: str) -> tuple[str, str]:
    """The book's language from the document's tag (pl-PL), and a note when it is guessed."""
    primary = tag.split("-")[0].lower() if tag else ""
    if primary in SUPPORTED_LANGUAGES:
        return primary, ""
    if primary:
        return (
            "en",
            f"the document is in '{tag}', which the builder does not set; "
            f"write {' or '.join(SUPPORTED_LANGUAGES)}",
        )
    return "en", "the document names no language; check it"


def _config(
    source: Path,
    folder: Path,
    title: str,
    author: str,
    language: str,
    language_note: str,
    created: str,
    dated: str,
    style: str,
    plates: bool,
    bibliography: bool,
    to_do: list[str],
) -> str:
    def marked(value: str, missing: str) -> str:
        if value:
            return f'"{toml_text(value)}"'
        to_do.append(f"book.toml: {missing}")
        return f'"{toml_text("Untitled" if "title" in missing else "Unknown")}"{_TO_DO}{missing}'

    document_date = _iso_date(dated) or _iso_date(created)
    lines = [
        f"# Imported from {source.name} by amnesty-book import on {date.today().isoformat()}: {REPORT} says",
        "# what to check. Every key is checked; `amnesty-book build` names any mistake with its line.",
        "",
        "[book]",
        f"title = {marked(title, 'the document has no title (a Title paragraph or property): write it')}",
        f"author = {marked(author, 'the document names no author: write the author')}",
    ]
    if language_note:
        to_do.append(f"book.toml: {language_note}")
        lines.append(f'language = "{language}"{_TO_DO}{language_note}')
    else:
        lines.append(f'language = "{language}"  # {" or ".join(SUPPORTED_LANGUAGES)}')
    lines += [
        f'identifier = "urn:uuid:{uuid.uuid4()}"',
        f'slug = "{slug_of(folder)}"  # names the files in dist/',
        f"edition_date = {date.today().isoformat()}  # the date of this edition"
        + (f"; the document is dated {document_date}" if document_date else ""),
        "",
        "[sources]",
        'manuscript = "manuscript"  # its .md files, in name order: one chapter each',
    ]
    if plates:
        lines.append('plates = "images/plates.yaml"')
    if bibliography:
        lines.append(f'bibliography = "{_BIBLIOGRAPHY}"  # the works the citations of the document carried')
    if style:
        if packaged(style) is not None:
            lines += [
                "",
                "[citations]",
                f'style = "{style}"  # the style the document\'s citations were set in',
            ]
        else:
            to_do.append(
                f"book.toml: the document's citation style, '{style}', is not one the builder has: "
                "name one in [citations] style"
            )
    return "\n".join(lines) + "\n"


def _iso_date(text: str) -> str:
    match = re.match(r"(\d{4}-\d{2}-\d{2})", text or "")
    return match.group(1) if match else ""


def _file_names(chapters: list[Chapter]) -> list[str]:
    width = max(2, len(str(len(chapters))))
    names = []
    for number, chapter in enumerate(chapters, start=1):
        words = re.sub(
            r"[^a-z0-9]+", "-", markdown_writer.ascii_text(_plain_title(chapter.title)).lower()
        ).strip("-")
        names.append(f"{number:0{width}d}-{words[:40].rstrip('-') or 'chapter'}.md")
    return names


def _chapter_text(chapter: Chapter) -> str:
    parts = [f"# {chapter.title}", *chapter.blocks, *(f"[^{label}]: {text}" for label, text in chapter.notes)]
    return "\n\n".join(parts) + "\n"


def _lines(chapter: Chapter) -> tuple[list[int], dict[str, int]]:
    """The line each block of the chapter's file starts on, and each note's."""
    line, starts = 3, []
    for block in chapter.blocks:
        starts.append(line)
        line += block.count("\n") + 2
    notes = {}
    for label, text in chapter.notes:
        notes[label] = line
        line += text.count("\n") + 2
    return starts, notes


def _report(
    source: Path,
    written: Written,
    problems: list[pictures.Problem],
    notices: list[tuple[str, str]],
    files: dict[str, str],
    to_do: list[str],
) -> str:
    names = [name for name in files if name.startswith("manuscript/") and name.endswith(".md")]
    lines = [
        "# Import report",
        "",
        f"`{source.name}` imported on {date.today().isoformat()}: {len(written.chapters)} chapter(s), "
        f"{written.notes} note(s), {len(written.plates)} plate(s), {written.citations} citation(s).",
        "",
        "## To do",
        "",
        *(f"- {line}" for line in to_do or ["nothing"]),
        "",
    ]
    if any(written.mended.values()):
        lines += [
            "## Mended to the house style",
            "",
            *(f"- {what}: {count}" for what, count in sorted(written.mended.items()) if count),
            "",
        ]
    located = []
    for finding in written.findings:
        located.append(_located(finding, written.chapters, names))
    located += [f"- images/plates.yaml, plate `{problem.plate}`: {problem.detail}" for problem in problems]
    located += [f"- the document: {what}: {detail}" for what, detail in notices]
    if located:
        lines += ["## Not imported, or imported otherwise", "", *located, ""]
    return "\n".join(lines)


def _located(finding: Finding, chapters: list[Chapter], names: list[str]) -> str:
    if finding.chapter is None or finding.chapter >= len(chapters):
        return f"- {finding.what}: {finding.detail}"
    chapter = chapters[finding.chapter]
    starts, notes = _lines(chapter)
    if finding.note is not None:
        line = notes.get(str(finding.note), 1)
        text = dict(chapter.notes).get(str(finding.note), "")
    elif finding.block is not None and finding.block < len(starts):
        line, text = starts[finding.block], chapter.blocks[finding.block]
    else:
        line, text = 1, chapter.title
    words = " ".join(text.split())
    excerpt = f"{words[:50]}…" if len(words) > 50 else words
    return f"- {names[finding.chapter]}:{line} (“{excerpt}”): {finding.what}: {finding.detail}"
