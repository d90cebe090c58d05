"""The cast every test reuses: a city over two wards, cells under each, the people who work on them.

city (Thành ủy)                       higher   — higher-committee staff on the city
├── ward_a (Đảng ủy phường A)         staff_a  — ward staff
│   ├── cell_a1 (Chi bộ A1)           sec_a1   — secretary;  member_a1 (account, member record), + 2 members
│   └── cell_a2 (Chi bộ A2)           sec_a2   — secretary;  2 members
└── ward_b (Đảng ủy phường B)         staff_b
    └── cell_b1 (Chi bộ B1)           sec_b1   — secretary;  member_b1 (account), + 1 member
outsider: an account with no role and no member record; superuser: admin.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from members.models import Member, Membership
from party_units.models import PartyUnit, Role, RoleKind, UnitKind

PASSWORD = "kiemdiem"


@dataclass
class Personas:
    city: PartyUnit
    ward_a: PartyUnit
    ward_b: PartyUnit
    cell_a1: PartyUnit
    cell_a2: PartyUnit
    cell_b1: PartyUnit
    higher: object
    staff_a: object
    staff_b: object
    sec_a1: object
    sec_a2: object
    sec_b1: object
    member_a1: object
    member_b1: object
    outsider: object
    superuser: object
    member_record_a1: Member
    member_record_b1: Member

    def all_users(self) -> dict[str, object]:
        names = [
            "higher",
            "staff_a",
            "staff_b",
            "sec_a1",
            "sec_a2",
            "sec_b1",
            "member_a1",
            "member_b1",
            "outsider",
            "superuser",
        ]
        return {name: getattr(self, name) for name in names}


def make_unit(parent, name, kind=UnitKind.CELL, level="Chi bộ", abbr="CB") -> PartyUnit:
    return PartyUnit.objects.create(
        parent=parent, name=name, short_name=name, kind=kind, level_label=level, abbreviation=abbr, place_name="Phường"
    )


def make_user(username, **extra):
    user = get_user_model()(username=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_member(name, cell, *, user=None, start=datetime.date(2015, 1, 1), **fields) -> Member:
    fields.setdefault("admitted_on", datetime.date(2010, 5, 19))
    fields.setdefault("full_member_on", datetime.date(2011, 5, 19))
    member = Member.objects.create(full_name=name, user=user, **fields)
    Membership.objects.create(member=member, unit=cell, start_date=start)
    return member


def build() -> Personas:
    city = make_unit(None, "Thành ủy Thử nghiệm", UnitKind.COMMITTEE, "Thành ủy", "TU")
    ward_a = make_unit(city, "Đảng ủy phường A", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    ward_b = make_unit(city, "Đảng ủy phường B", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    cell_a1 = make_unit(ward_a, "Chi bộ A1")
    cell_a2 = make_unit(ward_a, "Chi bộ A2")
    cell_b1 = make_unit(ward_b, "Chi bộ B1")
    users = {
        name: make_user(name)
        for name in ["higher", "staff_a", "staff_b", "sec_a1", "sec_a2", "sec_b1", "member_a1", "member_b1", "outsider"]
    }
    users["superuser"] = make_user("superuser", is_superuser=True, is_staff=True)
    for user, unit, kind in [
        ("higher", city, RoleKind.HIGHER_STAFF),
        ("staff_a", ward_a, RoleKind.WARD_STAFF),
        ("staff_b", ward_b, RoleKind.WARD_STAFF),
        ("sec_a1", cell_a1, RoleKind.SECRETARY),
        ("sec_a2", cell_a2, RoleKind.SECRETARY),
        ("sec_b1", cell_b1, RoleKind.SECRETARY),
    ]:
        Role.objects.create(user=users[user], unit=unit, kind=kind)
    record_a1 = make_member("Nguyễn Văn An", cell_a1, user=users["member_a1"])
    make_member("Trần Thị Bình", cell_a1)
    make_member("Lê Văn Cường", cell_a1)
    make_member("Phạm Thị Dung", cell_a2)
    make_member("Hoàng Văn Em", cell_a2)
    record_b1 = make_member("Vũ Thị Giang", cell_b1, user=users["member_b1"])
    make_member("Đặng Văn Hải", cell_b1)
    return Personas(
        city=city,
        ward_a=ward_a,
        ward_b=ward_b,
        cell_a1=cell_a1,
        cell_a2=cell_a2,
        cell_b1=cell_b1,
        member_record_a1=record_a1,
        member_record_b1=record_b1,
        **users,
    )
