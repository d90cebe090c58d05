"""PartyUnit.official_members is kept by database triggers on the membership table: after every kind of write
(services, plain saves, bulk_create, queryset update and delete, cascades) it equals a full recount."""

import datetime

import pytest
from django.db.models import Count, Q

from members import services
from members.models import Member, Membership, MembershipKind
from members.tests.factories import bulk_members, member
from party_units.models import PartyUnit, UnitKind
from party_units.tests.personas import make_unit, make_user

pytestmark = pytest.mark.django_db

D = datetime.date


def recount() -> dict[int, int]:
    counted = Count("memberships", filter=Q(memberships__end_date__isnull=True, memberships__kind="official"))
    return dict(PartyUnit.objects.annotate(n=counted).values_list("pk", "n"))


def stored() -> dict[int, int]:
    return dict(PartyUnit.objects.values_list("pk", "official_members"))


def assert_counts(expected: dict) -> None:
    assert stored() == recount()
    for unit, n in expected.items():
        assert PartyUnit.objects.get(pk=unit.pk).official_members == n, unit.name


@pytest.fixture
def cells():
    ward = make_unit(None, "Đảng ủy phường Quyết Thắng", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    return ward, make_unit(ward, "Chi bộ 1"), make_unit(ward, "Chi bộ 2")


def test_every_kind_of_write_keeps_the_stored_count_equal_to_a_recount(cells):
    ward, a, b = cells
    staff = make_user("canbo_phuong")
    from party_units.models import Role, RoleKind

    Role.objects.create(user=staff, unit=ward, kind=RoleKind.WARD_STAFF)
    assert_counts({ward: 0, a: 0, b: 0})

    first = services.member_create(actor=staff, cell=a, start_date=D(2020, 1, 1), full_name="Nguyễn Văn An")
    member("Trần Thị Bình", a)
    assert_counts({a: 2, b: 0})

    services.member_transfer(actor=staff, member=first, to_unit=b, on_date=D(2024, 3, 1))  # update + insert
    assert_counts({a: 1, b: 1})

    temporary = services.membership_temporary_add(actor=staff, member=first, unit=a, start_date=D(2024, 4, 1))
    assert_counts({a: 1, b: 1})  # temporary activity is not counted
    services.membership_end(actor=staff, membership=temporary, end_date=D(2024, 5, 1))
    assert_counts({a: 1, b: 1})

    bulk_members([(f"Lê Văn Số {i}", b) for i in range(7)])  # one statement, seven rows
    assert_counts({a: 1, b: 8})

    Membership.objects.filter(unit=b, kind=MembershipKind.OFFICIAL).update(unit=a)  # one statement, many units
    assert_counts({a: 9, b: 0})
    Membership.objects.filter(unit=a).update(kind=MembershipKind.TEMPORARY)
    assert_counts({a: 0, b: 0})
    Membership.objects.filter(unit=a, end_date__isnull=True).update(kind=MembershipKind.OFFICIAL)
    assert_counts({a: 9, b: 0})
    Membership.objects.filter(member=first, kind=MembershipKind.TEMPORARY).update(end_date=None)
    assert_counts({a: 9, b: 0})

    Member.objects.filter(full_name__startswith="Lê Văn Số").delete()  # cascades to memberships
    assert_counts({a: 2, b: 0})
    Membership.objects.filter(member=first, unit=a).delete()
    assert_counts({a: 1, b: 0})
    assert ward.official_members == 0  # a committee holds none directly; pages sum its subtree


def test_the_migration_counts_existing_memberships(cells):
    """The migration's recount (run again here) gives what the triggers kept."""
    from importlib import import_module

    from django.db import connection

    _ward, a, _b = cells
    member("Phạm Văn Cường", a)
    PartyUnit.objects.update(official_members=0)
    with connection.cursor() as cursor:
        cursor.execute(import_module("members.migrations.0004_official_member_counts").RECOUNT)
    assert_counts({a: 1})


def test_saving_a_unit_read_earlier_keeps_the_count_the_triggers_keep(cells):
    _ward, a, _b = cells
    stale = PartyUnit.objects.get(pk=a.pk)  # read while the cell has no member
    member("Đỗ Thị Hoa", a)
    stale.name = "Chi bộ 1 (đổi tên)"
    stale.save()
    assert_counts({a: 1})
    assert PartyUnit.objects.get(pk=a.pk).name == "Chi bộ 1 (đổi tên)"
