"""Reading back what a document says: the text of a PDF (pypdf) and of a .docx (python-docx), and the fonts
a PDF uses with whether each is embedded."""

from __future__ import annotations

import io
import unicodedata

import docx
from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    """The whole text with line breaks folded into spaces (a long line wraps wherever the layout puts it)."""
    return " ".join(" ".join(pdf_pages(content)).split())


def pdf_fonts(content: bytes) -> dict[str, bool]:
    """Every font of every page → whether its program is embedded in the file."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return fonts


def docx_text(content: bytes) -> str:
    """Paragraphs and table cells in document order, folded into one line of text."""
    document = docx.Document(io.BytesIO(content))
    parts = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for node in child.iter():
                if node.tag.endswith("}p"):
                    parts.append("".join(t.text or "" for t in node.iter() if t.tag.endswith("}t")))
    return " ".join(" ".join(parts).split())


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)
