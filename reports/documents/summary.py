"""The committee's summary report (báo cáo tổng hợp) and the statistics table: per unit, the number rated of the
total, the count and share of each level for organisations and for members (decimal comma), the quota position,
the exceptions with their reasons, and a chart."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, replace

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .common import LEVEL_LABELS, LEVEL_ORDER, percent
from .model import BarChart, Issuer, OfficialDocument, Para, Run, Signature, Table, start_of

SHORT = {"htxsnv": "HTXSNV", "httnv": "HTTNV", "htnv": "HTNV", "khtnv": "KHTNV"}


@dataclass(frozen=True)
class Counts:
    total: int
    levels: dict  # level value → count

    @property
    def rated(self) -> int:
        return sum(self.levels.get(level, 0) for level in LEVEL_ORDER)


@dataclass(frozen=True)
class UnitLine:
    name: str
    members: Counts
    organisations: Counts
    quota: str  # the quota position of the group, as a sentence


@dataclass(frozen=True)
class Exception_:
    subject: str  # a member's or a unit's name
    unit: str
    level: str
    reason: str


@dataclass(frozen=True)
class SummaryData:
    issuer: Issuer  # the committee
    period: str
    day: datetime.date
    lines: tuple[UnitLine, ...]
    total_members: Counts
    total_organisations: Counts
    quota_share: str  # "20%"
    exceptions: tuple[Exception_, ...]
    signer_title: str = "T/M Đảng ủy"
    signer_role: str = "Bí thư"
    number: int | None = None


def _row(name: str, counts: Counts) -> tuple[str, ...]:
    cells = [name, f"{counts.rated}/{counts.total}"]
    for level in LEVEL_ORDER:
        count = counts.levels.get(level, 0)
        cells.append(f"{count} ({percent(count, counts.rated)})")
    return tuple(cells)


def _table(lines, total, pick) -> Table:
    header = (("Đơn vị", "Xếp loại / tổng số", *[SHORT[level] for level in LEVEL_ORDER]),)
    rows = tuple(_row(line.name, pick(line)) for line in lines) + (_row("Tổng cộng", total),)
    return Table(
        header=header,
        rows=rows,
        widths=(0.2, 0.12) + (0.17,) * 4,
        align=("left", "center") + ("right",) * 4,
        size=10,
        bold_rows=(len(rows) - 1,),
    )


def _level_sentence(counts: Counts, noun: str) -> str:
    parts = []
    for level in LEVEL_ORDER:
        count = counts.levels.get(level, 0)
        parts.append(f"{LEVEL_LABELS[level]}: {count} {noun} ({percent(count, counts.rated)})")
    return f"Đã xếp loại {counts.rated}/{counts.total} {noun}; " + "; ".join(parts) + "."


def build(data: SummaryData) -> OfficialDocument:
    body: list = [
        Para.of(
            f"Thực hiện kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên {data.period}, "
            f"{data.issuer.name} báo cáo kết quả như sau:"
        ),
        Para.of(Run("I. KẾT QUẢ XẾP LOẠI TỔ CHỨC ĐẢNG", bold=True), indent=False, space_before=4),
        Para.of(_level_sentence(data.total_organisations, "tổ chức")),
        _table(data.lines, data.total_organisations, lambda line: line.organisations),
        Para.of(Run("II. KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN", bold=True), indent=False, space_before=4),
        Para.of(_level_sentence(data.total_members, "đảng viên")),
        _table(data.lines, data.total_members, lambda line: line.members),
        BarChart(
            "Tỷ lệ từng mức xếp loại (%)",
            tuple(SHORT[level] for level in LEVEL_ORDER),
            tuple(
                (
                    name,
                    tuple(
                        round(100 * counts.levels.get(level, 0) / counts.rated, 2) if counts.rated else 0.0
                        for level in LEVEL_ORDER
                    ),
                )
                for name, counts in (("Tổ chức đảng", data.total_organisations), ("Đảng viên", data.total_members))
            ),
        ),
        Para.of(Run("III. TỶ LỆ HOÀN THÀNH XUẤT SẮC NHIỆM VỤ", bold=True), indent=False, space_before=4),
        Para.of(f"Tỷ lệ tối đa: {data.quota_share} số hoàn thành tốt nhiệm vụ trong mỗi nhóm."),
        *[Para.of(f"- {line.name}: {line.quota}") for line in data.lines],
    ]
    if data.exceptions:
        body.append(Para.of(Run("IV. CÁC TRƯỜNG HỢP NGOẠI LỆ", bold=True), indent=False, space_before=4))
        body += [
            Para.of(f"- {item.subject} ({item.unit}): {LEVEL_LABELS.get(item.level, item.level)}. Lý do: {item.reason}")
            for item in data.exceptions
        ]
    return OfficialDocument(
        header=data.issuer.header("BC", data.day, data.number),
        doc_type="Báo cáo",
        summary=(f"Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên {data.period}",),
        body=tuple(body),
        signatures=(Signature((data.signer_title, data.signer_role), ""),),
        recipients=("Cấp ủy cấp trên (để báo cáo)", "Lưu văn phòng"),
        title=f"Báo cáo tổng hợp kết quả xếp loại {data.period} – {data.issuer.name}",
        author=data.issuer.name,
        created=start_of(data.day),
    )


def build_statistics(data: SummaryData) -> OfficialDocument:
    """The statistics table alone (the same figures as the summary), for the PDF and the .docx."""
    summary = build(data)
    tables = [block for block in summary.body if isinstance(block, Table)]
    return OfficialDocument(
        header=replace(summary.header, number=None),  # the report's number is the report's, not its table's
        doc_type="Biểu thống kê",
        summary=(f"Kết quả xếp loại chất lượng tổ chức đảng và đảng viên {data.period}",),
        body=(
            Para.of(Run("1. Tổ chức đảng", bold=True), indent=False),
            tables[0],
            Para.of(Run("2. Đảng viên", bold=True), indent=False),
            tables[1],
        ),
        signatures=summary.signatures,
        title=f"Biểu thống kê kết quả xếp loại {data.period} – {data.issuer.name}",
        author=data.issuer.name,
        created=summary.created,
    )


def statistics_xlsx(data: SummaryData) -> bytes:
    """The same figures as a spreadsheet: counts as numbers, shares as numbers formatted as percentages."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, pick, total in (
        ("Tổ chức đảng", lambda line: line.organisations, data.total_organisations),
        ("Đảng viên", lambda line: line.members, data.total_members),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append([f"KẾT QUẢ XẾP LOẠI {title.upper()} {data.period.upper()} – {data.issuer.name.upper()}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        header = ["Đơn vị", "Tổng số", "Đã xếp loại"]
        for level in LEVEL_ORDER:
            header += [f"{SHORT[level]} (số)", f"{SHORT[level]} (tỷ lệ)"]
        sheet.append(header)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for name, counts in [(line.name, pick(line)) for line in data.lines] + [("Tổng cộng", total)]:
            row = [name, counts.total, counts.rated]
            for level in LEVEL_ORDER:
                count = counts.levels.get(level, 0)
                row += [count, round(count / counts.rated, 4) if counts.rated else 0]
            sheet.append(row)
            for column in range(5, 5 + 2 * len(LEVEL_ORDER), 2):
                sheet.cell(row=sheet.max_row, column=column).number_format = "0.00%"
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
