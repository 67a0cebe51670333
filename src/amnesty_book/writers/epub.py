"""Writes the EPUB 3 with ebooklib: XHTML from the shared templates, pop-up notes, nav, cover, fonts."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from ebooklib import epub

from ..config import Edition
from ..cover import cover_jpeg
from ..images import screen_image
from ..labels import labels_for
from ..model import Book, Chapter, Plate
from ..rendering import built_at, render
from ..styles import stylesheet

_STYLESHEET = "styles/book.css"
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2", ".woff": "font/woff"}


class _VerbatimXhtml(epub.EpubHtml):
    """A content document written exactly as rendered.

    Plain EpubHtml re-parses its content as HTML and drops head and body attributes,
    and writes an empty file for a str that starts with an XML declaration.
    """

    def get_content(self, default: bytes | None = None) -> bytes:
        content = self.content
        return content if isinstance(content, bytes) else content.encode("utf-8")


def write_epub(book: Book, edition: Edition, out: Path) -> list[Path]:
    target = out / edition.output_name(book.config.slug)
    built = built_at(book)
    with tempfile.TemporaryDirectory() as scratch:
        epub.write_epub(
            str(target),
            _package(book, Path(scratch), built),
            {
                "epub3_pages": False,  # ebooklib's own page-list takes every element with an id
                "mtime": built,
                "raise_exceptions": True,
            },
        )
    _repack(target, built)
    return [target]


def _chapter_file(index: int) -> str:
    return f"chapter-{index}.xhtml"


def _anchor_files(book: Book) -> dict[str, str]:
    """The content document that holds each anchor, for links across files."""
    files = {
        "title-page": "title.xhtml",
        "contents": "nav.xhtml",
        "plates": "plates.xhtml",
        "timeline": "timeline.xhtml",
        "colophon": "colophon.xhtml",
    }
    for index, chapter in enumerate(book.chapters, start=1):
        name = _chapter_file(index)
        files[chapter.title.anchor] = name
        files.update((section.anchor, name) for section in chapter.sections)
        for note in chapter.notes:
            files[note.anchor] = files[note.call_anchor] = name
        for block in chapter.blocks:
            plate = getattr(block, "plate", None)
            if plate is not None:
                files[plate.anchor] = name
    return files


def _package(book: Book, image_folder: Path, built: datetime) -> epub.EpubBook:
    config = book.config
    labels = labels_for(config.language)
    package = epub.EpubBook()
    package.set_identifier(config.identifier)
    package.set_title(config.title)
    package.set_language(config.language)
    package.add_author(config.author, file_as=config.author_file_as, role="aut", uid="author")
    if config.first_publication:
        package.add_metadata("DC", "publisher", config.first_publication.publisher)
        package.add_metadata("DC", "date", config.first_publication.date.isoformat())
    for key, value in (("description", config.description), ("rights", config.rights)):
        if value:
            package.add_metadata("DC", key, value)
    for subject in config.subjects:
        package.add_metadata("DC", "subject", subject)

    package.set_cover("images/cover.jpg", cover_jpeg(book))
    package.get_item_with_id("cover").title = labels["cover"]

    files = _anchor_files(book)

    def href(anchor: str) -> str:
        return f"{files[anchor]}#{anchor}"

    css = epub.EpubItem(
        uid="css",
        file_name=_STYLESHEET,
        media_type="text/css",
        content=stylesheet(book, "epub", lambda face: f"../fonts/{face.path.name}").encode("utf-8"),
    )
    package.add_item(css)
    for index, face in enumerate(book.fonts, start=1):
        package.add_item(
            epub.EpubItem(
                uid=f"font-{index}",
                file_name=f"fonts/{face.path.name}",
                media_type=_FONT_TYPES[face.path.suffix.lower()],
                content=face.path.read_bytes(),
            )
        )
    images: dict[str, str] = {}
    for plate in book.plates:
        prepared = screen_image(plate, image_folder)
        images[plate.id] = f"images/{prepared.name}"
        package.add_item(
            epub.EpubItem(
                uid=f"image-{plate.id}",
                file_name=images[plate.id],
                media_type="image/jpeg",
                content=prepared.read_bytes(),
            )
        )

    def image_src(plate: Plate) -> str:
        return images[plate.id]

    def page(
        uid: str, file_name: str, title: str, part: str, chapter: Chapter | None = None
    ) -> epub.EpubHtml:
        xhtml = render(
            "page.xhtml.j2",
            book,
            "epub",
            href=href,
            image_src=image_src,
            stylesheets=[_STYLESHEET],
            page_title=title,
            part=part,
            chapter=chapter,
        )
        item = _VerbatimXhtml(
            uid=uid, file_name=file_name, title=title, lang=config.language, content=xhtml.encode("utf-8")
        )
        package.add_item(item)
        return item

    title_page = page("title", "title.xhtml", labels["title_page"], "title")
    chapters = [
        page(f"chapter-{index}", _chapter_file(index), chapter.title.text, "chapter", chapter)
        for index, chapter in enumerate(book.chapters, start=1)
    ]
    plates = page("plates", "plates.xhtml", labels["plates_and_credits"], "plates")
    timeline = page("timeline", "timeline.xhtml", labels["timeline"], "timeline")
    colophon = page("colophon", "colophon.xhtml", labels["colophon"], "colophon")

    package.toc = [
        *(
            (
                epub.Link(href(chapter.title.anchor), chapter.title.text, f"toc-{chapter.title.anchor}"),
                [epub.Link(href(s.anchor), s.text, f"toc-{s.anchor}") for s in chapter.sections],
            )
            if chapter.sections
            else epub.Link(href(chapter.title.anchor), chapter.title.text, f"toc-{chapter.title.anchor}")
            for chapter in book.chapters
        ),
        epub.Link("plates.xhtml", labels["plates_and_credits"], "toc-plates"),
        epub.Link("timeline.xhtml", labels["timeline"], "toc-timeline"),
        epub.Link("colophon.xhtml", labels["colophon"], "toc-colophon"),
    ]
    package.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": labels["cover"]},
        {"type": "toc", "href": "nav.xhtml", "title": labels["contents"]},
        {"type": "text", "href": _chapter_file(1), "title": labels["start_of_content"]},
    ]
    nav = epub.EpubNav(title=labels["contents"])
    nav.add_item(css)
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    package.spine = ["cover", title_page, "nav", *chapters, plates, timeline, colophon]
    return package


def _repack(target: Path, built: datetime) -> None:
    """Rewrites the zip with the build's timestamp on every entry, so equal input gives equal bytes."""
    stamp = max(built.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(target) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(target, "w") as packed:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            packed.writestr(info, data)
