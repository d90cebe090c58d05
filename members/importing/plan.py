"""What a roster import reads and plans: the columns, the table read from a file, each row's plan and the
whole plan (shared by reading, checking and writing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _l

from party_units.models import PartyUnit

from ..legacy import LABELS as LEGACY_LABELS
from ..models import Member, Membership
from ..text import fold

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


def present(value: Any) -> bool:
    """A cell holds a value (not empty, not only spaces)."""
    return value is not None and not (isinstance(value, str) and not value.strip())
