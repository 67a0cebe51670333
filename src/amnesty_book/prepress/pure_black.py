"""Rewrites the colours of a PDF's vector content (text, rules, marks) to black ink alone, for the press file.

A press file of this book is printed in black ink only: a colour in text or rules becomes its
tone of gray, set in K alone (`0 0 0 k`), so that no RGB black reaches the RIP to come back as
rich black. Images are another module's (images/); Pattern, Lab, DeviceCMYK,
Separation and other spaces are left as they are, for the press writer's check to name.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

# Operator -> (the space it names, whether it strokes); `cs`/`sc` take theirs from the state.
_DEVICE_OPERATORS = {
    b"g": ("gray", False),
    b"G": ("gray", True),
    b"rg": ("rgb", False),
    b"RG": ("rgb", True),
}
_SPACE_OPERATORS = {b"cs": False, b"CS": True}
_COLOUR_OPERATORS = {b"sc": False, b"scn": False, b"SC": True, b"SCN": True}
_ALL_COLOUR_OPERATORS = {*_DEVICE_OPERATORS, *_SPACE_OPERATORS, *_COLOUR_OPERATORS, b"k", b"K"}
# The colour spaces rewritten, by name or by their ICC profile's number of components, as two kinds.
_SPACES = {"/DeviceGray": "gray", "/CalGray": "gray", "/DeviceRGB": "rgb", "/CalRGB": "rgb"}
_ICC_COMPONENTS = {1: "gray", 3: "rgb"}
_COMPONENTS = {"gray": 1, "rgb": 3}
# Rec. 709 luma: the lightness of a coloured sRGB colour as a tone of gray.
_LUMA = (0.2126, 0.7152, 0.0722)

_Owner = PageObject | StreamObject


def in_pure_black(pdf: bytes) -> bytes:
    """The PDF with every RGB and Gray colour of its pages, their Form XObjects (recursively, each
    shared one once), tiling patterns and annotation appearances set as black ink: `0 0 0 k`, k
    being 1 - the colour's gray; RGB transparency groups blend in DeviceCMYK. Images, tags,
    outline and annotations are kept as they are."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for owner, resources in _content_owners(writer):
        content = _content(owner, writer)
        if content is not None and _in_black_ink(content, resources, isinstance(owner, PageObject)):
            _replace(owner, content.get_data())
        _blend_in_cmyk(owner)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def colour_operators(pdf: bytes) -> Counter[str]:
    """The colour operators, with their operands (`"0 0 0 1 k"`), of every content stream of the
    PDF: its pages, their Form XObjects, tiling patterns and annotation appearances."""
    reader = PdfReader(io.BytesIO(pdf))
    found: Counter[str] = Counter()
    for owner, _ in _content_owners(reader):
        content = _content(owner, reader)
        for operands, operator in content.operations if content is not None else []:
            if operator in _ALL_COLOUR_OPERATORS:
                found[" ".join([*map(_written, operands), operator.decode()])] += 1
    return found


def _content_owners(document: PdfReader | PdfWriter) -> Iterator[tuple[_Owner, DictionaryObject]]:
    """Each page and each stream with vector content that it draws, once, with its resources."""
    seen: set[int] = set()
    for page in document.pages:
        resources = _resolved(page.get("/Resources")) or DictionaryObject()
        yield page, resources
        yield from _nested(resources, seen)
        for annotation in _resolved(page.get("/Annots")) or []:
            for appearance in _appearances(_resolved(annotation)):
                if _first_visit(appearance, seen):
                    own = _resolved(appearance.get("/Resources")) or DictionaryObject()
                    yield appearance, own
                    yield from _nested(own, seen)


def _nested(resources: DictionaryObject, seen: set[int]) -> Iterator[tuple[StreamObject, DictionaryObject]]:
    """The Form XObjects and tiling patterns that `resources` name, and theirs, recursively. A
    form without resources uses its caller's (PDF 1.1's inheritance)."""
    xobjects = (_resolved(each) for each in (_resolved(resources.get("/XObject")) or {}).values())
    patterns = (_resolved(each) for each in (_resolved(resources.get("/Pattern")) or {}).values())
    for stream in [
        *(each for each in xobjects if each.get("/Subtype") == "/Form"),
        *(each for each in patterns if isinstance(each, StreamObject) and each.get("/PatternType") == 1),
    ]:
        if _first_visit(stream, seen):
            own = _resolved(stream.get("/Resources")) or resources
            yield stream, own
            yield from _nested(own, seen)


def _appearances(annotation: DictionaryObject) -> Iterator[StreamObject]:
    """The appearance streams of an annotation: normal, rollover and down, each one or one per state."""
    for appearance in map(_resolved, (_resolved(annotation.get("/AP")) or {}).values()):
        if isinstance(appearance, StreamObject):
            yield appearance
        elif isinstance(appearance, DictionaryObject):
            yield from (
                each for each in map(_resolved, appearance.values()) if isinstance(each, StreamObject)
            )


def _first_visit(stream: StreamObject, seen: set[int]) -> bool:
    # Streams are always indirect objects: their object number names them.
    number = stream.indirect_reference.idnum
    if number in seen:
        return False
    seen.add(number)
    return True


def _content(owner: _Owner, document: PdfReader | PdfWriter) -> ContentStream | None:
    return owner.get_contents() if isinstance(owner, PageObject) else ContentStream(owner, document)


def _replace(owner: _Owner, data: bytes) -> None:
    if isinstance(owner, PageObject):
        stream = DecodedStreamObject()
        stream.set_data(data)
        owner.replace_contents(stream.flate_encode())
    else:
        owner.set_data(data)  # re-encoded with the stream's own FlateDecode, if it has one


_Spaces = dict[bool, str | None]  # the current colour space's kind, for filling (False) and stroking (True)


def _in_black_ink(content: ContentStream, resources: DictionaryObject, on_page: bool) -> bool:
    """Rewrites the content's RGB and Gray colours as K, in place; whether any was.

    A page starts in DeviceGray; a form or pattern in the space of whatever draws it, unknown
    here, so its `sc`/`scn` before any `cs` of its own are left alone."""
    start = "gray" if on_page else None
    spaces: _Spaces = {False: start, True: start}
    saved: list[_Spaces] = []
    operations = []
    for operation in content.operations:
        operator = operation[1]
        if operator == b"q":
            saved.append(dict(spaces))
        elif operator == b"Q" and saved:
            spaces = saved.pop()
        operations.append(_rewritten(operation, spaces, resources))
    changed = any(new is not old for new, old in zip(operations, content.operations, strict=True))
    if changed:
        content.operations = operations
    return changed


def _rewritten(
    operation: tuple[list[PdfObject], bytes], spaces: _Spaces, resources: DictionaryObject
) -> tuple[list[PdfObject], bytes]:
    """The operation in black ink, if it sets an RGB or Gray colour; `spaces` follows the spaces it sets."""
    operands, operator = operation
    replacement = None
    if operator in _DEVICE_OPERATORS:
        kind, stroke = _DEVICE_OPERATORS[operator]
        spaces[stroke] = kind
        replacement = _black(kind, operands, stroke)
    elif operator in _SPACE_OPERATORS:
        stroke = _SPACE_OPERATORS[operator]
        kind = spaces[stroke] = _space_kind(operands[0], resources)
        # Setting a space sets its initial colour: black, in both kinds rewritten.
        replacement = _black(kind, [NumberObject(0)] * _COMPONENTS.get(kind, 0), stroke)
    elif operator in _COLOUR_OPERATORS:
        stroke = _COLOUR_OPERATORS[operator]
        replacement = _black(spaces[stroke], operands, stroke)
    elif operator in (b"k", b"K"):
        spaces[operator == b"K"] = "cmyk"
    return replacement or operation


def _black(kind: str | None, operands: list[PdfObject], stroke: bool) -> tuple[list[PdfObject], bytes] | None:
    """`0 0 0 k k` (or `K`) for a colour of `kind`, or None if it is not one this module rewrites."""
    if kind not in _COMPONENTS or len(operands) != _COMPONENTS[kind]:
        return None
    if not all(isinstance(each, (int, float)) for each in operands):
        return None  # a pattern's name, say
    values = [float(each) for each in operands]
    gray = (
        values[0]
        if len(set(values)) == 1
        else sum(weight * value for weight, value in zip(_LUMA, values, strict=True))
    )
    ink = min(1.0, max(0.0, 1 - gray))
    return [NumberObject(0), NumberObject(0), NumberObject(0), _number(ink)], b"K" if stroke else b"k"


def _space_kind(name: PdfObject, resources: DictionaryObject) -> str | None:
    """The kind of the colour space a `cs` names: a device space, or one of the resources' /ColorSpace."""
    if name in _SPACES:
        return _SPACES[name]
    return _kind(_resolved((_resolved(resources.get("/ColorSpace")) or {}).get(name)))


def _kind(space: PdfObject | None) -> str | None:
    """`gray` or `rgb` for a colour space (a name or an array); None for any other (Pattern, Lab,
    CMYK, Separation, Indexed...)."""
    if isinstance(space, NameObject):
        return _SPACES.get(space)
    if isinstance(space, ArrayObject) and space:
        if space[0] == "/ICCBased":
            return _ICC_COMPONENTS.get(_resolved(space[1]).get("/N"))
        return _SPACES.get(space[0])
    return None


def _blend_in_cmyk(owner: _Owner) -> None:
    """Sets an RGB transparency group's blending space to DeviceCMYK: composited in RGB, its K
    would leave the group as RGB black and go to press as rich black."""
    group = _resolved(owner.get("/Group"))
    if isinstance(group, DictionaryObject) and _kind(_resolved(group.get("/CS"))) == "rgb":
        group[NameObject("/CS")] = NameObject("/DeviceCMYK")


def _number(value: float) -> NumberObject | FloatObject:
    """`value` as PDF writes it: 1 rather than 1.0, six decimals at most."""
    value = round(value, 6)
    return NumberObject(int(value)) if value.is_integer() else FloatObject(value)


def _written(operand: PdfObject) -> str:
    out = io.BytesIO()
    operand.write_to_stream(out)
    return out.getvalue().decode("latin-1")


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if value is not None else None
