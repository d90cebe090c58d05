"""Ratings from before the system, imported from a .xlsx/.csv file: every row checked first (row, column,
message); nothing is written unless the whole file is valid; each row is then recorded (audited) through
``past_rating_record``, and a row that already holds the same level changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.importing import ImportFileError, read_table
from members.models import Member, name_key
from members.text import card_key
from party_units.access import Actor, Perm, require_actor
from party_units.models import PartyUnit, fold

from ..models import PastRatingSource
from ..rules import Level
from .decisions import past_rating_record

COLUMNS = {"ho va ten": "name", "so the dang vien": "card", "nam": "year", "xep loai": "level"}
LEVEL_WORDS = {fold(level.label): level for level in Level} | {fold(level.short): level for level in Level}
HEADER = ["Họ và tên", "Số thẻ đảng viên", "Năm", "Xếp loại"]


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    written: int = 0
    problems: list[RowProblem] | None = None


def past_ratings_import(*, actor: Actor, unit: PartyUnit, data: bytes, file_name: str) -> ImportResult:
    require_actor(actor, Perm.MANAGE_MEMBERS, unit)
    try:
        table = read_table(data, file_name)
    except ImportFileError as exc:
        return ImportResult(problems=[RowProblem(0, "", str(exc))])
    index = {}
    for i, cell in enumerate(table.header):
        key = COLUMNS.get(fold(str(cell or "")).strip())
        if key:
            index[key] = i
    missing = [label for label, key in zip(HEADER, ("name", "card", "year", "level"), strict=True) if key not in index]
    missing = [m for m in missing if m != "Số thẻ đảng viên"]
    if missing:
        return ImportResult(
            problems=[RowProblem(table.header_row, "", _("Thiếu cột: %(c)s.") % {"c": ", ".join(missing)})]
        )
    members = Member.objects.filter(memberships__unit__path__startswith=unit.path).distinct()
    by_card = {card_key(m.card_number): m for m in members if m.card_number}
    by_name: dict[str, list[Member]] = {}
    for m in members:
        by_name.setdefault(m.name_key, []).append(m)
    this_year = timezone.localdate().year
    problems, planned, seen = [], [], set()

    def cell(cells, key):
        i = index.get(key)
        value = cells[i] if i is not None and i < len(cells) else None
        return "" if value is None else str(value).strip()

    for number, cells in table.rows:
        name, card, year_text, level_text = (cell(cells, k) for k in ("name", "card", "year", "level"))
        member = by_card.get(card_key(card)) if card else None
        if card and member is None:
            problems.append(
                RowProblem(number, "Số thẻ đảng viên", _("Không có đảng viên số thẻ %(c)s trong đơn vị.") % {"c": card})
            )
        elif member is None:
            found = by_name.get(name_key(name), [])
            if len(found) != 1:
                message = (
                    _("Không tìm thấy đảng viên «%(n)s» trong đơn vị.")
                    if not found
                    else _("Có nhiều đảng viên tên «%(n)s»: hãy ghi số thẻ đảng viên.")
                )
                problems.append(RowProblem(number, "Họ và tên", message % {"n": name}))
            else:
                member = found[0]
        try:
            year = int(float(year_text))
        except ValueError:
            year = None
        if year is None or not 1930 <= year <= this_year:
            problems.append(RowProblem(number, "Năm", _("Năm «%(y)s» không hợp lệ.") % {"y": year_text}))
        level = LEVEL_WORDS.get(fold(level_text))
        if level is None:
            problems.append(
                RowProblem(
                    number,
                    "Xếp loại",
                    _("«%(l)s» không phải mức xếp loại (ví dụ: HTXSNV, Hoàn thành tốt nhiệm vụ).") % {"l": level_text},
                )
            )
        if member is not None and year is not None:
            if (member.pk, year) in seen:
                problems.append(RowProblem(number, "Năm", _("Trùng dòng khác cho cùng đảng viên và năm.")))
            seen.add((member.pk, year))
        if member is not None and year is not None and level is not None:
            planned.append((member, year, level))
    if problems:
        return ImportResult(problems=problems)
    with transaction.atomic():
        for member, year, level in planned:
            past_rating_record(
                actor=actor, member=member, year=year, level=level.value, source=PastRatingSource.IMPORTED
            )
    return ImportResult(written=len(planned), problems=[])
