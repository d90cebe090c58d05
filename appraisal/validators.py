"""Checks on an attached document file: the name says PDF or DOCX, the content agrees, the size is bounded."""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (".pdf", ".docx")
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# A .docx is a ZIP (Office Open XML) holding these two parts; a renamed .zip or .xlsx lacks the second.
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")


def _head(file, size: int) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def _is_docx(file) -> bool:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
        return all(part in names for part in DOCX_PARTS)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(position)


def validate_document_file(file) -> None:
    """Refuse anything but a real PDF or DOCX of at most MAX_DOCUMENT_BYTES, with a Vietnamese message."""
    if not file:
        return
    name = getattr(file, "name", "") or ""
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Tệp «%(name)s» không được chấp nhận: chỉ nhận tệp PDF (.pdf) hoặc Word (.docx)."),
            code="extension",
            params={"name": PurePath(name).name},
        )
    size = getattr(file, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("Tệp «%(name)s» dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB."),
            code="size",
            params={
                "name": PurePath(name).name,
                "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
                "limit": MAX_DOCUMENT_BYTES // 1024 // 1024,
            },
        )
    head = _head(file, 8)
    if extension == ".pdf" and not head.startswith(PDF_MAGIC):
        raise ValidationError(
            _("Tệp «%(name)s» có đuôi .pdf nhưng nội dung không phải là tệp PDF."),
            code="content",
            params={"name": PurePath(name).name},
        )
    if extension == ".docx" and not (head.startswith(ZIP_MAGIC) and _is_docx(file)):
        raise ValidationError(
            _("Tệp «%(name)s» có đuôi .docx nhưng nội dung không phải là văn bản Word (.docx)."),
            code="content",
            params={"name": PurePath(name).name},
        )
