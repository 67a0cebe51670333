"""What a reviewed Word manuscript holds besides its text: tracked changes (decided by
--accept-changes or --reject-changes, or refused), comments, text boxes, fields of other
kinds, highlights, cross-reference fields; each set in the book where it can be, and each
that cannot listed in import-report.md with the paragraph it stood in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from amnesty_book.importing.project import import_document
from amnesty_book.readers.loading import load_book
from word_documents import (
    WordDocument,
    bookmark,
    deleted,
    field,
    hyperlink,
    inserted,
    picture,
    text,
)


def reviewed() -> WordDocument:
    document = WordDocument(title="Reviewed", author="Ada Author")
    document.paragraph(bookmark("_Ref10", text("The camps"), 10), style="Heading1")
    document.paragraph(
        text("Deported in 1940"),
        bookmark("_Ref11", document.footnote("By train."), 11),
        text(", as "),
        document.comment("Source?", "the archive shows"),
        text("."),
    )
    document.paragraph(text("Kept "), inserted("new words"), deleted("old words"), text(" here."))
    document.paragraph(
        text("Printed on "),
        field('DATE \\@ "d MMMM yyyy"', "5 March 2024"),
        text(" and "),
        text("flagged", '<w:highlight w:val="yellow"/>'),
        text("."),
    )
    document.paragraph(text("Aside: "), document.text_box("A boxed remark."), text(" end."))
    document.paragraph(
        document.picture(picture((2400, 1600)), "A barrack in snow."),
        document.text_box(bookmark("_Ref12", text("Figure 1: A barrack"), 12)),
    )
    document.heading(4, "A deep heading")
    document.paragraph(
        text("See "),
        field("REF _Ref10 \\h", "The camps"),
        text(", note "),
        field("NOTEREF _Ref11 \\h", "1"),
        text(", "),
        field("REF _Ref12 \\h", "Figure 1"),
        text(" on page "),
        field("PAGEREF _Ref10 \\h", "2"),
        text(". A "),
        text("struck", "<w:strike/>"),
        text(" word and a "),
        hyperlink("file", document.link("file:///C:/notes.doc")),
        text("."),
    )
    return document


def chapter(kept: str) -> str:
    return (
        "# The camps\n\n"
        "Deported in 1940[^1], as the archive shows.\n\n"
        f"Kept {kept} here.\n\n"
        "Printed on 5 March 2024 and flagged.\n\n"
        "Aside: end.\n\n"
        "A boxed remark.\n\n"
        "::: plate a-barrack\n\n"
        "**A deep heading**\n\n"
        "See @sec:the-camps, note @note:1, @plate:a-barrack on page 2. A struck word and a file.\n\n"
        "[^1]: By train.\n"
    )


@pytest.mark.parametrize(("changes", "kept"), [("accept", "new words"), ("reject", "old words")])
def test_tracked_changes_are_accepted_or_rejected_as_asked(tmp_path: Path, changes: str, kept: str) -> None:
    import_document(reviewed().save(tmp_path / "reviewed.docx"), tmp_path / "book", changes)
    written = (tmp_path / "book" / "manuscript" / "01-the-camps.md").read_text(encoding="utf-8")
    assert written == chapter(kept)
    book = load_book(tmp_path / "book")  # the cross-references name what the book has
    assert [plate.caption for plate in book.plates] == [("A barrack",)]


def test_a_document_with_tracked_changes_is_refused_until_they_are_decided(tmp_path: Path) -> None:
    reviewed().save(tmp_path / "reviewed.docx")
    done = subprocess.run(
        [sys.executable, "-m", "amnesty_book", "import", "reviewed.docx", "book"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "amnesty-book: reviewed.docx: this document has 2 tracked change(s); import it with "
        "--accept-changes or --reject-changes, or decide them in the word processor first\n"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["reviewed.docx"]


def test_what_cannot_be_mapped_is_reported_with_its_paragraph(tmp_path: Path) -> None:
    import_document(reviewed().save(tmp_path / "reviewed.docx"), tmp_path / "book", "accept")
    report = (tmp_path / "book" / "import-report.md").read_text(encoding="utf-8")
    listed = report[report.index("## Not imported") :].splitlines()[2:]
    see = "manuscript/01-the-camps.md:17 (“See @sec:the-camps, note @note:1, @plate:a-barrack…”)"
    assert listed == [
        "- manuscript/01-the-camps.md:3 (“Deported in 1940[^1], as the archive shows.”): "
        "comment: Reviewer: “Source?”",
        "- manuscript/01-the-camps.md:7 (“Printed on 5 March 2024 and flagged.”): "
        "coloured or highlighted text: “flagged”",
        "- manuscript/01-the-camps.md:7 (“Printed on 5 March 2024 and flagged.”): "
        """field: DATE \\@ "d MMMM yyyy": its text, '5 March 2024', is kept""",
        "- manuscript/01-the-camps.md:11 (“A boxed remark.”): "
        "text box: its text is set here, after the paragraph it stood in",
        "- manuscript/01-the-camps.md:15 (“**A deep heading**”): "
        "heading: a heading of level 4 set as a bold paragraph: the book's go down to 3",
        f"- {see}: struck-through text: “struck” kept as ordinary text",
        f"- {see}: link: a link to 'file:///C:/notes.doc' kept as its text: the book links only to the web",
        f"- {see}: cross-reference: a PAGEREF field to '_Ref10' kept as its text, “2”; "
        "the book's pages are not Word's",
    ]


def test_text_pandoc_drops_is_reported_not_lost_silently(tmp_path: Path) -> None:
    """Ruby text (a reading over a word), which pandoc's reader leaves out with its base."""
    document = WordDocument(title="Ruby", author="Ada Author")
    document.heading(1, "Ruby")
    document.paragraph(text("Kept."))
    document.paragraph(
        "<w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>tokyo</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>Tōkyō</w:t></w:r></w:rubyBase></w:ruby></w:r>"
    )
    import_document(document.save(tmp_path / "ruby.docx"), tmp_path / "book")
    report = (tmp_path / "book" / "import-report.md").read_text(encoding="utf-8")
    assert report.endswith("- the document: text not imported: “tokyoTōkyō” (missing: tokyoTōkyō)\n")


def test_shapes_and_objects_are_reported_and_markdowns_own_characters_are_text(tmp_path: Path) -> None:
    document = WordDocument(title="Marks", author="Ada Author")
    document.heading(1, "Marks")
    document.paragraph(
        text("An arrow "),
        '<w:r><w:pict><v:rect style="width:50pt;height:20pt"/></w:pict></w:r>',
        text("and a sheet "),
        '<w:r><w:object><o:OLEObject ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025"/></w:object></w:r>',
        text("here."),
    )
    document.paragraph(text("E=mc"), text("2", '<w:vertAlign w:val="superscript"/>'))
    document.paragraph(text("*stars* _under_ [brackets] <tags> & 100% @home #1 ^up^ ~down~."))
    document.paragraph(text("1. Not a list."))
    document.paragraph(text("# Not a heading."))
    import_document(document.save(tmp_path / "marks.docx"), tmp_path / "book")
    root = tmp_path / "book"
    assert (root / "manuscript" / "01-marks.md").read_text(encoding="utf-8") == (
        "# Marks\n\nAn arrow and a sheet here.\n\nE=mc^2^\n\n"
        "\\*stars\\* \\_under\\_ \\[brackets\\] &lt;tags> &amp; 100% \\@home #1 \\^up\\^ \\~down\\~.\n\n"
        "1\\. Not a list.\n\n\\# Not a heading.\n"
    )
    book = load_book(root)  # each paragraph reads as it was written
    assert [block.content for block in book.chapters[0].blocks] == [
        ("<p>An arrow and a sheet here.</p>",),
        ("<p>E=mc<sup>2</sup></p>",),
        ("<p>*stars* _under_ [brackets] &lt;tags&gt; &amp; 100% @home #1 ^up^ ~down~.</p>",),
        ("<p>1. Not a list.</p>",),
        ("<p># Not a heading.</p>",),
    ]
    report = (root / "import-report.md").read_text(encoding="utf-8")
    assert "- manuscript/01-marks.md:3 (“An arrow and a sheet here.”): a shape: not imported\n" in report
    assert (
        "- manuscript/01-marks.md:3 (“An arrow and a sheet here.”): an embedded object (a spreadsheet, "
        "an equation of Word 2003...): not imported\n"
    ) in report
