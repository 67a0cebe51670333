"""The manuscript linter: checks the sources themselves (not the built editions).

Every finding has a stable code (support/diagnostics.py's CODES), its `path:line`, what is wrong
and how to fix it.
Unlike the build, which stops when a source cannot be read into the Book model, the linter reads
each source leniently, line by line and entry by entry, so one broken file or entry hides nothing
else: `lint_project` returns all the findings at once, even when the build itself would fail.

The linter reads the sources with the build's own reading: the manuscript split into blocks by
the reader's `chunks` (fences, code, notes with their indented blocks, as the build sees them),
the plates manifest and the timeline by the reader's `read_records` (its problems, in its words,
become S001 and S002), the readers' patterns, the note-call pattern, the link rule of the
sanitiser and the anchor maker of the numbering; what it adds is leniency, and the house style.
Citations and cross-references are found by the build's own `find` wherever the build reads
Markdown, the bibliography is read by the build's `read_bibliography`, and its entries are those
pandoc's citeproc reads. The citation style is found as the build finds it (`find_style`), and the
project's stylesheets are checked by the build's own check (`project_css`), edition by edition.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from amnesty_book.citing.bibliography import Bibliography, read_bibliography
from amnesty_book.citing.entries import csl_items, missing_fields
from amnesty_book.citing.processor import key_problem
from amnesty_book.citing.style import find_style
from amnesty_book.model.cross_references import AMBIGUOUS_NOTE, notes_named, unknown_target
from amnesty_book.model.numbering import Anchors
from amnesty_book.model.text import SAFE_LINK, plain_text
from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.project.config import CONFIG_NAME, BookConfig, Citations, load_config
from amnesty_book.project.limits import LimitError, check_notes
from amnesty_book.project.scaffold import ALT_TO_COME, CREDIT_TO_COME
from amnesty_book.project.source_files import STYLES, SourceFiles, source_files
from amnesty_book.project.sources import Project
from amnesty_book.readers import plates, timeline
from amnesty_book.readers.appendices import read_appendix
from amnesty_book.readers.citation_syntax import LINK_DEFINITION, Found, find
from amnesty_book.readers.manuscript import (
    DIRECTIVE,
    HEADING,
    NOTE_DEFINITION,
    PLATE_ID,
    Chunk,
    chunks,
    limit_problems,
)
from amnesty_book.readers.markup import NOTE_CALL, inline_markup
from amnesty_book.readers.yaml_records import Record, read_records
from amnesty_book.support.diagnostics import Diagnostic, SourceLocation
from amnesty_book.support.errors import BookError
from amnesty_book.theme.project_styles import project_css


def lint_project(root: Path) -> list[Diagnostic]:
    """Every finding in the sources of the book project in `root`, sorted by path, line and code."""
    linter = _Linter(Project(root.resolve()))
    linter.run()
    unique = dict.fromkeys(linter.findings)
    return sorted(unique, key=_order)


def _order(finding: Diagnostic) -> tuple[str, int, str]:
    """By path, line and code (every finding of the linter's has a location)."""
    where = finding.location or SourceLocation(Path(""))
    return where.path.as_posix(), where.line or 0, finding.code


# --- what the linter reads ----------------------------------------------------------------------------

# context -> (how messages name it, whether it may call notes, whether it is Markdown (read by the
# build's markup reader, so where citations and cross-references are looked for), whether they may
# stand in it)
_CONTEXTS: dict[str, tuple[str, bool, bool, bool]] = {
    "prose": ("the running text", True, True, True),
    "heading": ("a heading", True, True, True),
    "note": ("a note", False, True, True),
    "pullquote": ("a pull quote", False, True, False),
    "caption": ("a caption", True, True, True),
    "credit": ("a credit line", False, True, True),
    "alt": ("alt text", False, False, False),
    "source": ("a plate's source line", False, True, True),
    "event": ("a timeline event", False, True, True),
    "timeline source": ("a timeline source", False, True, True),
}


@dataclass(frozen=True)
class _Text:
    """One line of text a reader meets, and what it belongs to (a key of _CONTEXTS)."""

    location: SourceLocation
    text: str
    context: str


@dataclass(frozen=True)
class _Placement:
    """A `::: plate ID` line; `plate_id` is None when the line names no valid id."""

    plate_id: str | None
    written: str
    location: SourceLocation


@dataclass
class _Scan:
    """The manuscript as read line by line: text and placements in reading order."""

    items: list[_Text | _Placement] = field(default_factory=list)
    headings: list[tuple[str, SourceLocation]] = field(default_factory=list)
    definitions: list[tuple[str, SourceLocation]] = field(default_factory=list)


@dataclass(frozen=True)
class _Plate:
    id: str
    location: SourceLocation
    caption: _Text | None


# The keys of an entry, and whether the reader itself requires them: a missing alt text,
# credit, date, event or source has a finding of its own (P001, P003, T002, T003).
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_INLINE_LINK = re.compile(
    r"(?<!!)\[(?!\^)(?:[^\[\]]|\[[^\[\]]*\])*\]"
    r"(?P<tail>\(\s*(?P<target><[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\))"
)
_REFERENCE = LINK_DEFINITION  # the reader's: a line that goes on in words is no definition
_AUTOLINK = re.compile(r"<(?P<target>(?:https?|ftp)://[^<>\s]*|[^<>@\s]+@[^<>@\s]+)>", re.IGNORECASE)
_BARE_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>]*", re.IGNORECASE)
_AFTER_CALL = {
    ".": "full stop",
    ",": "comma",
    ";": "semicolon",
    ":": "colon",
    "?": "question mark",
    "!": "exclamation mark",
}
_CLOSERS = "”’»)\"'"
_MASK = "\x00"
# read_bibliography's words for a key given twice (C002); its other problems are C004.
_GIVEN_TWICE = re.compile(r"the key '.*' is given twice")
# What a cross-reference's kind names, in the build's words (model/cross_references.py).


class _Linter:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.findings: list[Diagnostic] = []
        self.texts: list[_Text] = []
        self.own_source = "text"  # book.toml's [timeline] own_source, once it is read
        self.config: BookConfig | None = None  # book.toml, if it can be read
        self.citations_config = Citations()  # book.toml's [citations], once it is read
        self.config_read = True  # whether book.toml could be read, not only guessed at
        self.citations: list[tuple[_Text, Found]] = []  # every citation and cross-reference, as written
        # Each kind of appendix's entries' ids, by the name cross-references give them; None
        # when its file cannot be read
        self.entry_ids: dict[str, list[str] | None] = {
            kind.reference: [] for kind in APPENDICES.values() if kind.reference
        }

    # --- reporting ---

    def add(
        self, code: str, location: SourceLocation, message: str, hint: str, severity: str | None = None
    ) -> None:
        if location.line is None:  # a finding about a whole file points at its first line
            location = SourceLocation(location.path, 1)
        self.findings.append(Diagnostic.coded(code, location, message, hint, severity))

    def add_error(self, code: str, error: BookError, fallback: SourceLocation) -> None:
        """The build's own problems as findings: its messages are written 'what; how to fix'."""
        for problem in error.problems:
            message, _, hint = problem.message.partition("; ")
            self.add(code, problem.location or fallback, message, hint or "fix it")

    # --- the run ---

    def run(self) -> None:
        files = self.source_files()
        scans = [scan for path in files.manuscript if (scan := self.scan_manuscript(path)) is not None]
        scan = _Scan(
            items=[item for each in scans for item in each.items],
            headings=[heading for each in scans for heading in each.headings],
            definitions=[definition for each in scans for definition in each.definitions],
        )
        plates = self.read_plates(files.plates) if files.plates else None
        for kind, path in files.appendices:
            self.read_appendix(kind, path)
        bibliography = self.read_bibliography_file(files.bibliography) if files.bibliography else None
        if files.bibliography and self.config is not None:
            self.check_style(self.config)
        if self.config is not None:
            self.check_stylesheets(self.config)
        anchors = _heading_anchors(scan.headings) if scans else None
        texts = [item for item in scan.items if isinstance(item, _Text)]
        for text in [*texts, *self.texts]:
            self.check_text(text, anchors)
        manuscript_files = {file.path for file in map(self.project.location, files.manuscript)}
        if scans:
            self.check_notes_and_placements(scan, plates, manuscript_files)
        standing = self.standing_citations()
        self.check_cited_keys(standing, bibliography, files.bibliography is None and self.config_read)
        if bibliography is not None:
            self.check_entries(bibliography)
        # No manifest: the book has no plates; one that cannot be read: its plates are unknown.
        plate_ids = list(plates or ()) if plates is not None or not files.plates else None
        labels = [label for label, _ in scan.definitions] if scans else None
        targets = {"plate": plate_ids, "sec": anchors, "note": labels, **self.entry_ids}
        self.check_cross_references(standing, targets, scan.definitions, manuscript_files)

    def source_files(self) -> SourceFiles:
        """The sources book.toml names; if it cannot be read, those it seems to name, or the defaults."""
        config_path = self.project.root / CONFIG_NAME
        config_file = self.project.location(config_path)
        config: BookConfig | _GuessedSources
        try:
            config = load_config(self.project)
        except BookError as error:
            self.add_error("S001", error, config_file)
            config = _sources_leniently(config_path)
            self.config_read = False
        self.own_source = config.setting("timeline", "own_source")
        self.citations_config = config.citations
        self.config = config if isinstance(config, BookConfig) else None
        try:
            return source_files(self.project, config)
        except BookError as error:
            self.add_error("S001", error, config_file)
            return SourceFiles((), None)

    def read(self, path: Path) -> str | None:
        """The text of a source; one that is not UTF-8 is reported, then read as well as it can be."""
        try:
            return self.project.read_text(path)
        except BookError as error:
            self.add_error("S001", error, self.project.location(path))
            return _read_leniently(path)

    # --- the manuscript ---

    def scan_manuscript(self, path: Path) -> _Scan | None:
        """The manuscript's lines in the blocks the build's reader splits it into (its own
        `chunks`), code left out. A fence never closed, which the build refuses, is reported
        and read as ending at the next blank line, as the reader reads it."""
        text = self.read(path)
        if text is None:
            return None
        file = self.project.location(path)
        scan = _Scan()
        for chunk in chunks(text.split("\n")):
            where = SourceLocation(file.path, chunk.first_line)
            if not chunk.closed:
                self.add(
                    "S003",
                    where,
                    f"'{chunk.lines[0].strip()}' is never closed",
                    f"add a line with '{chunk.fence}' after its text",
                )
            else:
                self.add_error("S005", BookError(limit_problems(chunk, where)), where)
            _scan_chunk(chunk, file, scan)
        return scan

    # --- the plates manifest ---

    def read_plates(self, path: Path) -> dict[str, _Plate] | None:
        """The manifest's entries by the reader's own rules (readers/plates.py), each read
        leniently, so that one broken entry hides nothing of the others."""
        text = self.read(path)
        entries = self.entries(path, text, "plate", plates.KEYS)
        if entries is None:
            return None
        found: dict[str, _Plate] = {}
        for record in entries:
            texts = {key: self.string(record, key) for key in plates.KEYS}
            problems = plates.entry_problems(record) + _to_come(record, texts)
            self.findings += problems
            plate_id = None if any(problem.code == "S002" for problem in problems) else texts.get("id")
            caption = None
            for key in ("caption", "credit", "alt", "source"):
                value = texts.get(key)
                if value:
                    lines = [_Text(record.at(key), part, key) for part in value.split("\n")]
                    self.texts.extend(lines)
                    if key == "caption":
                        caption = _Text(record.at(key), value.replace("\n", " "), key)
            self.check_alt(record, texts.get("alt"), caption)
            if texts.get("file"):
                try:
                    self.project.resolve(texts["file"], record.at("file"), "image", base=path.parent)
                except BookError as error:
                    self.add_error("P006", error, record.at("file"))
            if plate_id is None:
                continue
            if plate_id in found:
                self.findings.append(plates.used_twice(record, plate_id, found[plate_id].location))
                continue
            found[plate_id] = _Plate(plate_id, record.location, caption)
        return found

    def string(self, record: Record, key: str) -> str | None:
        """The text of a key, stripped; None when absent, empty or no text (which is reported)."""
        value = record.values.get(key)
        if value is None or key in record.unreadable:
            return None
        if not isinstance(value, str):
            self.add("S002", record.at(key), f"'{key}' must be a text, not {value!r}", "write a text")
            return None
        return value.strip() or None

    def check_alt(self, record: Record, alt: str | None, caption: _Text | None) -> None:
        if not alt or caption is None:
            return
        try:
            caption_text = plain_text(inline_markup(caption.text, caption.location))
        except BookError:
            caption_text = NOTE_CALL.sub("", caption.text)
        problem = plates.alt_problem(record, alt, caption_text)
        if problem is not None:
            self.findings.append(problem)

    # --- the appendices ---

    def read_appendix(self, kind: str, path: Path) -> None:
        """The timeline by its reader's rules, entry by entry (T001-T003); another kind of
        appendix by its reader, whose problems are the linter's S002."""
        if kind == "timeline":
            self.read_timeline(path)
            return
        reference = APPENDICES[kind].reference
        if self.config is None:  # book.toml could not be read (S001): nor can the appendix
            self.entry_ids[reference] = None
            return
        try:
            appendix = read_appendix(self.project, kind, path, self.config)
        except BookError as error:
            self.add_error("S002", error, self.project.location(path))
            self.entry_ids[reference] = None
            return
        if reference:
            self.entry_ids[reference] = [entry.id for entry in appendix.entries]

    def read_timeline(self, path: Path) -> None:
        """The timeline's entries by the reader's own rules (readers/timeline.py), each read
        leniently, so that one broken entry hides nothing of the others."""
        text = self.read(path)
        entries = self.entries(path, text, "timeline", timeline.KEYS, lenient=("date",))
        event_ids: list[str] | None = None if entries is None else []
        self.entry_ids[APPENDICES["timeline"].reference] = event_ids
        previous: date | None = None
        for record in entries or ():
            entry_id = _event_id(record)
            if entry_id is not None and event_ids is not None:
                event_ids.append(entry_id)
            found, day = timeline.entry_problems(record, previous, self.own_source)
            self.findings += found
            previous = day or previous
            for key, context in (("event", "event"), ("source", "timeline source")):
                value = self.string(record, key)
                if value is not None:
                    self.texts.extend(_Text(record.at(key), part, context) for part in value.split("\n"))

    # --- YAML entries, read as the build reads them ---

    def entries(
        self, path: Path, text: str | None, what: str, keys: dict[str, bool], lenient: tuple[str, ...] = ()
    ) -> list[Record] | None:
        """The entries of a YAML list, read by the build's own reader (readers/yaml_records.py),
        every problem a finding: the file's as S001, its entries' as S002; a value YAML cannot
        read is S002 too, but for the `lenient` keys, which the caller reports."""
        if text is None:
            return None
        read = read_records(text, self.project.location(path), what, keys)
        for code, problems in (("S001", read.file_problems), ("S002", read.entry_problems)):
            self.add_error(code, BookError(problems.problems), self.project.location(path))
        for record in read.records:
            for key, (_, reason) in record.unreadable.items():
                if key not in lenient:
                    message = f"'{key}' has a value that cannot be read ({reason})"
                    self.add("S002", record.at(key), message, "fix it")
        return read.records if not read.file_problems else None

    # --- every line of text ---

    def check_text(self, text: _Text, anchors: list[str] | None) -> None:
        phrase, notes_allowed, is_markdown, _ = _CONTEXTS[text.context]
        where, line = text.location, text.text
        visible = _mask(line, _CODE_SPAN) if is_markdown else line
        if is_markdown:
            self.citations += [(text, found) for found in find(visible)]
        for call in NOTE_CALL.finditer(line):
            if not notes_allowed:
                self.add(
                    "N006",
                    where,
                    f"note call [^{call.group(1)}] cannot stand in {phrase}",
                    "move it into the running text",
                )
        if notes_allowed:
            for call in NOTE_CALL.finditer(visible):
                after = visible[call.end() : call.end() + 1]
                before = visible[call.start() - 1 : call.start()]
                if after in _AFTER_CALL and not (before and before in _CLOSERS):
                    self.add(
                        "N003",
                        where,
                        f"note call placed before the {_AFTER_CALL[after]}",
                        f"put [^{call.group(1)}] after the punctuation",
                    )
        if is_markdown:
            for target in _link_targets(visible):
                self.check_link(where, target, anchors)
            for pattern in (_INLINE_LINK, _REFERENCE):
                visible = _mask(visible, pattern, "tail")
            visible = _mask(visible, _AUTOLINK)
        visible = _mask(_mask(visible, NOTE_CALL), _BARE_URL)
        for code, message, hint in _typography(line, visible):
            self.add(code, where, message, hint)

    def check_link(self, where: SourceLocation, target: str, anchors: list[str] | None) -> None:
        if not SAFE_LINK.match(target):
            self.add(
                "L001",
                where,
                f"link target '{target}' is not allowed",
                "use an http(s):, mailto: or #anchor link",
            )
        elif target.startswith("#") and anchors is not None and target[1:] not in anchors:
            self.add(
                "L002",
                where,
                f"link '{target}' points at no heading",
                f"the heading anchors are: {_listed(anchors)}",
            )

    # --- notes and plates across the sources ---

    def check_notes_and_placements(
        self, scan: _Scan, plates: dict[str, _Plate] | None, manuscript_files: set[Path]
    ) -> None:
        """Each note's label is its own file's (the build's numbering.py); a caption's call
        names the note of that label in whichever file defines it."""
        try:
            check_notes([where for _, where in scan.definitions])
        except LimitError as error:
            self.add_error("S005", error, scan.definitions[0][1])
        defined: dict[tuple[Path, str], SourceLocation] = {}
        for label, where in scan.definitions:
            key = (where.path, label)
            if key in defined:
                self.add(
                    "N004",
                    where,
                    f"note [^{label}] is defined twice (first at line {defined[key].line})",
                    "rename or merge one",
                )
            else:
                defined[key] = where
        called: dict[tuple[Path, str], SourceLocation] = {}

        def call(text: _Text) -> None:
            for match in NOTE_CALL.finditer(text.text):
                label = match.group(1)
                if text.location.path in manuscript_files:
                    keys = [(text.location.path, label)] if (text.location.path, label) in defined else []
                else:
                    keys = [key for key in defined if key[1] == label]
                if not keys:
                    self.add(
                        "N001",
                        text.location,
                        f"note [^{label}] is called but never defined",
                        f"add a line '[^{label}]: text'",
                    )
                elif keys[0] in called:
                    self.add(
                        "N005",
                        text.location,
                        f"note [^{label}] is called twice (first at {called[keys[0]]})",
                        "call each note once, or write a second note",
                    )
                else:
                    called[keys[0]] = text.location

        placed: dict[str, SourceLocation] = {}
        for item in scan.items:
            if isinstance(item, _Text):
                if _CONTEXTS[item.context][1]:
                    call(item)
                continue
            if plates is None:
                continue
            if item.plate_id is None or item.plate_id not in plates:
                known = ", ".join(plates) or "none"
                self.add(
                    "P005",
                    item.location,
                    f"unknown plate '{item.written}'",
                    f"the plates manifest has: {known}",
                )
            elif item.plate_id in placed:
                self.add(
                    "P007",
                    item.location,
                    f"plate '{item.plate_id}' is placed twice (first at line {placed[item.plate_id].line})",
                    "place it once",
                )
            else:
                placed[item.plate_id] = item.location
                caption = plates[item.plate_id].caption
                if caption is not None:
                    call(caption)
        if plates is None:
            return  # the captions' calls are unknown: 'never called' cannot be told
        for plate in plates.values():
            if plate.id not in placed:
                self.add(
                    "P004",
                    plate.location,
                    f"plate '{plate.id}' is never placed",
                    f"add '::: plate {plate.id}' to the manuscript or remove it from the manifest",
                )
                if plate.caption is not None:
                    call(plate.caption)
        for (path, label), where in defined.items():
            if (path, label) not in called:
                self.add(
                    "N002",
                    where,
                    f"note [^{label}] is defined but never called",
                    f"call it with [^{label}] or delete it",
                )

    # --- the project's look ---

    def check_stylesheets(self, config: BookConfig) -> None:
        """The project's stylesheets as each edition reads them: what the build refuses (S004)."""
        for edition in config.editions:
            try:
                project_css(self.project.root, edition, str)
            except BookError as error:
                self.add_error("S004", error, self.project.location(self.project.root / STYLES))

    # --- citations and cross-references ---

    def check_style(self, config: BookConfig) -> None:
        """The citation style, found and resolved as the build does: never fetched (C008)."""
        where = config.location("citations", "style")
        try:
            find_style(self.project, config.citations.style, where)
        except BookError as error:
            self.add_error("C008", error, where)

    def read_bibliography_file(self, path: Path) -> Bibliography | None:
        """The bibliography as the build reads it; one it refuses is checked no further, as its
        keys are then unknown."""
        try:
            return read_bibliography(self.project, path)
        except BookError as error:
            for problem in error.problems:
                code = "C002" if _GIVEN_TWICE.match(problem.message) else "C004"
                self.add_error(code, BookError([problem]), self.project.location(path))
        return None

    def standing_citations(self) -> list[tuple[_Text, Found]]:
        """The citations and cross-references the build takes; each it refuses is a C007."""
        standing = []
        for text, found in self.citations:
            phrase, _, _, may_cite = _CONTEXTS[text.context]
            if found.problem:
                self.add_error("C007", BookError.at(text.location, found.problem), text.location)
            elif not may_cite:
                self.add(
                    "C007",
                    text.location,
                    f"a citation or cross-reference ({found.source}) cannot stand in {phrase}",
                    "move it into the running text",
                )
            else:
                standing.append((text, found))
        return standing

    def check_cited_keys(
        self, standing: list[tuple[_Text, Found]], bibliography: Bibliography | None, names_none: bool
    ) -> None:
        """Every cited key is in the bibliography, in the build's words (citing/processor.py's
        check_keys); `names_none` when book.toml was read and names no bibliography. Of a
        bibliography that cannot be read, no key is known, so none is reported."""
        for text, found in standing:
            for key in found.keys:
                if (names_none or bibliography is not None) and (problem := key_problem(key, bibliography)):
                    self.add_error("C001", BookError.at(text.location, problem), text.location)

    def check_entries(self, bibliography: Bibliography) -> None:
        """The entries the book's Sources lists (those cited, or all of them) hold what the style
        prints of them; with only those cited listed, an entry never cited is a warning. A
        citation the build refuses (C007) still counts: its entry is meant to be cited."""
        cited = {key for _, found in self.citations for key in found.keys}
        list_all = self.citations_config.list_uncited
        self.check_fields(bibliography, set(bibliography.lines) if list_all else cited)
        if not list_all:
            for key in bibliography.lines.keys() - cited:
                self.add(
                    "C005",
                    bibliography.location(key),
                    f"entry '{key}' is never cited",
                    f"cite it (@{key}), delete it, or list it anyway: [citations] list_uncited = true",
                )

    def check_fields(self, bibliography: Bibliography, listed: set[str]) -> None:
        """The listed entries, as pandoc's citeproc reads them, hold what the style prints."""
        try:
            items = csl_items(bibliography)
        except BookError as error:
            self.add_error("C004", error, bibliography.file)
            return
        for item in items:
            if item["id"] in listed and (missing := missing_fields(item)):
                self.add(
                    "C003",
                    bibliography.location(item["id"]),
                    f"entry '{item['id']}' has no {', no '.join(missing)}",
                    "add what it lacks: the citation style prints it",
                )

    def check_cross_references(
        self,
        standing: list[tuple[_Text, Found]],
        targets: dict[str, list[str] | None],
        definitions: list[tuple[str, SourceLocation]],
        manuscript_files: set[Path],
    ) -> None:
        """Every cross-reference names a target of the book, resolved as the build resolves it
        (model/cross_references.py); targets that cannot be read (None) are not checked."""
        for text, found in standing:
            if found.cross_reference is None:
                continue
            kind, target = found.cross_reference
            known = targets[kind]
            if known is not None and target not in known:
                problem = unknown_target(kind, target, known)
            elif kind == "note":
                notes = [(name, at.path, at.path) for name, at in definitions]
                files = set(notes_named(target, text.location, notes, manuscript_files))
                problem = AMBIGUOUS_NOTE.format(label=target) if len(files) > 1 else ""
            else:
                problem = ""
            if problem:
                self.add_error("C006", BookError.at(text.location, problem), text.location)


# --- helpers ----------------------------------------------------------------------------------------


def _scan_chunk(chunk: Chunk, file: SourceLocation, scan: _Scan) -> None:
    """Adds a block's lines to the scan, each with what it belongs to (a key of _CONTEXTS)."""
    lines = [
        (SourceLocation(file.path, chunk.first_line + offset), line)
        for offset, line in enumerate(chunk.lines)
    ]
    (where, first), rest = lines[0], lines[1:]
    if chunk.fence:
        if chunk.fence == ":::":  # a pull quote (or a directive the build refuses), set as running text
            inner = rest[:-1] if chunk.closed else rest
            scan.items += [_Text(at, line, "pullquote") for at, line in inner if line.strip()]
        return  # code, set as it stands
    heading = HEADING.fullmatch(first) if first.startswith("#") else None
    definition = NOTE_DEFINITION.match(first)
    directive = DIRECTIVE.fullmatch(first) if first.startswith(":::") else None
    if heading:
        scan.headings.append((heading.group(2), where))
        scan.items.append(_Text(where, heading.group(2), "heading"))
        context = "heading"
    elif definition:
        scan.definitions.append((definition.group(1), where))
        scan.items.append(_Text(where, first[definition.start(2) :], "note"))
        context = "note"
    elif directive:
        if directive.group(1) == "plate":
            argument = directive.group(2)
            scan.items.append(_Placement(argument if PLATE_ID.fullmatch(argument) else None, argument, where))
        return
    else:
        scan.items.append(_Text(where, first, "prose"))
        context = "prose"
    scan.items += [_Text(at, line, context) for at, line in rest if line.strip()]


# code, pattern, message ({excerpt}: the words around the fault, {range}/{1}/{2} for ranges), hint
_TYPOGRAPHY: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    (
        "Y001",
        re.compile(r'(?<!\\)"'),
        "straight double quote in '{excerpt}'",
        "use the typographic quotes “ and ”",
    ),
    (
        "Y002",
        re.compile(r"(?<!\\)'"),
        "straight single quote in '{excerpt}'",
        "use ’ for an apostrophe, ‘ and ’ for quotes",
    ),
    ("Y003", re.compile(r"(?<=\S) {2,}(?=\S)"), "double space in '{excerpt}'", "leave one space"),
    (
        "Y004",
        re.compile(r"(?<![\w\-–.,/])(\d+(?:[.,]\d+)*)-(\d+(?:[.,]\d+)*)(?![\w\-–/])"),
        "hyphen in the range '{range}'",
        "write the range with an en dash: {1}–{2}",
    ),
    (
        "Y005",
        re.compile(r"(?<=\S) - (?=\S)"),
        "spaced hyphen used as a dash in '{excerpt}'",
        "use a spaced en dash ' – '",
    ),
    ("Y006", re.compile(r"\.\.\."), "three dots in '{excerpt}'", "use the ellipsis character …"),
)


# The patterns alone, by code: what `amnesty-book import` mends in a Word document's text.
HOUSE_STYLE = {code: pattern for code, pattern, _, _ in _TYPOGRAPHY}

_MARKDOWN_SPACING = re.compile(r"[ \t]*[:|]")


def _typography(line: str, visible: str) -> Iterator[tuple[str, str, str]]:
    """(code, message, hint) of each typographic fault in `visible` (the line with code, links and
    note calls masked), quoting the words around it from `line`."""
    for code, pattern, message, hint in _TYPOGRAPHY:
        if code == "Y003" and _MARKDOWN_SPACING.match(line):
            continue  # the spaces of Markdown's own syntax: after a definition's ':', in a table's row
        for match in pattern.finditer(visible):
            words = {"excerpt": _excerpt(line, match), "range": match.group()}
            groups = match.groups()
            yield code, message.format(**words), hint.format(None, *groups) if groups else hint


def _excerpt(line: str, match: re.Match[str]) -> str:
    """The word(s) around a match, as the writer will find them in the source."""
    left, right = match.start(), match.end()
    while left > 0 and not line[left - 1].isspace() and match.start() - left < 20:
        left -= 1
    while right < len(line) and not line[right].isspace() and right - match.end() < 20:
        right += 1
    return line[left:right]


def _mask(text: str, pattern: re.Pattern[str], group: int | str = 0) -> str:
    """The text with each match (or one group of it) blotted out, keeping every column in place."""

    def blot(match: re.Match[str]) -> str:
        start, end = match.span(group)
        whole = match.group()
        inner = start - match.start()
        return whole[:inner] + _MASK * (end - start) + whole[inner + end - start :]

    return pattern.sub(blot, text)


def _link_targets(visible: str) -> Iterator[str]:
    for pattern in (_INLINE_LINK, _REFERENCE, _AUTOLINK):
        for match in pattern.finditer(visible):
            target = match.group("target")
            if pattern is _AUTOLINK:
                yield target if "://" in target else f"mailto:{target}"
            else:
                yield target.removeprefix("<").removesuffix(">")


def _to_come(record: Record, texts: dict[str, str | None]) -> list[Diagnostic]:
    """A credit or alt text `amnesty-book import` wrote where the document had none: the
    book builds with it, and lint reports it missing (P003, P001) until it is written."""
    found = []
    for key, code, placeholder, hint in (
        ("credit", "P003", CREDIT_TO_COME, "add a 'credit' line naming the holder of the image"),
        ("alt", "P001", ALT_TO_COME, "describe what the image shows in 'alt'"),
    ):
        if (texts.get(key) or "").strip() == placeholder:
            what = "credit" if key == "credit" else "alt text"
            found.append(
                Diagnostic.coded(code, record.at(key), f"plate '{texts.get('id')}' has no {what} yet", hint)
            )
    return found


def _heading_anchors(headings: list[tuple[str, SourceLocation]]) -> list[str]:
    """The anchors of the headings, made by the numbering's own anchor maker, in reading order."""
    made = Anchors()
    anchors = []
    for written, where in headings:
        try:
            text = plain_text(inline_markup(NOTE_CALL.sub("", written), where))
        except BookError:
            text = written
        anchors.append(made.make(text))
    return anchors


def _listed(names: list[str]) -> str:
    """The first dozen names, for a hint."""
    return ", ".join(names[:12]) + (", ..." if len(names) > 12 else "") or "none"


def _event_id(record: Record) -> str | None:
    """The id cross-references name a timeline entry by (readers/timeline.py): its 'id', else
    its date; None when it has neither."""
    given, day = record.values.get("id"), record.values.get("date")
    if given is not None:
        return str(given)
    return day.isoformat() if isinstance(day, date) and "date" not in record.unreadable else None


def _read_leniently(path: Path) -> str | None:
    """The text of a file whatever its encoding (bad bytes replaced); None for a binary or absent file."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\r\n", "\n")


@dataclass(frozen=True)
class _GuessedSources:
    """The sources an unreadable book.toml seems to name, or the defaults."""

    manuscript: tuple[str, ...]
    plates: str | None
    appendix_files: dict[str, str | None]
    bibliography: str | None
    settings: dict[tuple[str, str], str]  # (kind of appendix, key) -> as written, where a text
    citations: Citations
    text: str

    def appendix_file(self, kind: str) -> str | None:
        return self.appendix_files.get(kind)

    def setting(self, kind: str, name: str) -> str:
        """A kind of appendix's setting as far as it can be read, else its default."""
        return self.settings.get((kind, name), APPENDICES[kind].settings[name].default)

    def location(self, section: str, key: str) -> SourceLocation:
        return SourceLocation(Path(CONFIG_NAME), _key_line(self.text, key))


def _sources_leniently(config_path: Path) -> _GuessedSources:
    text = _read_leniently(config_path) or ""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raw = {}
    sources = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
    written = sources.get("manuscript")
    manuscript = [written] if isinstance(written, str) else written
    if not isinstance(manuscript, list) or not all(isinstance(path, str) for path in manuscript):
        manuscript = ["manuscript"]
    plates, bibliography = (
        value if isinstance(value := sources.get(key), str) else None for key in ("plates", "bibliography")
    )
    appendix_files = {
        kind: value if isinstance(value := sources.get(kind), str) else None for kind in APPENDICES
    }
    settings = {
        (kind, name): value
        for kind in APPENDICES
        if isinstance(table := raw.get(kind), dict)
        for name, value in table.items()
        if name in APPENDICES[kind].settings and isinstance(value, str)
    }
    citations_table = raw.get("citations") if isinstance(raw.get("citations"), dict) else {}
    citations = Citations(list_uncited=citations_table.get("list_uncited") is True)
    return _GuessedSources(
        tuple(manuscript),
        plates,
        appendix_files,
        bibliography,
        settings,
        citations,
        text,
    )


def _key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None
