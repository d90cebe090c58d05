"""Membership.sort_key is the member's sort key, copied by ``Membership.save`` and passed on by ``Member.save`` when
a name changes (a bulk writer copies it itself: ``members.counts.sort_keys_copy``); rosters are ordered by it.
After every kind of write the copies equal the members' keys, and a roster read by cell (a ward's) and one read
across the table (a city's) agree."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from members import selectors, services
from members.counts import sort_keys_copy
from members.models import Member, Membership
from members.tests.factories import bulk_members, member
from party_units.models import Role, RoleKind, UnitKind
from party_units.tests.personas import make_unit, make_user

pytestmark = pytest.mark.django_db

D = datetime.date


def assert_copies_equal_the_members_keys() -> None:
    wrong = Membership.objects.exclude(sort_key=F("member__sort_key")).values_list("pk", "sort_key", "member__sort_key")
    assert list(wrong) == []
    assert not Membership.objects.filter(sort_key="").exists()


@pytest.fixture
def ward():
    ward = make_unit(None, "Đảng ủy phường Quyết Thắng", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    staff = make_user("canbo_phuong")
    Role.objects.create(user=staff, unit=ward, kind=RoleKind.WARD_STAFF)
    return ward, staff, make_unit(ward, "Chi bộ 1"), make_unit(ward, "Chi bộ 2")


def test_every_kind_of_write_keeps_the_copy_equal_to_the_members_key(ward):
    _ward, staff, a, b = ward
    first = services.member_create(actor=staff, cell=a, start_date=D(2020, 1, 1), full_name="Nguyễn Văn An")
    member("Trần Thị Bình", a)  # a plain save
    bulk_members([("Lê Văn Cường", a), ("Đỗ Thị Dung", b)])  # bulk_create
    assert_copies_equal_the_members_keys()

    services.member_transfer(actor=staff, member=first, to_unit=b, on_date=D(2024, 3, 1))  # update + insert
    services.membership_temporary_add(actor=staff, member=first, unit=a, start_date=D(2024, 4, 1))
    assert_copies_equal_the_members_keys()

    services.member_update(actor=staff, member=first, full_name="Nguyễn Văn Ấn")  # a corrected name
    assert Membership.objects.filter(member=first).values_list("sort_key", flat=True).distinct().get() == (
        Member.objects.get(pk=first.pk).sort_key
    )
    assert_copies_equal_the_members_keys()

    other = member("Phạm Văn Em")
    membership = Membership.objects.filter(member=first).first()
    membership.member = other  # a membership moved to another member (the admin can)
    membership.save()
    Membership.objects.filter(pk=membership.pk).update(sort_key="sai")  # written by hand, past the model
    Member.objects.filter(pk=other.pk).update(full_name="Phạm Văn Ém", sort_key="pham van em 2")  # and a name
    assert sort_keys_copy() == 1  # the bulk writer's copy puts both right
    assert_copies_equal_the_members_keys()


def test_a_ward_read_by_cell_and_a_city_read_in_name_order_give_the_same_pages(ward, monkeypatch, client_for):
    ward_unit, staff, a, b = ward
    names = [f"{family} Văn {given}" for family in ("Nguyễn", "Đặng", "Ưng") for given in ("An", "Ánh", "Đạt", "Yến")]
    bulk_members([(name, a if i % 3 else b) for i, name in enumerate(names)])
    size = selectors.roster_size(ward_unit)
    by_cell = selectors.roster_queryset(ward_unit, year=2025, cell_ids=selectors.roster_cells(ward_unit, size))
    across = selectors.roster_queryset(ward_unit, year=2025)
    assert selectors.roster_cells(ward_unit, size) is not None  # a small ward is read by cell
    monkeypatch.setattr(selectors, "ROSTER_GATHER_LIMIT", 0)
    assert selectors.roster_cells(ward_unit, size) is None  # a large one across the table
    expected = [m.full_name for m in Member.objects.order_by("sort_key", "id")]
    for start in range(0, len(names), 5):
        page = [row.member.full_name for row in selectors.roster_rows(by_cell, start, start + 5)]
        assert page == [row.member.full_name for row in selectors.roster_rows(across, start, start + 5)]
        assert page == expected[start : start + 5]

    from members import views

    monkeypatch.setattr(views, "ROSTER_PAGE_SIZE", 5)
    html = client_for(staff).get(reverse("members:roster", args=[ward_unit.pk]), {"trang": 2}).content.decode()
    shown = [name for name in expected if name in html]
    assert shown == expected[5:10]
