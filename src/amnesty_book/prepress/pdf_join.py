"""Joins the PDFs of a book's parts, laid out apart, into the one tagged PDF of the whole book.

Each part is a complete WeasyPrint PDF/UA-1 file holding consecutive pages of the book. The
first part is the base: its catalogue, Info, XMP metadata and structure tree root stay; the
later parts' pages are copied after its own with qpdf, and their structure elements, parent
tree entries, outline items and named destinations are linked into the base's. qpdf maps a
reference to a page or an annotation already copied from the same file to its copy, so each
part's pages are copied first and everything that points at them after.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from pikepdf import Array, Dictionary, Name, Object, ObjectStreamMode, Pdf, String

# WeasyPrint drops (and logs as an error) an internal link whose id its document lacks: a
# part writes a link to an id of another part as the href "./#id", which WeasyPrint keeps as
# a URI, and the join makes it a link to the named destination again.
_OTHER_PART = re.compile(r"(?:\./)?#(.+)", re.DOTALL)
# A subset font's name: six capitals, a plus, the face's name (ISO 32000-1, 9.6.4).
_SUBSET_TAG = re.compile(r"[A-Z]{6}\+")


def join_parts(
    parts: Sequence[bytes],
    labels: Sequence[tuple[int, str]] = (),
    bookmark_levels: Sequence[Sequence[int]] = (),
) -> bytes:
    """One PDF of the parts' pages in order, as if the book had been laid out whole: one
    structure tree, parent tree, outline and name tree of destinations, and the first part's
    catalogue entries, Info and XMP metadata.

    A later part's structure elements follow the earlier parts' in the Document element, its
    parent tree keys (and its pages' /StructParents and annotations' /StructParent) moved
    past theirs; the parts' outline items make one outline, each item under the last before it
    of a lower level: its level in its part's outline, or the level of its bookmark if
    `bookmark_levels` gives each part's (a part that opens within a chapter, whose first items
    are the chapter's sections: layout/book_slices.py). A destination named in two parts keeps the first, as
    WeasyPrint keeps an id's first anchor. A link to an id, written "./#id" (WeasyPrint keeps
    it as written when given no base URL), leads to that destination, wherever it is; a
    ValueError names an id that no part holds. `labels` are the whole's /PageLabels ranges
    (first page from 0, style), set in its catalogue.
    """
    book = Pdf.open(io.BytesIO(parts[0]))
    tree = book.Root.StructTreeRoot
    numbers = dict(_leaves(tree.ParentTree, "/Nums"))
    next_key = _next_key(tree, numbers)
    destinations = _destinations(book)
    levels = [*bookmark_levels, *([None] * len(parts))]
    items = _outline_items(book.Root.get("/Outlines"), levels[0])
    for index, part in enumerate(parts[1:], start=1):
        # Closed once copied: qpdf keeps what it still has to read of a part's streams.
        with Pdf.open(io.BytesIO(part)) as source:
            _retag_fonts(source, index)
            offset = next_key
            for page in source.pages:
                page.obj.StructParents += offset
                for annotation in page.obj.get("/Annots", ()):
                    if "/StructParent" in annotation:
                        annotation.StructParent += offset
                book.pages.append(page)
            # Copied after the pages: qpdf leaves a reference to a page it has not copied null.
            their_tree = book.copy_foreign(source.Root.StructTreeRoot)
            their_numbers = dict(_leaves(their_tree.ParentTree, "/Nums"))
            numbers.update((key + offset, value) for key, value in their_numbers.items())
            next_key = offset + _next_key(their_tree, their_numbers)
            _append_structure(tree, their_tree)
            if "/Outlines" in source.Root:
                items += _outline_items(book.copy_foreign(source.Root.Outlines), levels[index])
            for key, entry in _destinations(source, book).items():
                destinations.setdefault(key, entry)

    if items:
        _set_outline(book, items)
    tree.ParentTree = book.make_indirect(Dictionary(Nums=Array(_flat(sorted(numbers.items())))))
    tree.ParentTreeNextKey = next_key
    if destinations:
        if "/Names" not in book.Root:
            book.Root.Names = Dictionary()
        # Sorted by the keys' bytes, the order the spec asks of a name tree (7.9.6).
        book.Root.Names.Dests = Dictionary(
            Names=Array(_flat(destinations[key] for key in sorted(destinations)))
        )
    _link_across_parts(book, {str(name): name for name, _ in destinations.values()})
    if labels:
        numbers = [item for start, style in labels for item in (start, Dictionary(S=Name(f"/{style}")))]
        book.Root.PageLabels = Dictionary(Nums=Array(numbers))
    out = io.BytesIO()
    # Object streams, as WeasyPrint writes; an /ID that two joins of the same parts share; the
    # first part's XMP metadata as it was written (pikepdf would write it anew, to set a version
    # that it does not hold).
    book.save(
        out,
        object_stream_mode=ObjectStreamMode.generate,
        deterministic_id=True,
        fix_metadata_version=False,
    )
    return out.getvalue()


def _leaves(node: Object, entries: str) -> Iterator[tuple[Object, Object]]:
    """The (key, value) pairs of a name tree (`entries` "/Names") or a number tree ("/Nums")."""
    pairs = node.get(entries, ())
    yield from zip(pairs[::2], pairs[1::2], strict=True)
    for kid in node.get("/Kids", ()):
        yield from _leaves(kid, entries)


def _next_key(tree: Object, numbers: dict[int, Object]) -> int:
    return int(tree.get("/ParentTreeNextKey", max(numbers, default=-1) + 1))


def _kids(element: Object) -> list[Object]:
    kids = element.get("/K", Array())
    return list(kids) if isinstance(kids, Array) else [kids]


def _flat(pairs: Iterable[tuple[object, object]]) -> list[object]:
    return [item for pair in pairs for item in pair]


def _destinations(source: Pdf, book: Pdf | None = None) -> dict[bytes, tuple[String, Object]]:
    """The named destinations of `source`, copied into `book` if given, by their keys' bytes
    (the tree keeps its strings as they were written: a link's /Dest matches them byte for byte)."""
    names = source.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    tree = names.Dests
    if book is not None:
        tree = book.copy_foreign(tree if tree.is_indirect else source.make_indirect(tree))
    found: dict[bytes, tuple[String, Object]] = {}
    for name, destination in _leaves(tree, "/Names"):
        found.setdefault(bytes(name), (name, destination))
    return found


def _append_structure(tree: Object, theirs: Object) -> None:
    """The elements of `theirs`' Document element after those of `tree`'s, and its role and
    class maps' entries that `tree`'s lack."""
    document = tree.K[0]
    for element in _kids(theirs.K[0]):
        if "/S" in element:  # a structure element, not a content or object reference
            element.P = document
        document.K.append(element)
    for key in ("/RoleMap", "/ClassMap"):
        if key in theirs:
            ours = tree.get(key, Dictionary())
            for name, value in theirs[key].items():
                if name not in ours:
                    ours[name] = value
            tree[key] = ours


@dataclass
class _OutlineItem:
    item: Object
    level: int
    open: bool
    children: list[_OutlineItem] = field(default_factory=list)


def _outline_items(
    outline: Object | None, levels: Sequence[int] | None, depth: int = 1
) -> list[_OutlineItem]:
    """The outline's items in the order of the document (each before its children), each with
    its level (`levels`, in that order, else its depth) and whether it is open."""
    found: list[_OutlineItem] = []
    item = outline.get("/First") if outline is not None else None
    while item is not None:
        found.append(_OutlineItem(item, depth, int(item.get("/Count", 0)) >= 0))
        found += _outline_items(item, None, depth + 1)
        item = item.get("/Next")
    if levels is not None:
        if len(levels) != len(found):
            raise ValueError(f"{len(levels)} bookmark levels given for an outline of {len(found)} items")
        for entry, level in zip(found, levels, strict=True):
            entry.level = level
    return found


def _set_outline(book: Pdf, items: Sequence[_OutlineItem]) -> None:
    """The book's outline made of `items`, each under the last item before it of a lower level,
    counted as WeasyPrint counts one document's (pdf/anchors.py: add_outlines)."""
    top: list[_OutlineItem] = []
    open_items: list[_OutlineItem] = []
    for entry in items:
        entry.children = []
        while open_items and open_items[-1].level >= entry.level:
            open_items.pop()
        (open_items[-1].children if open_items else top).append(entry)
        open_items.append(entry)
    outline = book.make_indirect(Dictionary(Type=Name.Outlines))
    outline.Count = _linked(top, outline)
    book.Root.Outlines = outline


def _linked(entries: Sequence[_OutlineItem], parent: Object) -> int:
    """The entries made the children of `parent`, in order; the count of items they show."""
    shown = len(entries)
    if entries:
        parent.First, parent.Last = entries[0].item, entries[-1].item
    for index, entry in enumerate(entries):
        item = entry.item
        for key in ("/First", "/Last", "/Prev", "/Next"):
            if key in item:
                del item[key]
        item.Parent = parent
        if index:
            item.Prev = entries[index - 1].item
            entries[index - 1].item.Next = item
        below = _linked(entry.children, item)
        item.Count = below if entry.open else -below
        shown += below if entry.open else 0
    return shown


def _link_across_parts(book: Pdf, names: dict[str, String]) -> None:
    """Each link written "./#id" made a link to the destination `id`, as WeasyPrint writes a
    link within its document (the name as its /Dest and its /Contents)."""
    for page in book.pages:
        for annotation in page.obj.get("/Annots", ()):
            action = annotation.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            match = _OTHER_PART.fullmatch(str(action.URI))
            if match is None:
                continue
            name = names.get(unquote(match[1]))
            if name is None:
                raise ValueError(f"a link leads to #{unquote(match[1])}, which no part of the book holds")
            del annotation["/A"]
            annotation.Dest = name
            annotation.Contents = name


def _retag_fonts(source: Pdf, index: int) -> None:
    """Gives `source`'s subset fonts tags of their own: WeasyPrint derives a subset's tag from
    its face alone, so each part's subset of a face would carry the first part's tag, where
    the spec asks different subsets in one file to have different tags."""
    seen: set[tuple[int, int]] = set()
    for page in source.pages:
        for font in page.obj.Resources.get("/Font", Dictionary()).values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            for named, key in _font_names(font):
                old = str(named.get(key, ""))[1:]
                if _SUBSET_TAG.match(old):
                    digest = hashlib.md5(f"{index}{old}".encode(), usedforsecurity=False).digest()
                    tag = "".join(chr(65 + byte % 26) for byte in digest[:6])
                    named[key] = Name(f"/{tag}{old[6:]}")


def _font_names(font: Object) -> Iterator[tuple[Object, str]]:
    """Where a font dictionary names its face: /BaseFont, its descendant's and /FontName."""
    yield font, "/BaseFont"
    for descendant in font.get("/DescendantFonts", ()):
        yield from _font_names(descendant)
    if "/FontDescriptor" in font:
        yield font.FontDescriptor, "/FontName"
