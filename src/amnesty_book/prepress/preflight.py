"""Takes out of the press file what a print shop's preflight flags in it, the page unchanged:
annotations (links within the trim, which a strict PDF/X preflight refuses and a press has no
use for) and colour spaces that a resource dictionary names but nothing draws in (WeasyPrint
names its two Lab spaces in every one)."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf

# A resource dictionary, by the object that holds it: its own object number where it is an
# indirect object, that of the page or stream that holds it directly otherwise.
_Key = tuple[int, int]


def drop_annotations(pdf: pikepdf.Pdf) -> None:
    """No annotation on any page. The structure elements that held them (a link's, which keeps
    its text) lose their references to them, and the parent tree its entries for them."""
    keys = set()
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", ()):
            if "/StructParent" in annotation:
                keys.add(int(annotation.StructParent))
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    _drop_object_references(tree)
    _drop_numbers(tree.ParentTree, keys)


def _drop_object_references(tree: pikepdf.Object) -> None:
    """Every structure element's object references (/OBJR) taken from its kids."""
    elements = [tree]
    while elements:
        element = elements.pop()
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        kept = [
            kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR")
        ]
        if len(kept) < len(kids):
            element.K = pikepdf.Array(kept)
        elements += (kid for kid in kept if isinstance(kid, pikepdf.Dictionary) and "/K" in kid)


def _drop_numbers(node: pikepdf.Object, keys: set[int]) -> None:
    """The entries of a number tree whose keys are `keys` taken out."""
    pairs = node.get("/Nums")
    if pairs is not None:
        node.Nums = pikepdf.Array(
            [
                item
                for key, value in zip(pairs[::2], pairs[1::2], strict=True)
                if int(key) not in keys
                for item in (key, value)
            ]
        )
    for kid in node.get("/Kids", ()):
        _drop_numbers(kid, keys)


def drop_unused_colour_spaces(pdf: pikepdf.Pdf) -> None:
    """Each resource dictionary names the colour spaces its content sets by name (`cs`, `CS`)
    and no other, given a /ColorSpace of its own where one was shared (a space is dropped
    from one dictionary, not from every other that shares the entry). /DefaultGray, /DefaultRGB
    and /DefaultCMYK, which stand in for device spaces unnamed, are kept."""
    owners = list(_content_owners(pdf))
    used: dict[_Key, set[str]] = {}
    for owner, key, _ in owners:
        names = {str(operands[0]) for operands, _ in pikepdf.parse_content_stream(owner, "cs CS")}
        used.setdefault(key, set()).update(names)
    for _, key, resources in owners:
        spaces = resources.get("/ColorSpace")
        if spaces is None:
            continue
        kept = {
            name: space for name, space in spaces.items() if name in used[key] or name.startswith("/Default")
        }
        if kept:
            resources.ColorSpace = pikepdf.Dictionary(kept)
        else:
            del resources["/ColorSpace"]


def _content_owners(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Object, _Key, pikepdf.Dictionary]]:
    """Each page, and each form and tiling pattern they draw, once, with the resource
    dictionary its content names resources in and that dictionary's key."""
    seen: set[tuple[_Key, _Key]] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if resources is not None:
            key = resources.objgen if resources.is_indirect else page.obj.objgen
            yield page.obj, key, resources
            yield from _nested(resources, key, seen)


def _nested(
    resources: pikepdf.Dictionary, key: _Key, seen: set[tuple[_Key, _Key]]
) -> Iterator[tuple[pikepdf.Object, _Key, pikepdf.Dictionary]]:
    """The forms and tiling patterns that `resources` (keyed `key`) name, and theirs,
    recursively, each once for each resource dictionary it is read with: a stream without
    resources uses its caller's (PDF 1.1's inheritance)."""
    for stream in [*resources.get("/XObject", {}).values(), *resources.get("/Pattern", {}).values()]:
        if stream.get("/Subtype") != "/Form" and stream.get("/PatternType") != 1:
            continue
        own = stream.get("/Resources")
        own_key = key if own is None else own.objgen if own.is_indirect else stream.objgen
        if (stream.objgen, own_key) in seen:
            continue
        seen.add((stream.objgen, own_key))
        own = resources if own is None else own
        yield stream, own_key, own
        yield from _nested(own, own_key, seen)
