"""Word documents written by the tests, part by part, as Word itself writes them: its style
names, footnotes and endnotes, pictures with their description, fields (Zotero's and
Mendeley's citations, REF cross-references), bookmarks, comments, tracked changes and text
boxes. python-docx is not needed: a .docx is a zip of a few XML parts."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"'
)
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

# Word's built-in styles, by id: (name, type).
_STYLES = {
    "Normal": ("Normal", "paragraph"),
    "Title": ("Title", "paragraph"),
    "Subtitle": ("Subtitle", "paragraph"),
    "Heading1": ("heading 1", "paragraph"),
    "Heading2": ("heading 2", "paragraph"),
    "Heading3": ("heading 3", "paragraph"),
    "Heading4": ("heading 4", "paragraph"),
    "Caption": ("caption", "paragraph"),
    "Quote": ("Quote", "paragraph"),
    "ListParagraph": ("List Paragraph", "paragraph"),
    "FootnoteText": ("footnote text", "paragraph"),
    "EndnoteText": ("endnote text", "paragraph"),
    "Bibliography": ("Bibliography", "paragraph"),
    "Abstract": ("Abstract", "paragraph"),
    "FootnoteReference": ("footnote reference", "character"),
    "EndnoteReference": ("endnote reference", "character"),
    "Hyperlink": ("Hyperlink", "character"),
}


def text(words: str, *properties: str) -> str:
    """A run of text; `properties` are run properties as Word writes them: '<w:b/>', '<w:i/>',
    '<w:smallCaps/>', '<w:vertAlign w:val="superscript"/>', '<w:color w:val="FF0000"/>'."""
    shown = "".join(properties)
    styled = f"<w:rPr>{shown}</w:rPr>" if shown else ""
    return f'<w:r>{styled}<w:t xml:space="preserve">{escape(words)}</w:t></w:r>'


def line_break() -> str:
    return "<w:r><w:br/></w:r>"


def tab() -> str:
    return "<w:r><w:tab/></w:r>"


def field(instruction: str, result: str) -> str:
    """A complex field: its code (Zotero's ADDIN ZOTERO_ITEM CSL_CITATION {...}, REF, PAGE ...)
    and the result Word shows. Word writes a long code in runs of at most 255 characters."""
    code = f" {instruction} "
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(code[start : start + 255])}</w:instrText></w:r>'
        for start in range(0, len(code), 255)
    )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f"{runs}"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{text(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def simple_field(instruction: str, result: str) -> str:
    return f'<w:fldSimple w:instr=" {escape(instruction)} ">{text(result)}</w:fldSimple>'


def cited(number: int, data: dict[str, Any], **citing: Any) -> dict[str, Any]:
    """A work as a Zotero citation carries it: the library's id and URI, its CSL-JSON, and
    `locator`, `label`, `prefix`, `suffix`, `suppress-author` as given."""
    uri = f"http://zotero.org/users/local/abcd/items/ITEM{number}"
    return {
        "id": number,
        "uris": [uri],
        "itemData": {**data, "id": number},
        **{key.replace("_", "-"): value for key, value in citing.items()},
    }


def zotero_citation(works: list[dict[str, Any]], shown: str) -> str:
    """A citation as Zotero's Word plug-in inserts it: a field whose code carries the cited
    works (`cited`), showing the text the style made."""
    code = {
        "citationID": f"z{abs(hash(shown)) % 10**6}",
        "properties": {"formattedCitation": shown, "plainCitation": shown, "noteIndex": 0},
        "citationItems": works,
        "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json",
    }
    return field(f"ADDIN ZOTERO_ITEM CSL_CITATION {json.dumps(code, ensure_ascii=False)}", shown)


def mendeley_citation(items: list[dict[str, Any]], shown: str) -> str:
    """A citation as Mendeley's plug-in inserts it: the same CSL citation, another field name,
    its works numbered ITEM-1, ITEM-2 in each field anew."""
    code = {
        "citationItems": [
            {
                "id": f"ITEM-{number + 1}",
                "itemData": {**item, "id": f"ITEM-{number + 1}"},
                "uris": [
                    f"http://www.mendeley.com/documents/?uuid={item['title'].lower().replace(' ', '-')}"
                ],
            }
            for number, item in enumerate(items)
        ],
        "mendeley": {"formattedCitation": shown, "plainTextFormattedCitation": shown},
        "properties": {"noteIndex": 0},
        "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json",
    }
    return field(f"ADDIN CSL_CITATION {json.dumps(code, ensure_ascii=False)}", shown)


def zotero_bibliography(*entries: str) -> list[str]:
    """Zotero's bibliography field, as paragraphs: the entries the style made."""
    code = escape(' ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY ')
    paragraphs = []
    for number, entry in enumerate(entries):
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{code}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            if number == 0
            else ""
        )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if number == len(entries) - 1 else ""
        paragraphs.append(
            f'<w:p><w:pPr><w:pStyle w:val="Bibliography"/></w:pPr>{begin}{text(entry)}{end}</w:p>'
        )
    return paragraphs


def bookmark(name: str, inner: str, number: int) -> str:
    return f'<w:bookmarkStart w:id="{number}" w:name="{name}"/>{inner}<w:bookmarkEnd w:id="{number}"/>'


def inserted(words: str, author: str = "Ada") -> str:
    return (
        f'<w:ins w:id="{len(words)}" w:author="{author}" w:date="2024-01-01T00:00:00Z">{text(words)}</w:ins>'
    )


def deleted(words: str, author: str = "Ada") -> str:
    return (
        f'<w:del w:id="{len(words) + 1000}" w:author="{author}" w:date="2024-01-01T00:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{escape(words)}</w:delText></w:r></w:del>'
    )


def hyperlink(words: str, relationship: str) -> str:
    styled = text(words, '<w:rStyle w:val="Hyperlink"/>')
    return f'<w:hyperlink r:id="{relationship}">{styled}</w:hyperlink>'


def anchor_link(words: str, anchor: str) -> str:
    return f'<w:hyperlink w:anchor="{anchor}">{text(words)}</w:hyperlink>'


def picture(size: tuple[int, int] = (2400, 1600), colour: tuple[int, int, int] = (120, 120, 120)) -> bytes:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class WordDocument:
    """A document built paragraph by paragraph, saved as a .docx."""

    title: str = ""
    author: str = ""
    language: str = "en-GB"
    created: str = "2024-03-05T10:00:00Z"
    body: list[str] = dataclasses.field(default_factory=list)
    footnotes: list[str] = dataclasses.field(default_factory=list)
    endnotes: list[str] = dataclasses.field(default_factory=list)
    comments: list[str] = dataclasses.field(default_factory=list)
    media: list[bytes] = dataclasses.field(default_factory=list)
    links: list[str] = dataclasses.field(default_factory=list)
    # docProps/custom.xml: Zotero's document preferences, ZOTERO_PREF_1...
    custom: dict[str, str] = dataclasses.field(default_factory=dict)

    def paragraph(self, *runs: str, style: str = "", properties: str = "") -> None:
        self.body.append(_paragraph(runs, style, properties))

    def heading(self, level: int, words: str, *runs: str) -> None:
        self.paragraph(text(words), *runs, style=f"Heading{level}")

    def table(self, rows: list[list[str]], header: bool = True) -> None:
        cells = []
        for number, row in enumerate(rows):
            head = "<w:trPr><w:tblHeader/></w:trPr>" if header and number == 0 else ""
            cells.append(
                f"<w:tr>{head}" + "".join(f"<w:tc><w:p>{text(cell)}</w:p></w:tc>" for cell in row) + "</w:tr>"
            )
        self.body.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>{"".join(cells)}</w:tbl>')

    def footnote(self, *paragraphs: str) -> str:
        """A footnote of these paragraphs' text (or runs); the run that calls it."""
        number = len(self.footnotes) + 1
        self.footnotes.append(_note("footnote", number, paragraphs))
        style = '<w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        return f'<w:r>{style}<w:footnoteReference w:id="{number}"/></w:r>'

    def endnote(self, *paragraphs: str) -> str:
        number = len(self.endnotes) + 1
        self.endnotes.append(_note("endnote", number, paragraphs))
        style = '<w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr>'
        return f'<w:r>{style}<w:endnoteReference w:id="{number}"/></w:r>'

    def comment(self, words: str, commented: str, author: str = "Reviewer") -> str:
        """Runs of `commented` text carrying a comment."""
        number = len(self.comments)
        self.comments.append(
            f'<w:comment w:id="{number}" w:author="{author}" w:date="2024-01-02T00:00:00Z" w:initials="R">'
            f"<w:p>{text(words)}</w:p></w:comment>"
        )
        return (
            f'<w:commentRangeStart w:id="{number}"/>{text(commented)}<w:commentRangeEnd w:id="{number}"/>'
            f'<w:r><w:commentReference w:id="{number}"/></w:r>'
        )

    def link(self, target: str) -> str:
        """The relationship id of an external link."""
        self.links.append(target)
        return f"rIdLink{len(self.links)}"

    def picture(self, image: bytes, description: str = "", name: str = "Picture") -> str:
        """A run holding a picture inline, with its description (Word's alt text)."""
        self.media.append(image)
        number = len(self.media)
        try:
            with Image.open(io.BytesIO(image)) as opened:
                width, height = opened.size
        except OSError:  # a drawing Pillow cannot read (EMF, WMF)
            width, height = 3, 2
        cx, cy = 5_486_400, 5_486_400 * height // width  # six inches wide
        return (
            "<w:r><w:drawing><wp:inline>"
            f'<wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:docPr id="{number}" name="{escape(name)}" descr="{escape(description)}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="image{number}.png"/>'
            "<pic:cNvPicPr/></pic:nvPicPr>"
            f'<pic:blipFill><a:blip r:embed="rIdImage{number}"/>'
            "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )

    def text_box(self, *paragraphs: str) -> str:
        """A run holding a text box (a shape with text), as Word writes one."""
        inner = "".join(
            _paragraph((each,) if each.startswith("<") else (text(each),), "", "") for each in paragraphs
        )
        return (
            '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" '
            'distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" '
            'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
            '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph">'
            "<wp:posOffset>0</wp:posOffset>"
            '</wp:positionV><wp:extent cx="2000000" cy="500000"/><wp:wrapSquare wrapText="bothSides"/>'
            '<wp:docPr id="900" name="Text Box 1"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr '
            'txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="500000"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
            f"<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
            "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
            f'<v:shape id="box" type="#_x0000_t202"><v:textbox><w:txbxContent>{inner}</w:txbxContent>'
            "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )

    def save(self, path: Path) -> Path:
        parts = {
            "[Content_Types].xml": self._content_types(),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PACKAGE}">'
                f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="word/document.xml"/>'
                f'<Relationship Id="rId3" Type="{_RELATIONSHIP}/custom-properties" '
                'Target="docProps/custom.xml"/>'
                f'<Relationship Id="rId2" Type="{_PACKAGE}/metadata/core-properties" '
                'Target="docProps/core.xml"/>'
                "</Relationships>"
            ),
            "docProps/core.xml": self._core(),
            "docProps/custom.xml": self._custom(),
            "word/document.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NAMESPACES}><w:body>'
                f"{''.join(self.body)}<w:sectPr/></w:body></w:document>"
            ),
            "word/styles.xml": self._styles(),
            "word/_rels/document.xml.rels": self._relationships(),
            "word/footnotes.xml": _notes_part("footnote", self.footnotes),
            "word/endnotes.xml": _notes_part("endnote", self.endnotes),
            "word/comments.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {_NAMESPACES}>'
                f"{''.join(self.comments)}</w:comments>"
            ),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
            for number, image in enumerate(self.media, start=1):
                archive.writestr(f"word/media/image{number}.png", image)
        return path

    def _content_types(self) -> str:
        main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        overrides = {
            "/word/document.xml": f"{main}.document.main+xml",
            "/word/styles.xml": f"{main}.styles+xml",
            "/word/footnotes.xml": f"{main}.footnotes+xml",
            "/word/endnotes.xml": f"{main}.endnotes+xml",
            "/word/comments.xml": f"{main}.comments+xml",
            "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
            "/docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        }
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="png" ContentType="image/png"/>'
            + "".join(
                f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
            )
            + "</Types>"
        )

    def _core(self) -> str:
        title = f"<dc:title>{escape(self.title)}</dc:title>" if self.title else ""
        author = f"<dc:creator>{escape(self.author)}</dc:creator>" if self.author else ""
        language = f"<dc:language>{self.language}</dc:language>" if self.language else ""
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{title}{author}{language}"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{self.created}</dcterms:created>'
            "</cp:coreProperties>"
        )

    def _custom(self) -> str:
        properties = "".join(
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{number}" name="{name}">'
            f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
            for number, (name, value) in enumerate(self.custom.items(), start=2)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties '
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{properties}</Properties>"
        )

    def _styles(self) -> str:
        language = f'<w:lang w:val="{self.language}"/>' if self.language else ""
        styles = "".join(
            f'<w:style w:type="{kind}" w:styleId="{style}"><w:name w:val="{name}"/></w:style>'
            for style, (name, kind) in _STYLES.items()
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {_NAMESPACES}>'
            f"<w:docDefaults><w:rPrDefault><w:rPr>{language}</w:rPr></w:rPrDefault></w:docDefaults>"
            f"{styles}</w:styles>"
        )

    def _relationships(self) -> str:
        fixed = [
            ("rId1", "styles", "styles.xml", ""),
            ("rId2", "footnotes", "footnotes.xml", ""),
            ("rId3", "endnotes", "endnotes.xml", ""),
            ("rId4", "comments", "comments.xml", ""),
        ]
        fixed += [(f"rIdImage{n}", "image", f"media/image{n}.png", "") for n in range(1, len(self.media) + 1)]
        fixed += [
            (f"rIdLink{n}", "hyperlink", escape(target), ' TargetMode="External"')
            for n, target in enumerate(self.links, start=1)
        ]
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PACKAGE}">'
            + "".join(
                f'<Relationship Id="{rid}" Type="{_RELATIONSHIP}/{kind}" Target="{target}"{mode}/>'
                for rid, kind, target, mode in fixed
            )
            + "</Relationships>"
        )


def _paragraph(runs: tuple[str, ...], style: str, properties: str) -> str:
    shown = f'<w:pStyle w:val="{style}"/>' if style else ""
    shown += properties
    return f"<w:p>{f'<w:pPr>{shown}</w:pPr>' if shown else ''}{''.join(runs)}</w:p>"


def _note(kind: str, number: int, paragraphs: tuple[str, ...]) -> str:
    style = "FootnoteText" if kind == "footnote" else "EndnoteText"
    reference = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
    body = []
    for index, paragraph in enumerate(paragraphs):
        runs = paragraph if paragraph.startswith("<") else text(paragraph)
        if index == 0:
            runs = f'<w:r><w:rPr><w:rStyle w:val="{reference}"/></w:rPr><w:{kind}Ref/></w:r>{text(" ")}{runs}'
        body.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>')
    return f'<w:{kind} w:id="{number}">{"".join(body)}</w:{kind}>'


def _notes_part(kind: str, notes: list[str]) -> str:
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0">'
        f"<w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {_NAMESPACES}>'
        f"{separators}{''.join(notes)}</w:{kind}s>"
    )
