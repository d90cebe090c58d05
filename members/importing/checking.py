"""Checking and matching rows: every row's values, errors and fate against the database in a fixed number of
queries (`plan_import`)."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from party_units.access import Perm, access_for, can
from party_units.models import PartyUnit, nfc

from ..dates import activity_date_error, member_date_errors
from ..models import Gender, Member, Membership, MembershipKind, PartyPost, name_key
from ..text import card_key, fold, looks_like_formula
from .plan import (
    COLUMN_BY_FOLD,
    COLUMN_BY_KEY,
    DATE_KEYS,
    ERROR,
    FIELD_LABELS,
    NEW,
    UNCHANGED,
    UPDATABLE,
    UPDATED,
    Column,
    Formula,
    ImportPlan,
    RowError,
    RowPlan,
    Table,
    present,
)

MAX_CELL_CHARS = 1000

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
        if not present(raw):
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
