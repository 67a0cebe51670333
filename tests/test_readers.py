"""Unit tests of the readers, the markup conversion and the numbering, on small inline sources."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from amnesty_book.model import Heading, NoteCall, NoteRef, PlatePlacement, Prose, PullQuote
from amnesty_book.model.text import plain_text
from amnesty_book.project.config import load_config
from amnesty_book.project.sources import Project
from amnesty_book.readers.loading import load_book
from amnesty_book.readers.manuscript import read_manuscript
from amnesty_book.readers.markup import block_markup, inline_markup, without_runt
from amnesty_book.readers.timeline import read_timeline
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError
from conftest import SmallProject

HERE = SourceLocation(Path("manuscript/article.md"), 7)


def problem_lines(error: pytest.ExceptionInfo[BookError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def read(project: SmallProject, text: str):  # type: ignore[no-untyped-def]
    path = project.write("manuscript/article.md", text)
    return read_manuscript(Project(project.root), [path])


# --- markup ----------------------------------------------------------------------------------------


def test_note_calls_split_the_markup() -> None:
    content = block_markup("A *claim*.[^one] And more.[^two]", HERE)
    assert content == (
        "<p>A <em>claim</em>.",
        NoteRef("one", HERE),
        " And more.",
        NoteRef("two", HERE),
        "</p>",
    )


def test_note_call_location_counts_lines() -> None:
    content = block_markup("First line\nsecond line.[^n]", HERE)
    assert content[1] == NoteRef("n", HERE.offset(1))


def test_typography_keeps_a_date_s_month_and_day_and_a_title_with_its_name_but_frees_the_year() -> None:
    assert inline_markup("Gen. Anders on July 30, 1941, and 4 July 1943, in 1941–1942", HERE) == (
        "Gen.\u00a0Anders on July\u00a030, 1941, and 4\u00a0July 1943, in "
        '<span class="nowrap">1941–1942</span>',
    )
    assert inline_markup("from August, 1941 on", HERE) == ("from August, 1941 on",)


def test_typography_binds_numbers_units_initials_and_an_editors_signature() -> None:
    text = "22 km and 5 % of them, vol. 1, Vol. 2, p. 4, note 1 (p. 1), Plate 5, J. R. Smith. — Ed."
    assert inline_markup(text, HERE) == (
        "22\u00a0km and 5\u00a0% of them, vol.\u00a01, Vol.\u00a02, p.\u00a04, note\u00a01 (p.\u00a01), "
        "Plate\u00a05, J.\u00a0R.\u00a0Smith.\u00a0—\u00a0Ed.",
    )


def test_a_headings_short_last_word_is_bound_to_the_word_before() -> None:
    assert without_runt("How did it occur?") == "How did it\u00a0occur?"
    assert without_runt("A signal from Sikorski") == "A signal from Sikorski"
    assert without_runt("Alone") == "Alone"


def test_straight_quotes_become_typographic() -> None:
    assert plain_text(inline_markup('The "stake" of Sikorski\'s talks...', HERE)) == (
        "The “stake” of Sikorski’s talks…"
    )


def test_raw_html_is_refused() -> None:
    with pytest.raises(BookError) as error:
        block_markup("Fine.\n<script>alert(1)</script>", HERE)
    assert problem_lines(error) == [
        "manuscript/article.md:8: raw HTML <script> is not allowed in the manuscript; "
        "write it in Markdown, or put it in `backticks` to show it as text"
    ]


def test_html_in_code_is_text() -> None:
    assert block_markup("Use `<b>` for bold.", HERE) == ("<p>Use <code>&lt;b&gt;</code> for bold.</p>",)


def test_unsafe_link_is_refused() -> None:
    with pytest.raises(BookError) as error:
        block_markup("[click](javascript:alert(1))", HERE)
    assert "link target 'javascript:alert(1)' is not allowed" in problem_lines(error)[0]


def test_inline_image_is_refused() -> None:
    with pytest.raises(BookError) as error:
        block_markup("![a map](map.png)", HERE)
    assert "this Markdown makes an image: images are plates, placed with '::: plate ID'" in str(error.value)


def test_note_inside_a_note_is_refused() -> None:
    with pytest.raises(BookError) as error:
        inline_markup("A note with a call[^other].", HERE, allow_notes=False)
    assert "a note call [^other] cannot stand here (a note inside a note?)" in str(error.value)


# --- manuscript ------------------------------------------------------------------------------------


def test_manuscript_blocks(small_project: SmallProject) -> None:
    manuscript = read(
        small_project,
        "# Title\n\n::: plate one\n\nText.[^n]\n\n::: pullquote\nText.\n:::\n\n## Part\n\n[^n]: Note.\n",
    )
    (chapter,) = manuscript.chapters
    assert chapter.title.text == "Title"
    kinds = [type(block) for block in chapter.blocks]
    assert kinds == [PlatePlacement, Prose, PullQuote, Heading]
    assert chapter.blocks[0].location.line == 3
    assert [(note.label, note.location.line) for note in manuscript.notes] == [("n", 13)]


def test_unclosed_pull_quote(small_project: SmallProject) -> None:
    with pytest.raises(BookError) as error:
        read(small_project, "# Title\n\n::: pullquote\nNever closed.\n")
    assert problem_lines(error) == [
        "manuscript/article.md:3: '::: pullquote' is never closed; add a line with ':::' after its text"
    ]


def test_text_before_the_first_title(small_project: SmallProject) -> None:
    with pytest.raises(BookError) as error:
        read(small_project, "Hello.\n\n# Title\n")
    assert problem_lines(error) == [
        "manuscript/article.md:1: text before the first chapter title; start the file with '# Title'"
    ]


def test_empty_manuscript(small_project: SmallProject) -> None:
    with pytest.raises(BookError) as error:
        read(small_project, "\n\n")
    assert problem_lines(error) == [
        "manuscript/article.md: this manuscript file is empty; write the text, starting with '# Title'"
    ]


def test_note_defined_twice(small_project: SmallProject) -> None:
    with pytest.raises(BookError) as error:
        read(small_project, "# T\n\nA.[^n]\n\n[^n]: One.\n\n[^n]: Two.\n")
    assert problem_lines(error) == [
        "manuscript/article.md:7: note [^n] is defined twice (first at line 5); rename or merge one"
    ]


def test_unknown_directive(small_project: SmallProject) -> None:
    with pytest.raises(BookError) as error:
        read(small_project, "# T\n\n::: sidebar\nText\n:::\n")
    assert problem_lines(error) == [
        "manuscript/article.md:3: unknown directive '::: sidebar'; use '::: plate ID' or '::: pullquote'"
    ]


# --- config and timeline -------------------------------------------------------------------------


def test_config_reads_dates_and_defaults(small_project: SmallProject) -> None:
    config = load_config(Project(small_project.root))
    assert config.edition_date == date(2024, 1, 1)
    assert config.first_publication is None
    assert config.manuscript == ("manuscript",), "the manuscript folder's Markdown files"
    assert (config.plates, config.appendix_file("timeline")) == (None, None), (
        "the default files, if they exist"
    )
    assert config.setting("timeline", "own_source") == "text" and config.labels["timeline"] == "Timeline"
    assert config.fonts.family == "Charis SIL"


def test_config_missing_required_key(small_project: SmallProject) -> None:
    small_project.replace("book.toml", 'slug = "small"\n', "")
    with pytest.raises(BookError) as error:
        load_config(Project(small_project.root))
    assert problem_lines(error) == ["book.toml:1: [book] needs 'slug'; add it"]


def test_config_unsupported_language(small_project: SmallProject) -> None:
    small_project.replace("book.toml", 'language = "en"', 'language = "xx"')
    with pytest.raises(BookError) as error:
        load_config(Project(small_project.root))
    assert problem_lines(error) == ["book.toml:4: language 'xx' is not supported; use one of en, pl"]


def test_timeline_keeps_order_and_marks_editorial_entries(small_project: SmallProject) -> None:
    path = small_project.write(
        "manuscript/timeline.yaml",
        "- date: 1939-09-17\n  event: One.\n  source: text\n"
        "- date: 1941-08-14\n  event: Two.\n  source: A named book (1961)\n",
    )
    config = load_config(Project(small_project.root))
    events = read_timeline(Project(small_project.root), path, config)
    assert [(e.date, e.editorial) for e in events] == [(date(1939, 9, 17), False), (date(1941, 8, 14), True)]


def test_timeline_unknown_key(small_project: SmallProject) -> None:
    path = small_project.write(
        "manuscript/timeline.yaml", "- date: 1939-09-17\n  event: One.\n  source: text\n  where: x\n"
    )
    with pytest.raises(BookError) as error:
        read_timeline(Project(small_project.root), path, load_config(Project(small_project.root)))
    assert problem_lines(error) == [
        "manuscript/timeline.yaml:4: unknown key 'where'; a timeline entry has date, event, source, id"
    ]


# --- numbering -------------------------------------------------------------------------------------


def test_notes_numbered_by_call_including_captions(small_project: SmallProject) -> None:
    small_project.write(
        "manuscript/article.md",
        "# T\n\nFirst.[^b]\n\n::: plate one\n\nLast.[^a]\n\n"
        "[^a]: Note a.\n\n[^b]: Note b.\n\n[^c]: Note c.\n",
    )
    small_project.replace("images/plates.yaml", "caption: A caption.", "caption: A caption.[^c]")
    book = load_book(small_project.root)
    assert [(n.number, n.label, n.anchor) for n in book.notes] == [
        (1, "b", "note-1"),
        (2, "c", "note-2"),
        (3, "a", "note-3"),
    ]
    (plate,) = book.plates
    assert (plate.number, plate.label, plate.anchor) == (1, "Plate 1", "plate-one")
    assert isinstance(plate.caption[-1], NoteCall) and plate.caption[-1].note.number == 2
    assert [n.number for n in book.chapters[0].notes] == [1, 2, 3]


def test_polish_book_labels_plates_in_polish(small_project: SmallProject) -> None:
    small_project.replace("book.toml", 'language = "en"', 'language = "pl"')
    assert load_book(small_project.root).plates[0].label == "Ilustracja 1"


def test_note_called_twice(small_project: SmallProject) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text.[^n]")
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert problem_lines(error) == [
        "manuscript/article.md:9: note [^n] is called twice (first as note 1); "
        "call each note once, or write a second note"
    ]


def test_plate_never_placed(small_project: SmallProject) -> None:
    small_project.replace("manuscript/article.md", "::: plate one\n", "")
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert problem_lines(error) == [
        "images/plates.yaml:1: plate 'one' is never placed; add '::: plate one' to the manuscript "
        "or remove it from the manifest"
    ]


def test_heading_anchors_are_unique(small_project: SmallProject) -> None:
    small_project.replace("manuscript/article.md", "## A section", "## Same\n\nX.\n\n## Same")
    sections = load_book(small_project.root).chapters[0].sections
    assert [s.anchor for s in sections] == ["same", "same-2"]


def test_the_book_words_the_builders_labels_its_own_way(small_project: SmallProject) -> None:
    small_project.write(
        "book.toml",
        (small_project.root / "book.toml").read_text()
        + '\n[labels]\ntimeline = "Chronology"\nnotes_statement = "The notes are the author\'s."\n',
    )
    config = load_config(Project(small_project.root))
    assert config.labels["timeline"] == "Chronology"
    assert config.labels["notes_statement"] == "The notes are the author's."
    assert config.labels["contents"] == "Contents", "the others stay the builder's"


def test_an_unknown_label(small_project: SmallProject) -> None:
    text = (small_project.root / "book.toml").read_text()
    small_project.write("book.toml", text + '\n[labels]\ntimeline = "Chronology"\ntimelime = "Chronology"\n')
    line = text.count("\n") + 4
    with pytest.raises(BookError) as error:
        load_config(Project(small_project.root))
    (message,) = problem_lines(error)
    assert message.startswith(f"book.toml:{line}: unknown label 'timelime' in [labels]; the labels are ")


def test_a_manuscript_in_files_named_one_by_one(small_project: SmallProject) -> None:
    small_project.write("manuscript/b.md", "# Second\n\nText of the second.[^1]\n\n[^1]: Its note.\n")
    small_project.replace(
        "book.toml",
        "[book]",
        '[sources]\nmanuscript = ["manuscript/b.md", "manuscript/article.md"]\n\n[book]',
    )
    book = load_book(small_project.root)
    assert book.chapters[0].title.text == "Second"
    assert book.notes[0].text == "Its note."
    small_project.replace("book.toml", '"manuscript/article.md"]', '"manuscript/b.md"]')
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert problem_lines(error) == ["book.toml:2: the manuscript names a file twice; name each file once"]


def test_a_link_to_an_anchor_the_book_has(small_project: SmallProject) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text, as [above](#a-small-chapter).")
    small_project.replace(
        "manuscript/article.md", "The note text.", "The note text; see [Plate 1](#plate-one)."
    )
    load_book(small_project.root)


def test_a_link_to_an_anchor_the_book_has_not(small_project: SmallProject) -> None:
    """Located at its line, as the linter's L002, rather than WeasyPrint's 'No anchor' at build time."""
    small_project.replace("manuscript/article.md", "More text.", "More text, as [above](#nowhere).")
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert problem_lines(error) == [
        "manuscript/article.md:9: link '#nowhere' points at no heading; "
        "the heading anchors are: a-small-chapter, a-section"
    ]


def test_the_foreign_phrases_book_toml_lists_are_marked_wherever_the_text_uses_them(
    small_project: SmallProject,
) -> None:
    """As whole words, in any case, across a line break; not in code, not twice where the text
    marks one itself; hyphenated by their own language's patterns or not at all (total_fit.py
    and WeasyPrint read `lang`)."""
    small_project.replace(
        "manuscript/article.md",
        "More text.",
        "More text: the Conditio sine\nqua non, `de facto`, [de facto]{lang=la}, de facto; defactor.",
    )
    config = small_project.root / "book.toml"
    listed = '\n[foreign_phrases]\nla = ["conditio sine qua non", "de facto"]\n'
    config.write_text(config.read_text(encoding="utf-8") + listed, encoding="utf-8")
    book = load_book(small_project.root)
    assert book.config.foreign_phrases == (("la", ("conditio sine qua non", "de facto")),)
    markup = "".join(
        part
        for block in book.chapters[0].blocks
        if isinstance(block, Prose)
        for part in block.content
        if isinstance(part, str)
    )
    latin = '<span lang="la" xml:lang="la">'
    assert f"the {latin}Conditio sine qua non</span>, <code>de facto</code>, {latin}de facto</span>" in markup
    assert f"{latin}de facto</span>; defactor." in markup


def test_a_phrase_in_another_language_is_a_span_with_its_language() -> None:
    assert inline_markup("was the *[conditio sine qua non]{lang=la}* for it, [tak]{lang=pl-PL}", HERE) == (
        'was the <em><span lang="la" xml:lang="la">conditio sine qua non</span></em> for it, '
        '<span lang="pl-PL" xml:lang="pl-PL">tak</span>',
    )


def test_superscripts_subscripts_and_small_caps_in_pandocs_syntax() -> None:
    assert inline_markup("the 2^nd^ of H~2~O, [UNESCO]{.smallcaps}, ~300 or ~400, \\^x\\^ \\~y\\~", HERE) == (
        'the 2<sup>nd</sup> of H<sub>2</sub>O, <span class="smallcaps">UNESCO</span>, ~300 or ~400, ^x^ ~y~',
    )
    assert inline_markup("^*it*^", HERE) == ("<sup><em>it</em></sup>",)
    with pytest.raises(BookError, match="attributes like"):
        inline_markup("[a]{.other}", HERE)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.mark.parametrize("exif_at", ["before the pixels", "after the pixels", "nowhere"])
def test_a_png_plate_is_measured_as_its_exif_orientation_stands_it(
    small_project: SmallProject, exif_at: str
) -> None:
    """A PNG's eXIf chunk may follow its pixels, where Pillow looks only by decoding it whole;
    the reader lists the chunks instead, and still finds it."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn right to view: stored 60 wide, printed 40 wide
    buffer = io.BytesIO()
    lying = Image.new("RGB", (60, 40), (120, 90, 60))
    lying.save(buffer, "PNG", **({"exif": exif.tobytes()} if exif_at == "before the pixels" else {}))
    data = buffer.getvalue()
    if exif_at == "after the pixels":
        end = data.rindex(b"IEND") - 4
        data = data[:end] + png_chunk(b"eXIf", exif.tobytes()[len(b"Exif\0\0") :]) + data[end:]
    (small_project.root / "images" / "one.png").write_bytes(data)
    small_project.replace("images/plates.yaml", "file: one.jpg", "file: one.png")
    plate = load_book(small_project.root).plates[0]
    assert (plate.width, plate.height) == ((60, 40) if exif_at == "nowhere" else (40, 60))
