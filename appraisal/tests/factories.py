"""Builders for appraisal tests: documents, cycles, and a grown ward to pin query counts."""

from __future__ import annotations

import datetime

from members.models import Member, Membership, name_key
from party_units.models import PartyUnit, UnitKind
from party_units.tests.personas import make_unit

from ..models import GuidanceDocument, ReviewCycle
from ..services import cycle_create, cycle_open, document_create

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document(
    unit, code="163-CV/ĐU", issued_on=datetime.date(2021, 10, 28), summary="V/v Hướng dẫn kiểm điểm", actor=None, **kw
):
    return document_create(actor=actor, issuing_unit=unit, code=code, issued_on=issued_on, summary=summary, **kw)


def central(
    code="25-HD/BTCTW", issued_on=datetime.date(2023, 11, 10), summary="Hướng dẫn kiểm điểm"
) -> GuidanceDocument:
    return document(None, code=code, issued_on=issued_on, summary=summary)


def cycle(unit, *, year=2023, rule_set="hd25-2023", actor=None, opened=False, **kw) -> ReviewCycle:
    kw.setdefault("title", f"Kiểm điểm năm {year}")
    made = cycle_create(actor=actor, issuing_unit=unit, year=year, rule_set=rule_set, **kw)
    if opened:
        cycle_open(actor=actor, cycle=made)
    return made


def grow_ward(parent: PartyUnit, *, name="Phường lớn", cells: int, members_per_cell: int, start=None) -> PartyUnit:
    """A ward with `cells` cells of `members_per_cell` members each, written in bulk."""
    start = start or datetime.date(2015, 1, 1)
    ward = make_unit(parent, name, UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    cell_units = [make_unit(ward, f"{name} – Chi bộ {c + 1}") for c in range(cells)]
    members = []
    for c, _cell in enumerate(cell_units):
        for m in range(members_per_cell):
            full_name = f"Đảng viên {name} {c}-{m}"
            key = name_key(full_name)
            members.append(
                Member(
                    full_name=full_name,
                    name_key=key,
                    given_name=key.rsplit(" ", 1)[-1],
                    admitted_on=datetime.date(2010, 1, 1),
                    full_member_on=datetime.date(2011, 1, 1),
                )
            )
    Member.objects.bulk_create(members, batch_size=1000)
    created = list(Member.objects.filter(full_name__startswith=f"Đảng viên {name} ").order_by("id"))
    Membership.objects.bulk_create(
        [
            Membership(member=member, unit=cell_units[i // members_per_cell], start_date=start)
            for i, member in enumerate(created)
        ],
        batch_size=1000,
    )
    return ward
