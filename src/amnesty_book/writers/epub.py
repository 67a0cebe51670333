"""Writes the EPUB 3 with ebooklib: shared templates, pop-up notes, nav, cover, subset fonts, metadata."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from ebooklib import epub
from lxml import etree

from amnesty_book.images.cover import cover_jpeg
from amnesty_book.images.plates import screen_images
from amnesty_book.layout.engine import paged
from amnesty_book.layout.pagination import anchors_in_reading_order, page_starts
from amnesty_book.model import Book, Plate
from amnesty_book.project.config import Edition, page_source
from amnesty_book.project.labels import title_key
from amnesty_book.support.cache import DerivedFiles
from amnesty_book.support.errors import tell
from amnesty_book.theme.project_styles import ASSET_TYPES
from amnesty_book.theme.rendering import built_at, render
from amnesty_book.theme.styles import font_files, stylesheet
from amnesty_book.writers.epub_accessibility import Accessibility, assess
from amnesty_book.writers.fonts import subset_font

_STYLESHEET = "styles/book.css"
_COVER = "images/cover.jpg"


class _VerbatimXhtml(epub.EpubHtml):
    """A content document written exactly as rendered.

    Plain EpubHtml re-parses its content as HTML and drops head and body attributes,
    and writes an empty file for a str that starts with an XML declaration.
    """

    def get_content(self, default: bytes | None = None) -> bytes:
        content = self.content
        return content if isinstance(content, bytes) else content.encode("utf-8")


class _Writer(epub.EpubWriter):
    """ebooklib's writer, giving the package document the book's language as well (xml:lang).

    Without it, assistive technology reads the metadata (title, summary) in its own default
    language; DAISY Ace reports this as a serious violation.
    """

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


def write_epub(book: Book, edition: Edition, out: Path) -> list[Path]:
    target = out / edition.output_name(book.config.slug)
    built = built_at(book)
    writer = _Writer(str(target), _package(book, edition), {"mtime": built})
    writer.process()
    writer.write()
    _repack(target, built)
    return [target]


def _chapter_file(index: int) -> str:
    return f"chapter-{index}.xhtml"


def _anchor_files(book: Book) -> dict[str, str]:
    """The content document that holds each anchor, for links across files."""
    files = {"title-page": "title.xhtml", "imprint": "title.xhtml", "contents": "nav.xhtml"}
    files.update((part, f"{part}.xhtml") for part in book.back_matter)
    for index, chapter in enumerate(book.chapters, start=1):
        name = _chapter_file(index)
        files[chapter.title.anchor] = name
        for note in chapter.notes:
            files[note.anchor] = files[note.call_anchor] = name
        for block in chapter.blocks:
            files[block.anchor] = name
    for appendix in book.appendices:
        files.update((entry.anchor, f"{appendix.kind}.xhtml") for entry in appendix.entries)
    files.update((entry.anchor, "bibliography.xhtml") for entry in book.bibliography)
    return files


class _Landmark(NamedTuple):
    type: str  # EPUB 3 structural semantics
    href: str
    title: str


# The EPUB 2 <guide> names the EPUB 3 landmarks' types differently.
_GUIDE_TYPES = {"bodymatter": "text"}


def _package(book: Book, edition: Edition) -> epub.EpubBook:
    config = book.config
    labels = config.labels
    package = epub.EpubBook()
    derived = DerivedFiles(book.root)
    prepared_images = screen_images(book.plates, derived)
    lead_image = prepared_images[book.plates[0].id] if book.plates else None
    package.set_cover(_COVER, cover_jpeg(book, lead_image, derived), create_page=False)

    files = _anchor_files(book)

    def href(anchor: str) -> str:
        return f"{files[anchor]}#{anchor}"

    source, page_breaks = _print_pages(book, edition)
    page_list = [
        (folio, f"{files[anchor]}#page-{folio}")
        for anchor in anchors_in_reading_order(book)
        for folio in page_breaks.get(anchor, ())
    ]

    fonts = font_files(book)
    # The files the project's stylesheets use stand where their names lead from the stylesheet.
    styles = stylesheet(book, edition, lambda face: f"../fonts/{fonts[face.path]}", lambda name: name)
    css_text = styles.css
    css = epub.EpubItem(
        uid="css", file_name=_STYLESHEET, media_type="text/css", content=css_text.encode("utf-8")
    )
    package.add_item(css)
    for index, (name, path) in enumerate(styles.assets.items(), start=1):
        package.add_item(
            epub.EpubItem(
                uid=f"style-{index}",
                file_name=posixpath.join(posixpath.dirname(_STYLESHEET), name),
                media_type=ASSET_TYPES[path.suffix.lower()],
                content=path.read_bytes(),
            )
        )
    images: dict[str, str] = {}
    scans = sum(plate.file.stat().st_size for plate in book.plates)
    screens = sum(path.stat().st_size for path in prepared_images.values())
    tell(
        f"epub: {len(book.plates)} plate images prepared for screens, {_megabytes(scans)} of scans "
        f"in {_megabytes(screens)} ({1 - screens / max(scans, 1):.0%} saved)"
    )
    for plate_id, prepared in prepared_images.items():
        images[plate_id] = f"images/{plate_id}.jpg"
        package.add_item(
            epub.EpubItem(
                uid=f"image-{plate_id}",
                file_name=images[plate_id],
                media_type="image/jpeg",
                content=prepared.read_bytes(),
            )
        )

    def image_src(plate: Plate) -> str:
        return images[plate.id]

    def page(uid: str, file_name: str, title: str, part: str, **extra: Any) -> _VerbatimXhtml:
        xhtml = render(
            "page.xhtml.j2",
            book,
            edition,
            "epub",
            # Links within the document name no file: readers (pandoc among them) match a
            # note call to its note only by a bare fragment.
            href=lambda anchor: f"#{anchor}" if files[anchor] == file_name else href(anchor),
            image_src=image_src,
            stylesheets=[_STYLESHEET],
            page_title=title,
            part=part,
            page_breaks=page_breaks,
            **extra,
        )
        item = _VerbatimXhtml(
            uid=uid, file_name=file_name, title=title, lang=config.language, content=xhtml.encode("utf-8")
        )
        package.add_item(item)
        return item

    landmarks = [
        _Landmark("cover", "cover.xhtml", labels["cover"]),
        _Landmark("toc", href("contents"), labels["contents"]),
        _Landmark("bodymatter", _chapter_file(1), labels["start_of_content"]),
    ]
    cover = page("cover", "cover.xhtml", labels["cover"], "cover", cover_src=_COVER)
    title_page = page("title", "title.xhtml", labels["title_page"], "title")
    # The reading systems' nav document is the book's own contents page, with the landmarks.
    nav = page("nav", "nav.xhtml", labels["contents"], "contents", landmarks=landmarks, page_list=page_list)
    nav.properties.append("nav")
    chapters = [
        page(f"chapter-{index}", _chapter_file(index), chapter.title.text, "chapter", chapter=chapter)
        for index, chapter in enumerate(book.chapters, start=1)
    ]
    back_matter = [page(part, f"{part}.xhtml", labels[title_key(part)], part) for part in book.back_matter]
    documents = [cover, title_page, nav, *chapters, *back_matter]

    contents = {item.file_name: item.content for item in documents}
    _add_fonts(package, book, contents.values())
    _describe(package, book, assess(contents, css_text, config.language))
    if source is not None:
        # EPUB Accessibility 1.1 "page source": the edition whose pages the page-list gives.
        package.add_metadata(None, "meta", source.output_name(config.slug), {"property": "pageBreakSource"})
    package.toc = _ncx_entries(book, href)
    package.guide = [
        {
            "type": _GUIDE_TYPES.get(landmark.type, landmark.type),
            "href": landmark.href,
            "title": landmark.title,
        }
        for landmark in landmarks
    ]
    package.add_item(epub.EpubNcx())
    # The cover is outside the reading order; the cover landmark leads to it.
    package.spine = [(cover, "no"), *documents[1:]]
    return package


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _print_pages(book: Book, edition: Edition) -> tuple[Edition | None, dict[str, list[str]]]:
    """The edition whose pages the EPUB marks (page_source), and where each of its pages
    begins, from the same layout as that edition's PDF."""
    source = page_source(book.config, edition)
    if source is None:
        return None, {}
    return source, page_starts(book, paged(book, source).pages)


def _add_fonts(package: epub.EpubBook, book: Book, documents: Iterable[bytes]) -> None:
    """The book's faces, each cut down to the characters of the documents (a twentieth of the size)."""
    used = {char for xhtml in documents for char in "".join(etree.fromstring(xhtml).itertext())}
    for index, (path, name) in enumerate(font_files(book).items(), start=1):
        package.add_item(
            epub.EpubItem(
                uid=f"font-{index}",
                file_name=f"fonts/{name}",
                media_type=ASSET_TYPES[path.suffix.lower()],
                content=subset_font(path, used),
            )
        )


def _ncx_entries(book: Book, href: Callable[[str], str]) -> list[Any]:
    """The NCX, for EPUB 2 reading systems: the same entries as the nav's contents."""
    labels = book.config.labels

    def link(anchor: str, text: str) -> epub.Link:
        return epub.Link(href(anchor), text, f"toc-{anchor}")

    chapters = [
        (link(c.title.anchor, c.title.text), [link(s.anchor, s.text) for s in c.sections])
        if c.sections
        else link(c.title.anchor, c.title.text)
        for c in book.chapters
    ]
    return [*chapters, *(link(part, labels[title_key(part)]) for part in book.back_matter)]


def _describe(package: epub.EpubBook, book: Book, accessibility: Accessibility) -> None:
    """The package metadata: the book's from book.toml, then what the accessibility checks found."""
    config = book.config
    package.set_identifier(config.identifier)
    package.set_title(config.title)
    package.set_language(config.language)
    package.add_author(config.author, role="aut", uid="author")
    # ebooklib would mark file-as with the relators scheme, which is only for roles.
    package.add_metadata(None, "meta", config.author_file_as, {"refines": "#author", "property": "file-as"})
    package.add_metadata("DC", "date", config.edition_date.isoformat())
    if config.first_publication:
        package.add_metadata("DC", "publisher", config.first_publication.publisher)
        # The text's copyright runs from its first publication, not from this edition.
        package.add_metadata(
            None,
            "meta",
            config.first_publication.date.isoformat(),
            {"property": "dcterms:dateCopyrighted"},
        )
    for key, value in (("description", config.description), ("rights", config.rights)):
        if value:
            package.add_metadata("DC", key, value)
    for subject in config.subjects:
        package.add_metadata("DC", "subject", subject)
    for name, value in accessibility.metadata():
        package.add_metadata(None, "meta", value, {"property": name})


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
