"""Makes the press PDF a PDF/X-4 file: the print shop's output intent, the PDF/X
identification in its Info and XMP, and stable document ids, so that two builds are equal."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

from lxml import etree
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

PDF_X = "PDF/X-4"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NAMESPACES = {
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
}


def as_pdf_x4(pdf: bytes, profile: Path, condition: str, description: str, identifier: str) -> bytes:
    """The PDF with the output intent of `profile` (the press's CMYK, its output condition
    `condition`), identified as PDF/X-4 and not trapped. `identifier` (the book's and the
    edition's) makes the document's ids; its boxes and colours are the press writer's."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.pdf_header = b"%PDF-1.6"  # PDF/X-4's version
    icc = StreamObject()
    icc.set_data(profile.read_bytes())
    icc[NameObject("/N")] = NumberObject(4)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFX"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(condition),
            NameObject("/OutputCondition"): TextStringObject(description),
            NameObject("/Info"): TextStringObject(description),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/DestOutputProfile"): writer._add_object(icc.flate_encode()),
        }
    )
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    info = writer._info.get_object() if writer._info is not None else DictionaryObject()
    info[NameObject("/GTS_PDFXVersion")] = TextStringObject(PDF_X)
    info[NameObject("/Trapped")] = NameObject("/False")
    metadata = writer.root_object["/Metadata"].get_object()
    xmp = DecodedStreamObject()
    xmp.update({key: value for key, value in metadata.items() if key not in ("/Filter", "/Length")})
    xmp.set_data(_identified(metadata.get_data(), identifier))
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _identified(packet: bytes, identifier: str) -> bytes:
    """The XMP packet with the PDF/X version, the trapping and the document's ids: ids made
    from the identifier, so that the same book gives the same file."""
    root = etree.fromstring(packet)
    rdf = root.find(f"{{{_RDF}}}RDF")
    assert rdf is not None, "WeasyPrint writes its XMP as rdf:RDF"
    document = uuid.UUID(hashlib.sha256(identifier.encode()).hexdigest()[:32])
    values = {
        ("pdfxid", "GTS_PDFXVersion"): PDF_X,
        ("pdf", "Trapped"): "False",
        ("xmpMM", "DocumentID"): f"uuid:{document}",
        ("xmpMM", "InstanceID"): f"uuid:{document}",
        ("xmpMM", "VersionID"): "1",
        ("xmpMM", "RenditionClass"): "default",
    }
    for (prefix, name), value in values.items():
        description = etree.SubElement(
            rdf, f"{{{_RDF}}}Description", nsmap={prefix: _NAMESPACES[prefix], "rdf": _RDF}
        )
        description.set(f"{{{_RDF}}}about", "")
        etree.SubElement(description, f"{{{_NAMESPACES[prefix]}}}{name}").text = value
    body = etree.tostring(root, encoding="utf-8")
    return (
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body + b'\n<?xpacket end="r"?>'
    )
