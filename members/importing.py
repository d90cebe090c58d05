"""Roster import from .xlsx and .csv: read the file, plan every row's fate, apply the plan in bulk.

`read_table` turns the bytes into a header and rows (or raises ImportFileError with a Vietnamese message);
`plan_import` matches every row against the database in a fixed number of queries and gives each row a fate
(new, updated, unchanged) or its errors (row, column, message); `apply_plan` writes a valid plan with bulk
operations in one transaction, with one audit entry per changed member and one for the import.
Nothing is written unless every row is valid, and importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl.utils import column_index_from_string, get_column_letter

from audit.models import AuditEntry
from audit.services import audit_entry, audit_log, snapshot
from party_units.access import Perm, access_for, can
from party_units.models import PartyUnit, nfc

from .counts import unit_counts_refresh
from .dates import activity_date_error, member_date_errors
from .legacy import LABELS as LEGACY_LABELS
from .legacy import detect as detect_legacy
from .legacy import to_unicode as legacy_to_unicode
from .models import Gender, Member, Membership, MembershipKind, PartyPost, name_key
from .text import card_key, fold, looks_like_formula

MAX_FILE_BYTES = 5 * 1024 * 1024
# A .xlsx is a zip: its declared sizes and the first sheet's declared dimensions are checked before any parsing
# (a roster of 10,000 rows expands to about 8 MB; a "decompression bomb" to hundreds).
MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_COLUMNS = 100
MAX_ROWS = 10_000
MAX_CELL_CHARS = 1000
HEADER_SEARCH_ROWS = 10
BATCH_SIZE = 1000
FEW_VALUES = 20  # up to this many distinct new values of a field: one UPDATE … WHERE id IN (…) per value

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
FATE_LABELS = {NEW: _l("Thêm mới"), UPDATED: _l("Cập nhật"), UNCHANGED: _l("Không đổi"), ERROR: _l("Lỗi")}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is Vietnamese and meant for the user."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    max_length: int = 200
    help: str = ""


COLUMNS = [
    Column("full_name", "Họ và tên", ("ho ten", "ho va ten dang vien"), 120, "Bắt buộc."),
    Column("date_of_birth", "Ngày sinh", help="dd/mm/yyyy hoặc ô ngày tháng của Excel."),
    Column("gender", "Giới tính", help="Nam hoặc Nữ."),
    Column("card_number", "Số thẻ đảng viên", ("so the", "so the dang", "so the dv"), 20, "Duy nhất."),
    Column("admitted_on", "Ngày vào Đảng", ("ngay vao dang",), help="dd/mm/yyyy."),
    Column("full_member_on", "Ngày chính thức", ("ngay chinh thuc",), help="Để trống nếu là đảng viên dự bị."),
    Column("government_post", "Chức vụ chính quyền", ("chuc vu chuyen mon", "chuc vu")),
    Column("party_post", "Chức vụ Đảng", help="Bí thư, Phó Bí thư, Cấp ủy viên hoặc Đảng viên."),
    Column("cell", "Chi bộ", ("ten chi bo",), 255, "Tên chi bộ; bắt buộc khi nhập cho cả đảng bộ."),
    Column(
        "start_date",
        "Sinh hoạt tại chi bộ từ ngày",
        ("sinh hoat tu ngay", "ngay sinh hoat tai chi bo"),
        help="Không bắt buộc: ngày bắt đầu sinh hoạt ở chi bộ (đảng viên mới) hoặc ngày chuyển đến.",
    ),
]
COLUMN_BY_FOLD = {fold(c.label): c for c in COLUMNS} | {alias: c for c in COLUMNS for alias in c.aliases}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
DATE_KEYS = {"date_of_birth", "admitted_on", "full_member_on", "start_date"}
# The record fields an import may set on an existing member (the name is the matching key and is not rewritten).
UPDATABLE = ["date_of_birth", "gender", "card_number", "admitted_on", "full_member_on", "government_post", "party_post"]
FIELD_LABELS = {c.key: c.label for c in COLUMNS}

GENDERS = {"nam": Gender.MALE, "nu": Gender.FEMALE}
PARTY_POSTS = {
    "bi thu": PartyPost.SECRETARY,
    "bi thu chi bo": PartyPost.SECRETARY,
    "pho bi thu": PartyPost.DEPUTY_SECRETARY,
    "pho bi thu chi bo": PartyPost.DEPUTY_SECRETARY,
    "cap uy vien": PartyPost.COMMITTEE_MEMBER,
    "chi uy vien": PartyPost.COMMITTEE_MEMBER,
    "dang uy vien": PartyPost.COMMITTEE_MEMBER,
    "dang vien": PartyPost.NONE,
}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_CARD = re.compile(r"^[0-9A-Z./\-]+$")


@dataclass(frozen=True)
class Formula:
    """A formula cell of a spreadsheet (refused: only values are imported)."""

    text: str


@dataclass(frozen=True)
class LegacyCell:
    """A cell typed with an old 8-bit Vietnamese font (members/legacy.py), as found and as converted."""

    row: int
    column: str
    original: str
    converted: str
    encoding: str


@dataclass
class Table:
    header: list[Any]
    header_row: int
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells), legacy text already converted
    merged: list[str] = field(default_factory=list)
    legacy: list[LegacyCell] = field(default_factory=list)

    @property
    def legacy_encoding(self) -> str:
        """The old encoding most of the converted cells were typed in ("" when none)."""
        found = [c.encoding for c in self.legacy]
        return max(set(found), key=found.count) if found else ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # "C (Ngày sinh)" or "" for the whole row
    message: str


@dataclass
class RowPlan:
    number: int
    full_name: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    fate: str = ERROR
    member: Member | None = None
    cell: PartyUnit | None = None
    current: Membership | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def fate_label(self) -> str:
        return str(FATE_LABELS[self.fate])

    @property
    def transfer(self) -> bool:
        return (
            self.member is not None
            and self.cell is not None
            and (self.current is None or self.current.unit_id != self.cell.pk)
        )


@dataclass
class ImportPlan:
    unit: PartyUnit
    file_name: str
    digest: str
    rows: list[RowPlan] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    legacy: list[LegacyCell] = field(default_factory=list)  # cells converted from TCVN3/VNI for this plan
    legacy_encoding: str = ""
    legacy_confirmed: bool = False  # the user saw the converted values and accepted them

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def needs_legacy_confirmation(self) -> bool:
        return bool(self.legacy) and not self.legacy_confirmed

    @property
    def confirmable(self) -> bool:
        """Valid, or valid once the user confirms the conversion of old-font text."""
        return not self.file_errors and not any(r.errors for r in self.rows)

    @property
    def legacy_label(self) -> str:
        return LEGACY_LABELS.get(self.legacy_encoding, "")

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not any(r.errors for r in self.rows) and not self.needs_legacy_confirmation

    def count(self, fate: str) -> int:
        return sum(1 for r in self.rows if r.fate == fate)

    @property
    def counts(self) -> dict[str, int]:
        return {fate: self.count(fate) for fate in (NEW, UPDATED, UNCHANGED, ERROR)}


# ---------------------------------------------------------------------------------------------------------------
# Reading files


def read_table(data: bytes, file_name: str) -> Table:
    """The header and data rows of a .xlsx or .csv file; ImportFileError if the file cannot be used at all."""
    if not data:
        raise ImportFileError(_("Tệp rỗng."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    name = file_name.lower()
    if name.endswith(".xlsx"):
        rows, merged = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows, merged = _read_csv(data), []
    elif name.endswith(".xls"):
        raise ImportFileError(_("Tệp .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại thành .xlsx."))
    else:
        raise ImportFileError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    legacy = _convert_legacy(rows)
    header_index = _find_header(rows)
    header_row, header = rows[header_index]
    # A merged title above the header is common and harmless; merged cells in the table hide values.
    merged_in_table = [coord for first, last, coord in merged if last >= header_row]
    if merged_in_table:
        raise ImportFileError(
            _("Bảng tính có ô gộp (%(ranges)s): hãy bỏ gộp ô rồi nhập lại.")
            % {"ranges": ", ".join(merged_in_table[:5])}
        )
    data_rows = [(n, cells) for n, cells in rows[header_index + 1 :] if any(_present(c) for c in cells)]
    if not data_rows:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."))
    if len(data_rows) > MAX_ROWS:
        raise ImportFileError(
            _("Tệp có %(n)s dòng dữ liệu, quá giới hạn %(max)s dòng: hãy chia thành nhiều tệp.")
            % {"n": len(data_rows), "max": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    return Table(
        header=header,
        header_row=header_row,
        rows=data_rows,
        legacy=[c for c in legacy if c.row > header_row],
    )


def _convert_legacy(rows: list[tuple[int, list[Any]]]) -> list[LegacyCell]:
    """Convert, in place, every text cell typed with an old Vietnamese font; the plan shows them to be confirmed."""
    found: list[LegacyCell] = []
    for number, cells in rows:
        for index, value in enumerate(cells):
            encoding = detect_legacy(value) if isinstance(value, str) else None
            if encoding:
                converted = legacy_to_unicode(value, encoding)
                cells[index] = converted
                found.append(LegacyCell(number, get_column_letter(index + 1), value, converted, encoding))
    return found


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _find_header(rows: list[tuple[int, list[Any]]]) -> int:
    nonblank = [i for i, (_, cells) in enumerate(rows) if any(_present(c) for c in cells)]
    if not nonblank:
        raise ImportFileError(_("Tệp không có dữ liệu."))
    for i in nonblank[:HEADER_SEARCH_ROWS]:
        folded = {fold(c) for c in rows[i][1] if isinstance(c, str)}
        if COLUMN_BY_KEY["full_name"] in {COLUMN_BY_FOLD.get(f) for f in folded}:
            return i
    raise ImportFileError(
        _("Không tìm thấy dòng tiêu đề có cột «Họ và tên» trong %(n)s dòng đầu của tệp.") % {"n": HEADER_SEARCH_ROWS}
    )


def _read_csv(data: bytes) -> list[tuple[int, list[Any]]]:
    if b"\x00" in data:
        raise ImportFileError(_("Tệp CSV chứa ký tự NUL: đây không phải tệp văn bản CSV hợp lệ."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_csv_encoding_message(data)) from None
    if not text.strip():
        raise ImportFileError(_("Tệp rỗng."))
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])  # a title may sit above the header
    delimiter = max([",", ";", "\t"], key=head.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for cells in reader:
            rows.append((len(rows) + 1, list(cells)))  # numbered as a spreadsheet shows them: one per record
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
                break
    except csv.Error as exc:
        raise ImportFileError(
            _("Không đọc được tệp CSV ở dòng %(line)s: ô dữ liệu quá lớn hoặc dấu ngoặc kép không khớp.")
            % {"line": reader.line_num}
        ) from exc
    return rows


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_REL = re.compile(rb"<Relationship\b[^>]*>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
XML_HEAD_BYTES = 64 * 1024  # the dimension element comes before the sheet's data


def _head(archive: zipfile.ZipFile, name: str, size: int = XML_HEAD_BYTES) -> bytes:
    """The first bytes of a member, decompressing no more than that."""
    with archive.open(name) as handle:
        return handle.read(size)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet (the one the import reads), from workbook.xml and its relations."""
    names = set(archive.namelist())
    try:
        match = _SHEET.search(_head(archive, "xl/workbook.xml", 1024 * 1024))
        rels = _head(archive, "xl/_rels/workbook.xml.rels", 1024 * 1024)
    except KeyError:
        match, rels = None, b""
    if match:
        for rel in _REL.findall(rels):
            if f'Id="{match.group(1).decode()}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
                if target:
                    path = target.group(1).decode().lstrip("/")
                    path = path if path.startswith("xl/") else f"xl/{path}"
                    if path in names:
                        return path
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def check_xlsx_archive(archive: zipfile.ZipFile) -> None:
    """Refuse, before any parsing, a .xlsx that would expand too much: the sizes its zip directory declares
    (the zip reader never inflates a member past its declared size) and the first sheet's declared dimensions."""
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _(
                "Tệp Excel khi giải nén quá lớn (%(mb)s MB, tối đa %(max)s MB): tệp có thể chứa dữ liệu thừa hoặc "
                "bị làm giả. Hãy sao chép bảng danh sách sang một tệp mới, hoặc chia thành nhiều tệp."
            )
            % {"mb": max(1, total // (1024 * 1024)), "max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )
    sheet = _first_sheet(archive)
    if sheet is None:
        return
    match = _DIMENSION.search(_head(archive, sheet))
    if not match:
        return
    last_col, last_row = (match.group(3) or match.group(1)).decode(), int(match.group(4) or match.group(2))
    columns = column_index_from_string(last_col)
    if last_row > MAX_ROWS + HEADER_SEARCH_ROWS + 1000 or columns > MAX_COLUMNS:
        raise ImportFileError(_too_many_cells(last_row, columns))


def _too_many_cells(rows: int, columns: int) -> str:
    return _(
        "Trang tính đầu tiên của tệp có %(rows)s dòng × %(cols)s cột, quá giới hạn %(max)s dòng, %(maxcols)s cột: "
        "hãy xóa các dòng, cột thừa (kể cả ô trống đã định dạng) hoặc chia thành nhiều tệp."
    ) % {
        "rows": f"{rows:,}".replace(",", "."),
        "cols": columns,
        "max": f"{MAX_ROWS:,}".replace(",", "."),
        "maxcols": MAX_COLUMNS,
    }


def _csv_encoding_message(data: bytes) -> str:
    """How to fix a CSV saved in an old 8-bit encoding (not where its first odd byte is)."""
    text = data.decode("cp1252", errors="replace")
    found = [e for e in (detect_legacy(word) for word in text.split()) if e]
    typed = (
        _(" Chữ trong tệp có vẻ được gõ bằng bảng mã %(enc)s.")
        % {"enc": LEGACY_LABELS[max(set(found), key=found.count)]}
        if found
        else ""
    )
    return (
        _("Tệp CSV không được lưu ở dạng Unicode UTF-8.")
        + typed
        + _(
            " Cách sửa: mở tệp bằng Excel, chọn Tệp → Lưu thành (Save As), ở «Kiểu tệp» chọn «CSV UTF-8 (Comma "
            "delimited) (*.csv)» rồi tải tệp mới lên; hoặc lưu thành Sổ làm việc Excel (.xlsx). Nếu chữ hiển thị "
            "sai dấu, hãy chuyển mã sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) trước khi lưu."
        )
    )


def _read_xlsx(data: bytes) -> tuple[list[tuple[int, list[Any]]], list[tuple[int, int, str]]]:
    from openpyxl import load_workbook

    bad = _("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải định dạng .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_xlsx_archive(archive)
    except ImportFileError:
        raise
    except Exception:  # BadZipFile, NotImplementedError (odd versions), ValueError, EOFError…: all "broken"
        raise ImportFileError(bad) from None
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
        sheet = workbook.worksheets[0]
        if sheet.max_row > MAX_ROWS + HEADER_SEARCH_ROWS + 1000 or sheet.max_column > MAX_COLUMNS:
            raise ImportFileError(_too_many_cells(sheet.max_row, sheet.max_column))  # a sheet that declared none
        merged = [(r.min_row, r.max_row, r.coord) for r in sheet.merged_cells.ranges]
        rows: list[tuple[int, list[Any]]] = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (value is not None and type(value).__name__ == "ArrayFormula"):
                    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
                    value = Formula(str(text))
                cells.append(value)
            rows.append((row[0].row if row else len(rows) + 1, cells))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
                break
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors…) for a broken file
        raise ImportFileError(bad) from None
    return rows, merged


# ---------------------------------------------------------------------------------------------------------------
# Checking and matching rows


def _as_text(value: Any) -> str | None:
    """A cell as text; numbers that are whole (a card number typed as a number) lose their ".0"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def parse_date(value: Any) -> datetime.date:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd) or a real spreadsheet date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError
    text = value.strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            raise ValueError
        year, month, day = (int(g) for g in match.groups())
    if year < 1900:
        raise ValueError
    return datetime.date(year, month, day)


def _show(value: Any) -> str:
    if isinstance(value, Formula):
        return value.text[:60]
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    text = _as_text(value) or ""
    return text if len(text) <= 60 else text[:57] + "…"


def _display(key: str, value: Any) -> str:
    if key == "party_post" and value is not None:
        return str(PartyPost(value).label)
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if key == "gender":
        return str(Gender(value).label)
    return str(value)


class _Scope:
    """The cells the import may touch: the unit's subtree where the actor manages members."""

    def __init__(self, actor, unit: PartyUnit):
        self.unit = unit
        self.actor = actor
        cells = list(
            access_for(actor).units(Perm.MANAGE_MEMBERS).cells().filter(is_active=True, path__startswith=unit.path)
        )
        self.cells = {c.pk: c for c in cells}
        self.by_name: dict[str, list[PartyUnit]] = defaultdict(list)
        self.by_fold: dict[str, list[PartyUnit]] = defaultdict(list)
        for c in cells:
            for text in {c.name, c.short_name}:
                self.by_name[name_key(text)].append(c)
                self.by_fold[fold(text)].append(c)

    def find(self, text: str) -> PartyUnit | None:
        found = {c.pk: c for c in self.by_name.get(name_key(text), [])}
        if len(found) != 1:
            found = {c.pk: c for c in self.by_fold.get(fold(text), [])}
        return next(iter(found.values())) if len(found) == 1 else None

    @property
    def only_cell(self) -> PartyUnit | None:
        if self.unit.is_cell and self.unit.pk in self.cells:
            return self.unit
        return None

    def manages(self, membership: Membership | None) -> bool:
        return membership is not None and can(self.actor, Perm.MANAGE_MEMBERS, membership.unit)


def plan_import(table: Table, *, actor, unit: PartyUnit, file_name: str = "", digest: str = "") -> ImportPlan:
    """Give every row its fate or its errors. A fixed number of queries whatever the number of rows."""
    plan = ImportPlan(unit=unit, file_name=file_name, digest=digest)
    scope = _Scope(actor, unit)
    columns: dict[int, Column] = {}
    ignored: list[str] = []
    for index, raw in enumerate(table.header):
        text = _as_text(raw) if not isinstance(raw, Formula) else None
        if not text or not text.strip():
            continue
        column = COLUMN_BY_FOLD.get(fold(text.rstrip("*: ")))
        if column is None:
            ignored.append(text.strip())
        elif column in columns.values():
            plan.file_errors.append(
                _("Cột «%(label)s» xuất hiện hai lần trong dòng tiêu đề.") % {"label": column.label}
            )
        else:
            columns[index] = column
    if ignored:
        plan.warnings.append(_("Bỏ qua các cột không dùng: %(cols)s.") % {"cols": ", ".join(ignored[:20])})
    if scope.only_cell is None and "cell" not in {c.key for c in columns.values()}:
        plan.file_errors.append(_("Thiếu cột «Chi bộ»: bắt buộc khi nhập danh sách cho cả đảng bộ."))
    if not scope.cells:
        plan.file_errors.append(_("Bạn không có quyền quản lý đảng viên ở chi bộ nào thuộc đơn vị này."))
    if plan.file_errors:
        return plan

    for number, cells in table.rows:
        plan.rows.append(_check_row(number, cells, columns, scope))
    where = {c.key: f"{get_column_letter(i + 1)} ({c.label})" for i, c in columns.items()}
    _match(plan, scope, where)
    for row in plan.rows:
        if row.errors:
            row.fate = ERROR
    return plan


def _check_row(number: int, cells: list[Any], columns: dict[int, Column], scope: _Scope) -> RowPlan:
    row = RowPlan(number=number)

    def error(column: Column | None, index: int | None, message: str) -> None:
        where = f"{get_column_letter(index + 1)} ({column.label})" if column is not None and index is not None else ""
        row.errors.append(RowError(number, where, message))

    present_keys = set()
    for index, column in columns.items():
        raw = cells[index] if index < len(cells) else None
        if not _present(raw):
            continue
        present_keys.add(column.key)
        if isinstance(raw, Formula) or (isinstance(raw, str) and looks_like_formula(raw)):
            error(
                column,
                index,
                _("Ô chứa công thức «%(v)s»: chỉ nhập giá trị, không nhập công thức.") % {"v": _show(raw)},
            )
            continue
        if isinstance(raw, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in raw):
            error(column, index, _("Ô chứa ký tự điều khiển không hợp lệ."))
            continue
        if column.key in DATE_KEYS:
            try:
                row.values[column.key] = parse_date(raw)
            except (ValueError, OverflowError):
                error(column, index, _("Ngày không hợp lệ «%(v)s»: cần dạng dd/mm/yyyy.") % {"v": _show(raw)})
            continue
        if column.key == "full_name" and not isinstance(raw, str):
            error(column, index, _("Họ và tên phải là chữ, không phải «%(v)s».") % {"v": _show(raw)})
            continue
        text = " ".join((_as_text(raw) or "").split())
        if len(text) > min(column.max_length, MAX_CELL_CHARS):
            error(
                column,
                index,
                _("Quá dài: tối đa %(n)s ký tự (ô có %(len)s).") % {"n": column.max_length, "len": len(text)},
            )
            continue
        if column.key == "gender":
            if fold(text) not in GENDERS:
                error(column, index, _("Giới tính «%(v)s» không hợp lệ: ghi Nam hoặc Nữ.") % {"v": _show(raw)})
            else:
                row.values["gender"] = GENDERS[fold(text)]
        elif column.key == "party_post":
            if fold(text) not in PARTY_POSTS:
                error(
                    column,
                    index,
                    _("Chức vụ Đảng «%(v)s» không hợp lệ: ghi Bí thư, Phó Bí thư, Cấp ủy viên hoặc Đảng viên.")
                    % {"v": _show(raw)},
                )
            else:
                row.values["party_post"] = PARTY_POSTS[fold(text)]
        elif column.key == "card_number":
            card = card_key(text)
            if not _CARD.match(card):
                error(
                    column,
                    index,
                    _("Số thẻ đảng viên «%(v)s» chỉ gồm chữ số, chữ cái không dấu và các dấu . - /.")
                    % {"v": _show(raw)},
                )
            else:
                row.values["card_number"] = card
        elif column.key == "cell":
            cell = scope.find(text)
            if cell is None:
                error(
                    column, index, _("Không tìm thấy chi bộ «%(v)s» trong phạm vi bạn được nhập.") % {"v": _show(raw)}
                )
            else:
                row.cell = cell
        else:
            row.values[column.key] = text

    full_name = row.values.get("full_name", "")
    row.full_name = full_name
    if "full_name" not in present_keys:
        name_col = next((i for i, c in columns.items() if c.key == "full_name"), None)
        error(COLUMN_BY_KEY["full_name"], name_col, _("Thiếu họ và tên."))
    if row.cell is None and "cell" not in present_keys:
        if scope.only_cell is not None:
            row.cell = scope.only_cell
        else:
            cell_col = next((i for i, c in columns.items() if c.key == "cell"), None)
            error(COLUMN_BY_KEY["cell"], cell_col, _("Thiếu chi bộ."))
    _check_dates(row, columns, error)
    return row


def _check_dates(row: RowPlan, columns: dict[int, Column], error) -> None:
    today = timezone.localdate()
    where = {c.key: i for i, c in columns.items()}
    v = row.values

    def fail(key: str, message: str) -> None:
        error(COLUMN_BY_KEY[key], where.get(key), message)

    for key, message in member_date_errors(
        date_of_birth=v.get("date_of_birth"),
        admitted_on=v.get("admitted_on"),
        full_member_on=v.get("full_member_on"),
        today=today,
    ).items():
        fail(key, message)
    if v.get("start_date") and v["start_date"] > today:
        fail("start_date", _("Ngày bắt đầu sinh hoạt không được sau ngày hôm nay."))
    elif v.get("start_date") and (message := activity_date_error(v["start_date"], today)):
        fail("start_date", message)


def _match(plan: ImportPlan, scope: _Scope, where: dict[str, str]) -> None:
    """Find each row's member (by card number, else by name and date of birth) with three queries in all."""
    rows = [r for r in plan.rows if r.full_name]
    cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
    keys = {name_key(r.full_name) for r in rows}
    by_card = {m.card_number: m for m in Member.objects.filter(card_number__in=cards)} if cards else {}
    by_person: dict[tuple[str, datetime.date | None], list[Member]] = defaultdict(list)
    for m in Member.objects.filter(name_key__in=keys) if keys else []:
        by_person[(m.name_key, m.date_of_birth)].append(m)
    member_ids = {m.pk for m in by_card.values()} | {m.pk for ms in by_person.values() for m in ms}
    current: dict[int, Membership] = {}
    if member_ids:
        for ms in Membership.objects.filter(
            member_id__in=member_ids, kind=MembershipKind.OFFICIAL, end_date__isnull=True
        ).select_related("unit"):
            current[ms.member_id] = ms

    seen_cards: dict[str, int] = {}
    seen_people: dict[tuple[str, datetime.date | None], int] = {}
    claimed: dict[int, int] = {}
    for row in rows:
        key = name_key(row.full_name)
        card = row.values.get("card_number")
        dob = row.values.get("date_of_birth")
        card_col = _col_label(where, "card_number")
        if card:
            if card in seen_cards:
                row.errors.append(
                    RowError(
                        row.number,
                        card_col,
                        _("Số thẻ đảng viên %(c)s trùng với dòng %(r)s.") % {"c": card, "r": seen_cards[card]},
                    )
                )
            seen_cards.setdefault(card, row.number)
        person = (key, dob)
        if person in seen_people and not card:
            row.errors.append(
                RowError(
                    row.number,
                    "",
                    _("Đảng viên «%(n)s» (cùng họ tên và ngày sinh) đã có ở dòng %(r)s.")
                    % {"n": row.full_name, "r": seen_people[person]},
                )
            )
        seen_people.setdefault(person, row.number)

        member = None
        if card and card in by_card:
            member = by_card[card]
            if member.name_key != key:
                holder = member.full_name if scope.manages(current.get(member.pk)) else _("một đảng viên khác")
                row.errors.append(
                    RowError(
                        row.number,
                        card_col,
                        _("Số thẻ đảng viên %(c)s đã được cấp cho %(h)s trong cơ sở dữ liệu.")
                        % {"c": card, "h": holder},
                    )
                )
                continue
        else:
            candidates = [
                m for m in by_person.get(person, []) if not card or not m.card_number or m.card_number == card
            ]
            if len(candidates) > 1:
                row.errors.append(
                    RowError(
                        row.number,
                        "",
                        _("Có nhiều đảng viên cùng họ tên «%(n)s» và ngày sinh: hãy ghi số thẻ đảng viên để phân biệt.")
                        % {"n": row.full_name},
                    )
                )
                continue
            member = candidates[0] if candidates else None
        if member is None:
            if row.values.get("full_member_on") and not row.values.get("admitted_on"):
                row.errors.append(
                    RowError(
                        row.number, _col_label(where, "admitted_on"), _("Cần có ngày vào Đảng khi ghi ngày chính thức.")
                    )
                )
            if not row.errors:
                row.fate = NEW
                row.changes = {
                    FIELD_LABELS[k]: ("", _display(k, v)) for k, v in row.values.items() if k not in ("full_name",)
                }
            continue
        if member.pk in claimed:
            row.errors.append(
                RowError(
                    row.number, "", _("Dòng này và dòng %(r)s cùng chỉ một đảng viên.") % {"r": claimed[member.pk]}
                )
            )
            continue
        claimed[member.pk] = row.number
        row.member = member
        row.current = current.get(member.pk)
        if not scope.manages(row.current):
            row.errors.append(
                RowError(
                    row.number,
                    "",
                    _("Đảng viên «%(n)s» đang sinh hoạt ở đơn vị ngoài phạm vi quản lý của bạn: không thể cập nhật.")
                    % {"n": row.full_name},
                )
            )
            continue
        _plan_update(row, where)


def _col_label(where: dict[str, str], key: str) -> str:
    """ "D (Số thẻ đảng viên)" when the file has the column, else the column's name."""
    return where.get(key, COLUMN_BY_KEY[key].label)


def _plan_update(row: RowPlan, where: dict[str, str]) -> None:
    member = row.member
    changes: dict[str, tuple[str, str]] = {}
    for key in UPDATABLE:
        if key not in row.values:
            continue
        new = row.values[key]
        old = getattr(member, key)
        if new != old:
            changes[FIELD_LABELS[key]] = (_display(key, old), _display(key, new))
    merged_admitted = row.values.get("admitted_on", member.admitted_on)
    merged_full = row.values.get("full_member_on", member.full_member_on)
    if merged_full and (not merged_admitted or merged_full < merged_admitted):
        row.errors.append(
            RowError(
                row.number, _col_label(where, "full_member_on"), _("Ngày chính thức không được trước ngày vào Đảng.")
            )
        )
    if row.transfer:
        on = row.values.get("start_date") or timezone.localdate()
        if row.current is not None and on <= row.current.start_date:
            row.errors.append(
                RowError(
                    row.number,
                    _col_label(where, "start_date"),
                    _("Ngày chuyển đến %(d)s phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (%(s)s).")
                    % {"d": on.strftime("%d/%m/%Y"), "s": row.current.start_date.strftime("%d/%m/%Y")},
                )
            )
        changes[_("Chi bộ")] = (row.current.unit.name if row.current else "—", row.cell.name)
    row.changes = changes
    row.fate = UPDATED if changes else UNCHANGED


# ---------------------------------------------------------------------------------------------------------------
# Writing


def _snapshot(member: Member) -> dict[str, Any]:
    return snapshot(member, ["full_name", *UPDATABLE])


@transaction.atomic
def apply_plan(plan: ImportPlan, *, actor) -> dict[str, int]:
    """Write a valid plan with bulk operations; returns the counts of each fate."""
    if not plan.is_valid:
        raise ValueError("An import plan with errors cannot be applied.")
    if any(not can(actor, Perm.MANAGE_MEMBERS, r.cell) for r in plan.rows if r.fate != UNCHANGED):
        raise PermissionDenied
    today = timezone.localdate()
    now = timezone.now()
    entries: list[AuditEntry] = []

    new_rows = [r for r in plan.rows if r.fate == NEW]
    new_members = []
    for row in new_rows:
        member = Member(full_name=row.full_name, **{k: row.values[k] for k in UPDATABLE if k in row.values})
        member.normalise()
        member.created_at = member.updated_at = now
        new_members.append(member)
    Member.objects.bulk_create(new_members, batch_size=BATCH_SIZE)
    memberships = [
        Membership(
            member=member,
            unit=row.cell,
            sort_key=member.sort_key,
            start_date=row.values.get("start_date") or row.values.get("admitted_on") or today,
            note=_("Nhập từ tệp %(f)s") % {"f": plan.file_name[:200]},
        )
        for row, member in zip(new_rows, new_members, strict=True)
    ]
    for row, member in zip(new_rows, new_members, strict=True):
        entries.append(
            audit_entry(
                actor=actor,
                action="member.imported",
                obj=member,
                after={**_snapshot(member), "unit_id": row.cell.pk, "unit": row.cell.name},
                note=plan.file_name[:200],
            )
        )

    updated_rows = [r for r in plan.rows if r.fate == UPDATED]
    changed_fields: dict[str, list[Member]] = defaultdict(list)
    closed: list[Membership] = []
    for row in updated_rows:
        member = row.member
        before = _snapshot(member)
        for key in UPDATABLE:
            if key in row.values:
                setattr(member, key, row.values[key])
        member.normalise()
        member.updated_at = now
        after = _snapshot(member)
        changed = [k for k in after if after[k] != before[k]]
        for key in changed:
            changed_fields[key].append(member)
        audit_before = {k: before[k] for k in changed}
        audit_after = {k: after[k] for k in changed}
        if row.transfer:
            on = row.values.get("start_date") or today
            if row.current is not None:
                row.current.end_date = on - datetime.timedelta(days=1)
                closed.append(row.current)
                audit_before |= {"unit_id": row.current.unit_id, "unit": row.current.unit.name}
            audit_after |= {"unit_id": row.cell.pk, "unit": row.cell.name, "start_date": on.isoformat()}
            memberships.append(
                Membership(
                    member=member,
                    unit=row.cell,
                    sort_key=member.sort_key,
                    start_date=on,
                    note=_("Chuyển đến (nhập từ tệp)"),
                )
            )
        entries.append(
            audit_entry(
                actor=actor,
                action="member.import_updated",
                obj=member,
                before=audit_before,
                after=audit_after,
                note=plan.file_name[:200],
            )
        )
    touched = {m.pk for members in changed_fields.values() for m in members}
    for key, members in changed_fields.items():
        _update_field(Member, members, key)
    if touched:
        Member.objects.filter(pk__in=touched).update(updated_at=now)
    _update_field(Membership, closed, "end_date")
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    # Written in bulk: the cells' stored counts of official members are counted again.
    unit_counts_refresh({m.unit_id for m in closed} | {m.unit_id for m in memberships})
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    counts = plan.counts
    audit_log(
        actor=actor,
        action="members.import",
        obj=plan.unit,
        after={"file": plan.file_name, "sha256": plan.digest, **counts},
    )
    return counts


def _update_field(model, objs: list, field_name: str) -> None:
    """Write one field of many rows: one UPDATE per distinct value when there are few (a post set for everyone,
    one transfer date), else a batched CASE update. Either way a bounded number of queries."""
    if not objs:
        return
    by_value: dict[Any, list[int]] = defaultdict(list)
    for obj in objs:
        by_value[getattr(obj, field_name)].append(obj.pk)
    if len(by_value) <= FEW_VALUES:
        for value, pks in by_value.items():
            model.objects.filter(pk__in=pks).update(**{field_name: value})
    else:
        model.objects.bulk_update(objs, [field_name], batch_size=BATCH_SIZE)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_from_bytes(data: bytes, file_name: str, *, actor, unit: PartyUnit, legacy: str = "") -> ImportPlan:
    """Read and plan in one step; a file-level problem becomes the plan's file error (never an exception).

    Cells typed with an old Vietnamese font are planned converted; the plan is valid only when ``legacy`` names
    the encoding the user confirmed after seeing the conversion."""
    digest = digest_of(data)
    try:
        table = read_table(data, file_name)
    except ImportFileError as exc:
        return ImportPlan(unit=unit, file_name=file_name, digest=digest, file_errors=[str(exc)])
    plan = plan_import(table, actor=actor, unit=unit, file_name=file_name, digest=digest)
    plan.legacy, plan.legacy_encoding = table.legacy, table.legacy_encoding
    plan.legacy_confirmed = bool(table.legacy) and legacy == table.legacy_encoding
    return plan


def import_members(
    data: bytes, file_name: str, *, actor, unit: PartyUnit, dry_run: bool = False, legacy: str = ""
) -> ImportPlan:
    """Plan the file again and, when every row is valid and this is not a dry run, apply it in one transaction.

    The plan is made inside the transaction that writes it, so a record changed since a preview is seen.
    """
    with transaction.atomic():
        plan = plan_from_bytes(data, file_name, actor=actor, unit=unit, legacy=legacy)
        if plan.is_valid and not dry_run:
            apply_plan(plan, actor=actor)
    return plan
