"""Roster export to .xlsx and the blank import template, both with the import's column headers.

Every row goes through the one spreadsheet guard (members/spreadsheet.py): a text that looks like a formula is
an explicit text cell, shown exactly as stored and never run, so exporting then importing changes nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .importing import COLUMNS
from .models import Membership
from .spreadsheet import write_row

DATE_FORMAT = "DD/MM/YYYY"
EXPORT_HEADERS = ["STT", *[c.label for c in COLUMNS]]
WIDTHS = [6, 28, 12, 9, 16, 14, 14, 28, 14, 36, 14]


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31] or "Danh sách"


def _write_header(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for index, _ in enumerate(headers, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[index - 1] if index <= len(WIDTHS) else 16
    sheet.freeze_panes = "A2"


def roster_xlsx(rows: Iterable[Membership], *, title: str) -> bytes:
    """The roster (current official memberships with their member and cell) as an .xlsx the import reads back."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    _write_header(sheet, EXPORT_HEADERS)
    for number, row in enumerate(rows, start=1):
        m = row.member
        values = [
            number,
            m.full_name,
            m.date_of_birth,
            m.get_gender_display() if m.gender else "",
            m.card_number,
            m.admitted_on,
            m.full_member_on,
            m.government_post,
            m.get_party_post_display(),
            row.unit.name,
            row.start_date,
        ]
        written = write_row(sheet, values)
        for col in (3, 6, 7, 11):
            sheet.cell(row=written, column=col).number_format = DATE_FORMAT
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """A blank roster with the import's headers, and a second sheet describing each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách đảng viên"
    _write_header(sheet, [c.label for c in COLUMNS])
    for col in (2, 5, 6, 10):
        for r in range(2, 502):
            sheet.cell(row=r, column=col).number_format = DATE_FORMAT
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Nội dung"])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    for column in COLUMNS:
        guide.append([column.label, column.help])
    guide.append([])
    guide.append(["", "Ngày ghi dạng dd/mm/yyyy (ví dụ 19/05/1990) hoặc dùng ô ngày tháng của Excel."])
    guide.append(["", "Đảng viên đã có được nhận ra theo số thẻ đảng viên, nếu không có thì theo họ tên và ngày sinh."])
    guide.append(["", "Ô để trống: giữ nguyên thông tin hiện có của đảng viên đã có."])
    guide.append(["", "Không nhập công thức (ô bắt đầu bằng =) và không gộp ô."])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
