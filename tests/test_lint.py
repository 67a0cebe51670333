"""The manuscript linter: one test per finding code, on the small project broken one way at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from amnesty_book.checks.lint import lint_project
from amnesty_book.citing.entries import missing_fields
from amnesty_book.readers.loading import load_book
from amnesty_book.support.diagnostics import CODES, Diagnostic, SourceLocation
from amnesty_book.support.errors import BookError
from conftest import REPO, SAMPLE_BOOKS, SmallProject

ARTICLE = "manuscript/article.md"
PLATES = "images/plates.yaml"
TIMELINE = "manuscript/timeline.yaml"
WORKS = "manuscript/works.json"
# Two entries with all the default style prints of them; "id" on lines 2 and 5.
WORKS_JSON = """\
[
  {"id": "doe2001", "type": "book", "title": "A Book", "author": [{"family": "Doe", "given": "Jane"}],
   "publisher": "A Press", "issued": {"date-parts": [[2001]]}},
  {
    "id": "roe2002", "type": "article-journal", "title": "An Article", "author": [{"family": "Roe"}],
    "container-title": "A Journal", "issued": {"date-parts": [[2002]]}
  }
]
"""


def lint(project: SmallProject) -> list[str]:
    return [str(finding) for finding in lint_project(project.root)]


def test_clean_project_has_no_findings(small_project: SmallProject) -> None:
    assert lint_project(small_project.root) == []


def test_finding_prints_location_code_message_and_hint() -> None:
    finding = Diagnostic.coded(
        "N003",
        SourceLocation(Path(ARTICLE), 12),
        "note call placed before the full stop",
        "put [^x] after the punctuation",
        "warning",
    )
    assert str(finding) == (
        "manuscript/article.md:12: N003 note call placed before the full stop; put [^x] after the punctuation"
    )


# --- notes -----------------------------------------------------------------------------------------


def test_n001_note_called_but_not_defined(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text.[^missing]")
    assert lint(small_project) == [
        "manuscript/article.md:9: N001 note [^missing] is called but never defined; "
        "add a line '[^missing]: text'"
    ]


def test_n002_note_defined_but_never_called(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", "a note.")
    assert lint(small_project) == [
        "manuscript/article.md:11: N002 note [^n] is defined but never called; call it with [^n] or delete it"
    ]


def test_n003_note_call_before_punctuation(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", "a note[^n].")
    findings = lint_project(small_project.root)
    assert [str(finding) for finding in findings] == [
        "manuscript/article.md:5: N003 note call placed before the full stop; put [^n] after the punctuation"
    ]
    assert findings[0].severity == "warning"


@pytest.mark.parametrize(("mark", "name"), [(",", "comma"), (";", "semicolon"), (":", "colon")])
def test_n003_note_call_before_comma_semicolon_colon(
    small_project: SmallProject, mark: str, name: str
) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", f"a note[^n]{mark} and more.")
    assert lint(small_project) == [
        f"manuscript/article.md:5: N003 note call placed before the {name}; put [^n] after the punctuation"
    ]


@pytest.mark.parametrize("text", ["a “note”[^n].", "a (note)[^n].", "a note,[^n] and more.", "`x[^n].`"])
def test_n003_note_call_after_quote_parenthesis_or_punctuation_is_fine(
    small_project: SmallProject, text: str
) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", text)
    assert lint(small_project) == []


def test_n003_in_a_caption(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", "a note.")
    small_project.replace(PLATES, "caption: A caption.", "caption: A caption[^n].")
    assert lint(small_project) == [
        "images/plates.yaml:3: N003 note call placed before the full stop; put [^n] after the punctuation"
    ]


def test_n004_note_defined_twice(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "[^n]: The note text.", "[^n]: The note text.\n\n[^n]: Again.")
    assert lint(small_project) == [
        "manuscript/article.md:13: N004 note [^n] is defined twice (first at line 11); rename or merge one"
    ]


def test_n005_note_called_twice(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text.[^n]")
    assert lint(small_project) == [
        "manuscript/article.md:9: N005 note [^n] is called twice (first at manuscript/article.md:5); "
        "call each note once, or write a second note"
    ]


def test_n006_note_call_in_a_pull_quote(small_project: SmallProject) -> None:
    text = "# T\n\nText.\n\n::: plate one\n\n::: pullquote\nText.[^n]\n:::\n\n[^n]: A note.\n"
    small_project.write(ARTICLE, text)
    assert [line for line in lint(small_project) if "N006" in line] == [
        "manuscript/article.md:8: N006 note call [^n] cannot stand in a pull quote; "
        "move it into the running text"
    ]


def test_a_note_called_from_a_heading_as_the_build_reads_it(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", "a note.")
    small_project.replace(ARTICLE, "## A section", "## A section[^n]")
    assert lint(small_project) == []
    load_book(small_project.root)  # and the build takes it


def test_the_spaces_of_tables_and_definition_lists_are_syntax(small_project: SmallProject) -> None:
    table = "| Year | Event    |\n|------|----------|\n| 1941 | The pact |\n\nTerm\n:   Its definition.\n"
    small_project.replace(ARTICLE, "## A section", f"## A section\n\n{table}")
    assert lint(small_project) == []


def test_note_called_from_a_caption_counts_as_called(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", "a note.")
    small_project.replace(PLATES, "caption: A caption.", "caption: A caption.[^n]")
    assert lint(small_project) == []


# --- plates ----------------------------------------------------------------------------------------


def test_p001_plate_without_alt_text(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "  alt: A grey rectangle.\n", "")
    assert lint(small_project) == [
        "images/plates.yaml:1: P001 plate 'one' has no alt text; describe what the image shows in 'alt'"
    ]


def test_p001_plate_with_empty_alt_text(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "alt: A grey rectangle.", 'alt: ""')
    assert lint(small_project) == [
        "images/plates.yaml:5: P001 plate 'one' has no alt text; describe what the image shows in 'alt'"
    ]


def test_p002_alt_text_equal_to_caption(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "alt: A grey rectangle.", "alt: a caption")
    findings = lint_project(small_project.root)
    assert [str(finding) for finding in findings] == [
        "images/plates.yaml:5: P002 the alt text repeats the caption; "
        "describe what is seen in the image instead"
    ]
    assert findings[0].severity == "error"


def test_p002_alt_text_contained_in_caption(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "caption: A caption.", "caption: A grey rectangle, seen from above.")
    small_project.replace(PLATES, "alt: A grey rectangle.", "alt: A grey rectangle")
    findings = lint_project(small_project.root)
    assert [str(finding) for finding in findings] == [
        "images/plates.yaml:5: P002 the alt text is part of the caption; "
        "describe what is seen in the image instead"
    ]
    assert findings[0].severity == "warning"


def test_p003_plate_without_credit(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "  credit: A credit.\n", "")
    assert lint(small_project) == [
        "images/plates.yaml:1: P003 plate 'one' has no credit; "
        "add a 'credit' line naming the holder of the image"
    ]


def test_p004_plate_never_placed(small_project: SmallProject) -> None:
    (small_project.root / PLATES).write_text(
        (small_project.root / PLATES).read_text() + "- id: two\n  file: one.jpg\n  caption: Another.\n"
        "  credit: A credit.\n  alt: A second grey rectangle.\n  source: An archive\n"
    )
    assert lint(small_project) == [
        "images/plates.yaml:7: P004 plate 'two' is never placed; "
        "add '::: plate two' to the manuscript or remove it from the manifest"
    ]


def test_p005_unknown_plate_id(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "::: plate one", "::: plate one\n\n::: plate two")
    assert lint(small_project) == [
        "manuscript/article.md:5: P005 unknown plate 'two'; the plates manifest has: one"
    ]


def test_p006_image_file_missing(small_project: SmallProject) -> None:
    (small_project.root / "images" / "one.jpg").unlink()
    assert lint(small_project) == [
        "images/plates.yaml:2: P006 image 'one.jpg' does not exist; check the file name"
    ]


def test_p007_plate_placed_twice(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text.\n\n::: plate one")
    assert lint(small_project) == [
        "manuscript/article.md:11: P007 plate 'one' is placed twice (first at line 3); place it once"
    ]


def test_p008_plate_id_used_twice(small_project: SmallProject) -> None:
    (small_project.root / PLATES).write_text(
        (small_project.root / PLATES).read_text() + "- id: one\n  file: one.jpg\n  caption: Another.\n"
        "  credit: A credit.\n  alt: A second grey rectangle.\n  source: An archive\n"
    )
    assert lint(small_project) == [
        "images/plates.yaml:7: P008 plate id 'one' is used twice (first at line 1); "
        "give each plate its own id"
    ]


# --- timeline --------------------------------------------------------------------------------------


def test_t001_timeline_out_of_order(small_project: SmallProject) -> None:
    small_project.write(
        TIMELINE,
        "- date: 1941-07-30\n  event: Later.\n  source: text\n"
        "- date: 1939-09-17\n  event: Earlier.\n  source: text\n",
    )
    assert lint(small_project) == [
        "manuscript/timeline.yaml:4: T001 1939-09-17 comes before the previous entry (1941-07-30); "
        "keep the timeline in date order"
    ]


def test_t002_impossible_date_is_reported_and_the_rest_still_checked(small_project: SmallProject) -> None:
    small_project.write(
        TIMELINE,
        "- date: 1941-02-30\n  event: Never.\n  source: text\n"
        "- date: 1941-07-30\n  event: Later.\n  source: text\n"
        "- date: 1939-09-17\n  event: Earlier.\n  source: \n",
    )
    assert lint(small_project) == [
        "manuscript/timeline.yaml:1: T002 1941-02-30 is not a real date (day is out of range for month); "
        "check the year, month and day (YYYY-MM-DD)",
        "manuscript/timeline.yaml:7: T001 1939-09-17 comes before the previous entry (1941-07-30); "
        "keep the timeline in date order",
        "manuscript/timeline.yaml:9: T003 the entry's source is empty; "
        "write 'text' (the book's own text) or name the reference",
    ]


def test_t002_date_that_is_not_a_date(small_project: SmallProject) -> None:
    small_project.replace(TIMELINE, "1941-07-30", "July 1941")
    assert lint(small_project) == [
        "manuscript/timeline.yaml:1: T002 'July 1941' is not a date; write it as YYYY-MM-DD"
    ]


def test_t003_empty_event_and_missing_source(small_project: SmallProject) -> None:
    small_project.replace(TIMELINE, "event: Something happens.", 'event: ""')
    small_project.replace(TIMELINE, "  source: text\n", "")
    assert lint(small_project) == [
        "manuscript/timeline.yaml:1: T003 the entry's source is missing; "
        "write 'text' (the book's own text) or name the reference",
        "manuscript/timeline.yaml:2: T003 the entry's event is empty; write what happened in one sentence",
    ]


# --- typography ------------------------------------------------------------------------------------


def test_y001_straight_double_quotes(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", 'More "text".')
    assert lint(small_project) == [
        "manuscript/article.md:9: Y001 straight double quote in '\"text\".'; "
        "use the typographic quotes “ and ”"
    ]


def test_y002_straight_single_quote(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "Sikorski's text.")
    assert lint(small_project) == [
        "manuscript/article.md:9: Y002 straight single quote in 'Sikorski's'; "
        "use ’ for an apostrophe, ‘ and ’ for quotes"
    ]


def test_y003_double_space(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More  text.")
    assert lint(small_project) == [
        "manuscript/article.md:9: Y003 double space in 'More  text.'; leave one space"
    ]


def test_y004_hyphen_in_numeric_range(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text (1939-1945).")
    assert lint(small_project) == [
        "manuscript/article.md:9: Y004 hyphen in the range '1939-1945'; "
        "write the range with an en dash: 1939–1945"
    ]


def test_y005_spaced_hyphen_as_dash(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text - and more.")
    assert lint(small_project) == [
        "manuscript/article.md:9: Y005 spaced hyphen used as a dash in 'text - and'; "
        "use a spaced en dash ' – '"
    ]


def test_y006_three_dots(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text...")
    assert lint(small_project) == [
        "manuscript/article.md:9: Y006 three dots in 'text...'; use the ellipsis character …"
    ]


def test_typography_in_captions_notes_and_timeline(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "caption: A caption.", "caption: A caption...")
    small_project.replace(ARTICLE, "The note text.", "The note text, 1939-45.")
    small_project.replace(TIMELINE, "Something happens.", "Something  happens.")
    assert lint(small_project) == [
        "images/plates.yaml:3: Y006 three dots in 'caption...'; use the ellipsis character …",
        "manuscript/article.md:11: Y004 hyphen in the range '1939-45'; "
        "write the range with an en dash: 1939–45",
        "manuscript/timeline.yaml:2: Y003 double space in 'Something  happens.'; leave one space",
    ]


def test_typography_skips_code_links_and_lists(small_project: SmallProject) -> None:
    small_project.replace(
        ARTICLE,
        "More text.",
        'More `"code" 1939-1945...` text, [a link](https://example.org/1939-1945 "Title").\n'
        "- a list item\n  - a nested item, 1941-07-30\n\n"
        "```\nprint('fenced...')  # \"code\"\n```",
    )
    assert lint(small_project) == []


# --- links -----------------------------------------------------------------------------------------


def test_l001_link_target_not_allowed(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More [text](ftp://example.org/file).")
    assert lint(small_project) == [
        "manuscript/article.md:9: L001 link target 'ftp://example.org/file' is not allowed; "
        "use an http(s):, mailto: or #anchor link"
    ]


def test_a_line_that_begins_with_a_citation_is_no_links_definition(small_project: SmallProject) -> None:
    """`[@key]: see …` begins a paragraph with a citation, as pandoc and the build read it; a
    definition, `[label]: target "title"`, is its target alone on its line."""
    small_project.replace(
        ARTICLE, "More text.", '[@doe2001]: see the text here.\n\n[site]: ftp://example.org/file "A site"'
    )
    with_bibliography(small_project)
    assert lint(small_project) == [
        "manuscript/article.md:11: L001 link target 'ftp://example.org/file' is not allowed; "
        "use an http(s):, mailto: or #anchor link",
        "manuscript/works.json:5: C005 entry 'roe2002' is never cited; cite it (@roe2002), delete it, or "
        "list it anyway: [citations] list_uncited = true",
    ]


def test_l002_anchor_link_to_no_heading(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More [text](#nowhere), see [the section](#a-section).")
    assert lint(small_project) == [
        "manuscript/article.md:9: L002 link '#nowhere' points at no heading; "
        "the heading anchors are: a-small-chapter, a-section"
    ]


# --- citations and cross-references --------------------------------------------------------------


def with_bibliography(project: SmallProject, text: str = WORKS_JSON, name: str = WORKS) -> None:
    """The project with a bibliography, named in book.toml (its line 10)."""
    project.write(name, text)
    project.replace(
        "book.toml",
        "edition_date = 2024-01-01\n",
        f'edition_date = 2024-01-01\n\n[sources]\nbibliography = "{name}"\n',
    )


def test_c001_key_not_in_the_bibliography(small_project: SmallProject) -> None:
    with_bibliography(small_project)
    small_project.replace(ARTICLE, "More text.", "More text [see @doe2001, 4; @roe2002; @poe2003].")
    assert lint(small_project) == [
        "manuscript/article.md:9: C001 @poe2003 is not in the bibliography (manuscript/works.json); "
        "check the key, or add the entry"
    ]


def test_c001_citation_in_a_book_with_no_bibliography(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "More text, as @doe2001 says.")
    assert lint(small_project) == [
        "manuscript/article.md:9: C001 @doe2001 cites a bibliography, but book.toml names none; "
        'add [sources] bibliography = "file.bib", or write \\@ for an @ that cites nothing'
    ]


def test_citations_are_looked_for_wherever_the_build_reads_markdown(small_project: SmallProject) -> None:
    """Headings, notes, captions, credits, plates' sources and the timeline's events and
    sources; never code or alt text, which the build does not read as Markdown."""
    small_project.replace(ARTICLE, "## A section", "## A section, after @head2000")
    small_project.replace(ARTICLE, "The note text.", "The note text, after @note2000.")
    small_project.replace(
        ARTICLE, "More text.", "More `@code2000` text.\n\n```\n@fence2000\n```\n\nAnd @prose2000."
    )
    small_project.replace(PLATES, "caption: A caption.", "caption: A caption, after @caption2000.")
    small_project.replace(PLATES, "credit: A credit.", "credit: After @credit2000.")
    small_project.replace(PLATES, "alt: A grey rectangle.", "alt: A grey rectangle, @alt2000.")
    small_project.replace(PLATES, "source: An archive", "source: An archive, @archive2000")
    small_project.replace(TIMELINE, "Something happens.", "Something happens, after @event2000.")
    small_project.replace(TIMELINE, "source: text", 'source: "[@source2000]"')
    hint = 'add [sources] bibliography = "file.bib", or write \\@ for an @ that cites nothing'
    expected = [
        f"{where}: @{key} cites a bibliography, but book.toml names none; {hint}"
        for where, key in (
            ("images/plates.yaml:3", "caption2000"),
            ("images/plates.yaml:4", "credit2000"),
            ("images/plates.yaml:6", "archive2000"),
            ("manuscript/article.md:7", "head2000"),
            ("manuscript/article.md:15", "prose2000"),
            ("manuscript/article.md:17", "note2000"),
            ("manuscript/timeline.yaml:2", "event2000"),
            ("manuscript/timeline.yaml:3", "source2000"),
        )
    ]
    assert lint(small_project) == [line.replace(": @", ": C001 @", 1) for line in expected]
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert sorted(str(problem) for problem in error.value.problems) == sorted(expected)


def test_c002_key_given_twice(small_project: SmallProject) -> None:
    with_bibliography(small_project, WORKS_JSON.replace('"roe2002"', '"doe2001"'))
    small_project.replace(ARTICLE, "More text.", "More text [@doe2001].")
    assert lint(small_project) == [
        "manuscript/works.json:5: C002 the key 'doe2001' is given twice (first at line 2); "
        "give each entry a key of its own"
    ]


def test_c003_cited_entry_lacks_what_the_style_prints(small_project: SmallProject) -> None:
    """A BibTeX file, read by pandoc as the build's citeproc reads it."""
    with_bibliography(
        small_project,
        "@book{doe2001,\n  author = {Doe, Jane},\n  title = {A Book},\n}\n\n"
        "@incollection{roe2002,\n  author = {Roe, Rita},\n  title = {A Chapter},\n  date = {2002},\n}\n",
        "manuscript/works.bib",
    )
    small_project.replace(ARTICLE, "More text.", "More text [@doe2001; @roe2002].")
    assert lint(small_project) == [
        "manuscript/works.bib:1: C003 entry 'doe2001' has no date, no publisher; "
        "add what it lacks: the citation style prints it",
        "manuscript/works.bib:6: C003 entry 'roe2002' has no book title, no publisher; "
        "add what it lacks: the citation style prints it",
    ]


@pytest.mark.parametrize(
    ("item", "missing"),
    [
        (
            {"type": "book", "title": "T", "editor": [{"literal": "E"}], "publisher": "P", "issued": {}},
            ["date"],
        ),
        (
            {
                "type": "article-newspaper",
                "title": "T",
                "container-title": "C",
                "issued": {"date-parts": [[1]]},
            },
            [],
        ),
        ({"type": "entry-encyclopedia", "title": "T"}, []),
        ({"type": "webpage", "issued": {"date-parts": [[1]]}}, ["title"]),
        (
            {"type": "chapter", "title": "T", "status": "forthcoming"},
            ["author or editor", "book title", "publisher"],
        ),
    ],
)
def test_c003_asks_only_what_the_default_style_prints(item: dict[str, object], missing: list[str]) -> None:
    """An unsigned newspaper article is set under the newspaper's name, a reference entry with
    no date has no "n.d.", a status stands for the date."""
    assert missing_fields(item) == missing


@pytest.mark.parametrize(
    ("name", "text", "finding"),
    [
        (
            "manuscript/works.txt",
            "doe2001",
            "manuscript/works.txt:1: C004 a bibliography is a CSL-JSON (.json) or BibTeX (.bib) file; "
            "export it from Zotero as one",
        ),
        (
            WORKS,
            '[\n  {"id": "doe2001",}\n]\n',
            "manuscript/works.json:2: C004 this is not valid JSON: Expecting property name enclosed in "
            "double quotes; correct it",
        ),
        (
            WORKS,
            '[\n  {"id": "doe2001", "title": "A Book"},\n  {\n    "title": "Another"\n  }\n]\n',
            'manuscript/works.json:3: C004 entry 2 has no "id" (its citation key); '
            'give it one, as "id": "name2024"',
        ),
        (
            "manuscript/works.bib",
            "@book{doe2001,\n  title = {A Book},\n\n@book{roe2002, title = {An Article}}\n",
            "manuscript/works.bib:4: C004 pandoc cannot read the bibliography (unexpected '@'); "
            "check the braces, commas and quotes of the entry at or before this line",
        ),
    ],
)
def test_c004_bibliography_cannot_be_read(
    small_project: SmallProject, name: str, text: str, finding: str
) -> None:
    with_bibliography(small_project, text, name)
    small_project.replace(ARTICLE, "More text.", "More text [@doe2001; @roe2002].")
    assert lint(small_project) == [finding]


def test_c005_entry_never_cited(small_project: SmallProject) -> None:
    with_bibliography(small_project)
    small_project.replace(TIMELINE, "source: text", 'source: "[@doe2001, 12]"')
    findings = lint_project(small_project.root)
    assert [str(finding) for finding in findings] == [
        "manuscript/works.json:5: C005 entry 'roe2002' is never cited; "
        "cite it (@roe2002), delete it, or list it anyway: [citations] list_uncited = true"
    ]
    assert findings[0].severity == "warning"
    (small_project.root / "book.toml").write_text(
        (small_project.root / "book.toml").read_text() + "\n[citations]\nlist_uncited = true\n"
    )
    assert lint(small_project) == []


def test_c006_cross_reference_names_nothing_in_the_builds_words(small_project: SmallProject) -> None:
    small_project.replace(
        ARTICLE, "More text.", "More, see @plate:two, @sec:nowhere, @note:m and @event:flood."
    )
    expected = [
        "manuscript/article.md:9: @plate:two names no plate of the book; the book has: @plate:one",
        "manuscript/article.md:9: @sec:nowhere names no heading of the book; "
        "the book has: @sec:a-small-chapter, @sec:a-section",
        "manuscript/article.md:9: @note:m names no note of the book; the book has: @note:n",
        "manuscript/article.md:9: @event:flood names no timeline entry of the book; "
        "the book has: @event:1941-07-30",
    ]
    assert lint(small_project) == [line.replace(": @", ": C006 @", 1) for line in expected]
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert [str(problem) for problem in error.value.problems] == expected


def test_c006_note_label_of_several_files(small_project: SmallProject) -> None:
    """A chapter's file names its own note; the timeline cannot tell which file's it names."""
    small_project.replace("book.toml", "[book]", '[sources]\nmanuscript = "manuscript"\n\n[book]')
    small_project.write(
        "manuscript/second.md", "# A second chapter\n\nIts text.[^n]\n\n[^n]: Its note, see @note:n.\n"
    )
    small_project.replace(TIMELINE, "Something happens.", "Something happens; see @note:n.")
    assert lint(small_project) == [
        "manuscript/timeline.yaml:2: C006 @note:n could be the note of that label in several files; "
        "give the note a label of its own"
    ]


def test_cross_references_resolve_as_the_build_resolves_them(small_project: SmallProject) -> None:
    """A timeline entry's own id, a heading's anchor, a note's label, a plate's id."""
    small_project.replace(TIMELINE, "- date: 1941-07-30", "- id: pact\n  date: 1941-07-30")
    small_project.replace(
        TIMELINE, "Something happens.", "Something happens; see @note:n and @sec:a-section."
    )
    small_project.replace(ARTICLE, "More text.", "More text, after @event:pact, as in @plate:one.")
    assert lint(small_project) == []
    load_book(small_project.root)


def test_c007_citation_or_cross_reference_where_none_may_stand(small_project: SmallProject) -> None:
    small_project.replace(
        ARTICLE, "More text.", "More text [see @plate:one].\n\n::: pullquote\nAs @doe2001 says.\n:::"
    )
    assert lint(small_project) == [
        "manuscript/article.md:9: C007 a cross-reference stands alone, as @plate:one, not inside [...]; "
        "take it out of the brackets",
        "manuscript/article.md:12: C007 a citation or cross-reference (@doe2001) cannot stand in "
        "a pull quote; move it into the running text",
    ]


def test_c008_style_whose_parent_would_be_fetched(small_project: SmallProject) -> None:
    """The build's own find_style: a dependent style's parent is never fetched."""
    with_bibliography(small_project)
    small_project.replace("book.toml", "[sources]", '[citations]\nstyle = "styles/house.csl"\n\n[sources]')
    small_project.write(
        "styles/house.csl",
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n<info>\n'
        "<link rel='independent-parent' href='https://example.org/styles/house'/>\n</info>\n</style>\n",
    )
    assert [finding for finding in lint(small_project) if ": C005 " not in finding] == [
        "styles/house.csl:3: C008 parent style 'https://example.org/styles/house' is a URL; nothing is "
        "fetched from the network: put the file in the project folder and give its path",
    ]


def test_s004_stylesheet_the_build_refuses(small_project: SmallProject) -> None:
    """The build's own project_css, edition by edition: a file named by image-set() too."""
    small_project.write("styles/html.css", 'h1 { background: image-set("https://example.org/a.png" 1x); }\n')
    assert lint(small_project) == [
        "styles/html.css:1: S004 image-set('https://example.org/a.png') must name a file in the styles "
        "folder by its path from there, like url('fonts/Face.otf'); nothing else is read",
    ]


def test_s005_markup_beyond_the_builders_limits(small_project: SmallProject) -> None:
    """Each block read by the build's own reader; the other limits: test_limits.py."""
    small_project.replace(ARTICLE, "More text.", "> " * 13 + "Deep.")
    assert lint(small_project) == [
        "manuscript/article.md:9: S005 this text nests lists or quotations more than 12 deep; flatten it",
    ]


def test_an_at_that_cites_nothing_is_no_citation(small_project: SmallProject) -> None:
    """No bibliography, and an @ only in an address, escaped or in code: nothing to report."""
    small_project.replace(
        ARTICLE, "More text.", "Write to ada@example.org or \\@ada, not `@decorator`.\n\n```\n@key\n```"
    )
    assert lint(small_project) == []
    load_book(small_project.root)


def test_citations_are_checked_when_book_toml_is_only_guessed_at(small_project: SmallProject) -> None:
    """The bibliography and [citations] an unreadable book.toml seems to name are checked."""
    with_bibliography(small_project)
    small_project.replace("book.toml", 'slug = "small"', 'slug = "small"\ncolour = "grey"')
    small_project.replace(ARTICLE, "More text.", "More text [@doe2001; @poe2003].")
    assert lint(small_project) == [
        "book.toml:7: S001 unknown key 'colour' in [book]; the keys are title, author, author_file_as, "
        "short_title, language, identifier, slug, description, subjects, rights, publisher, edition_date",
        "manuscript/article.md:9: C001 @poe2003 is not in the bibliography (manuscript/works.json); "
        "check the key, or add the entry",
        "manuscript/works.json:5: C005 entry 'roe2002' is never cited; "
        "cite it (@roe2002), delete it, or list it anyway: [citations] list_uncited = true",
    ]


# --- unreadable sources ----------------------------------------------------------------------------


def test_s001_file_not_utf8_is_reported_and_still_checked(small_project: SmallProject) -> None:
    path = small_project.root / ARTICLE
    path.write_bytes(path.read_bytes().replace(b"More text.", "Więcej  tekstu.".encode("cp1250")))
    assert lint(small_project) == [
        "manuscript/article.md:9: S001 byte 0xea is not valid UTF-8; save the file as UTF-8",
        "manuscript/article.md:9: Y003 double space in 'Wi\ufffdcej  tekstu.'; leave one space",
    ]


def test_s001_invalid_yaml(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "caption: A caption.", "caption: [A caption.")
    findings = lint(small_project)
    assert findings[0].startswith("images/plates.yaml:")
    assert " S001 not valid YAML (" in findings[0]
    assert findings[0].endswith("; fix the syntax")


def test_s001_missing_source_named_in_config(small_project: SmallProject) -> None:
    small_project.replace(
        "book.toml",
        "edition_date = 2024-01-01\n",
        'edition_date = 2024-01-01\n\n[sources]\ntimeline = "t.yaml"\n',
    )
    assert lint(small_project) == ["book.toml:10: S001 timeline 't.yaml' does not exist; check the file name"]


def test_s002_unknown_key_in_plates(small_project: SmallProject) -> None:
    small_project.replace(PLATES, "source: An archive", "source: An archive\n  colour: grey")
    assert lint(small_project) == [
        "images/plates.yaml:7: S002 unknown key 'colour'; "
        "a plate entry has id, file, caption, credit, alt, source"
    ]


def test_s002_key_given_twice_in_timeline(small_project: SmallProject) -> None:
    small_project.replace(TIMELINE, "  source: text\n", "  source: text\n  source: book\n")
    assert lint(small_project) == [
        "manuscript/timeline.yaml:4: S002 'source' is given twice in this entry (first at line 3); keep one"
    ]


def test_s003_unclosed_pull_quote_hides_nothing_after_it(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "More text.", "::: pullquote\nSome text with a note[^n].\n\nMore  text.")
    assert lint(small_project) == [
        "manuscript/article.md:9: S003 '::: pullquote' is never closed; add a line with ':::' after its text",
        "manuscript/article.md:10: N006 note call [^n] cannot stand in a pull quote; "
        "move it into the running text",
        "manuscript/article.md:12: Y003 double space in 'More  text.'; leave one space",
    ]


def test_every_problem_is_reported_at_once(small_project: SmallProject) -> None:
    small_project.replace(ARTICLE, "a note.[^n]", "a note[^n].")
    small_project.replace(ARTICLE, "More text.", "More text.[^gone] <b>bold</b>")
    small_project.replace(PLATES, "  credit: A credit.\n", "")
    small_project.replace(TIMELINE, "1941-07-30", "1941-02-30")
    assert [finding.code for finding in lint_project(small_project.root)] == [
        "P003",
        "N003",
        "N001",
        "T002",
    ]


def test_every_code_is_documented_and_tested() -> None:
    linted = {code: each for code, each in CODES.items() if each.by == "lint"}
    assert all(each.severity in {"error", "warning"} and each.finds for each in linted.values())
    source = Path(__file__).read_text(encoding="utf-8")
    assert [code for code in linted if f": {code} " not in source] == []


# --- the real manuscript ---------------------------------------------------------------------------


def test_real_manuscript_lints() -> None:
    """The manuscript owner decides what to fix: this only shows that the linter runs on it."""
    findings = lint_project(Path(__file__).parent.parent)
    for finding in findings:
        print(finding)
        assert finding.location.path.as_posix() and finding.location.line is not None
        assert finding.code in CODES


def test_real_manuscript_and_sample_books_have_no_citation_findings() -> None:
    """Their citations, cross-references, bibliographies and timeline ids (S002) are sound: no
    crying wolf."""
    for root in (REPO, *sorted(SAMPLE_BOOKS.iterdir())):
        findings = [
            str(finding) for finding in lint_project(root) if finding.code[0] == "C" or finding.code == "S002"
        ]
        assert findings == [], root.name


CODE = "```\nprint(\"a straight quote\")  # two  spaces, [^x]\n\nprint('after a blank line')\n```\n"


def test_lint_and_build_read_the_same_blocks(small_project: SmallProject) -> None:
    """Both split the manuscript with the reader's own `chunks`: a fenced code block (blank
    lines and all) is code to both, and a note's indented paragraph is the note's to both."""
    small_project.replace(ARTICLE, "More text.", f"More text.\n\n{CODE}")
    assert lint(small_project) == [], "code is set as it stands: no house style in it"
    book = load_book(small_project.root)
    code = [
        block
        for block in book.chapters[0].blocks
        if "<pre>" in "".join(map(str, getattr(block, "content", ())))
    ]
    assert len(code) == 1 and "after a blank line" in "".join(map(str, code[0].content))
    assert not book.notes[1:], "the [^x] in the code is no note call"
    small_project.replace(
        ARTICLE, "[^n]: The note text.", "[^n]: The note text.\n\n    Its second paragraph.[^m]\n\n[^m]: M."
    )
    assert [line for line in lint(small_project) if "N006" in line] == [
        "manuscript/article.md:20: N006 note call [^m] cannot stand in a note; move it into the running text"
    ]
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert "a note call [^m] cannot stand here (a note inside a note?)" in str(error.value.problems[0])
