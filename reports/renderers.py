"""Renderers take plain inputs and return bytes; the job service stores them. Registry keyed by job kind."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from members.spreadsheet import write_row
from party_units.models import PartyUnit, nfc
from party_units.selectors import flatten, unit_tree

from .documents import docx, pdf
from .documents import minutes as minutes_doc
from .documents.model import OfficialDocument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    content_type: str


def unit_tree_xlsx(unit: PartyUnit, params: dict) -> Rendered:  # noqa: ARG001 - same signature for every renderer
    """The organisation tree under `unit` with its member counts, as a spreadsheet."""
    nodes = flatten(unit_tree(None, root=unit))
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổ chức đảng")
    ws.append([_("DANH SÁCH TỔ CHỨC ĐẢNG TRỰC THUỘC %(unit)s") % {"unit": unit.name.upper()}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Ngày lập: %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}])
    ws.append([])
    header = [_("STT"), _("Tổ chức đảng"), _("Cấp"), _("Ký hiệu"), _("Đảng viên trực tiếp"), _("Tổng số đảng viên")]
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, node in enumerate(nodes, start=1):
        write_row(
            ws,
            [
                number,
                "    " * (node.unit.depth - unit.depth) + node.unit.name,
                node.unit.level_label,
                node.unit.abbreviation,
                node.direct_members,
                node.total_members,
            ],
        )
    for column, width in zip("ABCDEF", (6, 60, 18, 10, 14, 14), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return Rendered(buffer.getvalue(), f"to-chuc-dang-{unit.pk}.xlsx", XLSX)


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
CONTENT_TYPES = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "zip": ZIP}


def ascii_slug(text: str) -> str:
    """A file name from Vietnamese text: "Chi bộ Đoàn Kết" → "chi-bo-doan-ket"."""
    return slugify(nfc(text).replace("đ", "d").replace("Đ", "D")) or "van-ban"


def official(document: OfficialDocument, fmt: str, stem: str) -> Rendered:
    """One official document as PDF or .docx: the same data, the same layout."""
    content = docx.render(document) if fmt == "docx" else pdf.render(document)
    return Rendered(content, f"{ascii_slug(stem)}.{fmt}", CONTENT_TYPES[fmt])


def minutes(unit: PartyUnit, params: dict) -> Rendered:
    from .selectors import minutes_data

    data = minutes_data(int(params["review"]))
    return official(minutes_doc.build(data), params.get("format", "pdf"), f"bien-ban-{data.unit_name}")


@dataclass(frozen=True)
class Kind:
    label: str
    produce: Callable[[PartyUnit, dict], Rendered]
    formats: tuple[str, ...] = ("pdf", "docx")
    needs: tuple[str, ...] = ()  # the records a request names: "review", "cycle", "member"


RENDERERS: dict[str, Kind] = {
    "unit_tree_xlsx": Kind("Danh sách tổ chức đảng và số đảng viên (Excel)", unit_tree_xlsx, ("xlsx",)),
    "minutes": Kind("Biên bản hội nghị kiểm điểm", minutes, needs=("review",)),
}
