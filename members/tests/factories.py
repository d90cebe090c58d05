"""Small factories for member records (plain functions: the project does not use factory_boy)."""

from __future__ import annotations

import datetime
import itertools

from members.counts import unit_counts_refresh
from members.models import DisciplineLevel, Member, Membership, MembershipKind, MemberStatus, StatusKind

_seq = itertools.count(1)


def member(
    name: str | None = None,
    cell=None,
    *,
    start: datetime.date = datetime.date(2015, 1, 1),
    end: datetime.date | None = None,
    **fields,
) -> Member:
    """A full member (admitted 2010) with an open official membership in `cell` when given."""
    fields.setdefault("admitted_on", datetime.date(2010, 5, 19))
    fields.setdefault("full_member_on", datetime.date(2011, 5, 19))
    record = Member.objects.create(full_name=name or f"Đảng viên Số {next(_seq)}", **fields)
    if cell is not None:
        Membership.objects.create(member=record, unit=cell, start_date=start, end_date=end)
    return record


FIRST_DAY = datetime.date(2015, 1, 1)


def bulk_members(
    placements: list[tuple[str, object]], *, start: datetime.date = datetime.date(2015, 1, 1)
) -> list[Member]:
    """Members written in bulk, each ``(full name, cell)``, with every key the model derives (``Member.normalise``)
    and an official membership from ``start``; returned in the order given."""
    rows = []
    for full_name, _cell in placements:
        row = Member(
            full_name=full_name, admitted_on=datetime.date(2010, 1, 1), full_member_on=datetime.date(2011, 1, 1)
        )
        row.normalise()
        rows.append(row)
    created = Member.objects.bulk_create(rows, batch_size=1000)
    if any(m.pk is None for m in created):  # a backend that returns no ids from a bulk insert
        by_name = {m.full_name: m for m in Member.objects.filter(full_name__in=[r.full_name for r in rows])}
        created = [by_name[r.full_name] for r in rows]
    Membership.objects.bulk_create(
        [
            Membership(member=m, unit=cell, sort_key=m.sort_key, start_date=start)
            for m, (_name, cell) in zip(created, placements, strict=True)
        ],
        batch_size=1000,
    )
    unit_counts_refresh({cell.pk for _name, cell in placements})  # a bulk writer counts its cells again
    return created


def membership(record: Member, cell, start: datetime.date, end: datetime.date | None = None, **fields) -> Membership:
    return Membership.objects.create(member=record, unit=cell, start_date=start, end_date=end, **fields)


def temporary(record: Member, cell, start: datetime.date, end: datetime.date | None = None) -> Membership:
    return membership(record, cell, start, end, kind=MembershipKind.TEMPORARY)


def status(record: Member, kind: str, start: datetime.date, end: datetime.date | None = None, **fields) -> MemberStatus:
    if kind == StatusKind.DISCIPLINED:
        fields.setdefault("discipline_level", DisciplineLevel.REPRIMAND)
    return MemberStatus.objects.create(member=record, kind=kind, start_date=start, end_date=end, **fields)


HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chức vụ chính quyền",
    "Chức vụ Đảng",
    "Chi bộ",
]


def csv_bytes(rows, header=None, *, bom=False, delimiter=",") -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    data = out.getvalue().encode()
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows, header=None, *, before=None, edit=None) -> bytes:
    """An .xlsx with the header on the first row (after `before` rows); `edit(sheet)` may change it further."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in before or []:
        sheet.append(row)
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
