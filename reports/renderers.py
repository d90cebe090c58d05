"""Renderers take plain inputs and return bytes; the job service stores them. Registry keyed by job kind."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from party_units.models import PartyUnit
from party_units.selectors import flatten, unit_tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    content_type: str


def safe_cell(value):
    """Neutralise spreadsheet formula injection: text starting with = + - @ is stored as text, not a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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
        ws.append(
            [
                number,
                safe_cell("    " * (node.unit.depth - unit.depth) + node.unit.name),
                safe_cell(node.unit.level_label),
                safe_cell(node.unit.abbreviation),
                node.direct_members,
                node.total_members,
            ]
        )
    for column, width in zip("ABCDEF", (6, 60, 18, 10, 14, 14), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return Rendered(buffer.getvalue(), f"to-chuc-dang-{unit.pk}.xlsx", XLSX)


RENDERERS: dict[str, tuple[str, Callable[[PartyUnit, dict], Rendered]]] = {
    "unit_tree_xlsx": ("Danh sách tổ chức đảng và số đảng viên (Excel)", unit_tree_xlsx),
}
