"""Each unit's stored count of official members (``members.UnitMemberCount``) is kept in Python by the code that
writes memberships: the services and every single-row write (``Membership.save``/``delete``, ``Member.delete``)
in the same transaction; a bulk writer (``bulk_create``, queryset ``update``/``delete``) counts the units it
touched again (``members.counts.unit_counts_refresh``). After every kind of write it equals a full recount."""

import datetime

import pytest
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from members import services
from members.counts import member_counts_rebuild, unit_counts_refresh
from members.models import Member, Membership, MembershipKind, UnitMemberCount
from members.tests.factories import bulk_members, member
from party_units.models import PartyUnit, Role, RoleKind, UnitKind
from party_units.tests.personas import make_unit, make_user

pytestmark = pytest.mark.django_db

D = datetime.date


def recount() -> dict[int, int]:
    counted = Count("memberships", filter=Q(memberships__end_date__isnull=True, memberships__kind="official"))
    return dict(PartyUnit.objects.annotate(n=counted).values_list("pk", "n"))


def stored() -> dict[int, int]:
    return dict(PartyUnit.objects.annotate(n=Coalesce(F("member_count__official_members"), 0)).values_list("pk", "n"))


def children_recount() -> dict[int, int]:
    counted = Count(
        "children__memberships",
        filter=Q(children__memberships__end_date__isnull=True, children__memberships__kind="official"),
    )
    return {pk: n for pk, n in PartyUnit.objects.annotate(n=counted).values_list("pk", "n") if n}


def children_stored() -> dict[int, int]:
    return dict(UnitMemberCount.objects.filter(children_members__gt=0).values_list("unit_id", "children_members"))


def assert_counts(expected: dict) -> None:
    assert stored() == recount()
    assert children_stored() == children_recount()  # a committee's count of its cells' members
    for unit, n in expected.items():
        assert stored()[unit.pk] == n, unit.name


@pytest.fixture
def cells():
    ward = make_unit(None, "Đảng ủy phường Quyết Thắng", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    return ward, make_unit(ward, "Chi bộ 1"), make_unit(ward, "Chi bộ 2")


def test_every_kind_of_write_keeps_the_stored_count_equal_to_a_recount(cells):
    ward, a, b = cells
    staff = make_user("canbo_phuong")
    Role.objects.create(user=staff, unit=ward, kind=RoleKind.WARD_STAFF)
    assert_counts({ward: 0, a: 0, b: 0})

    first = services.member_create(actor=staff, cell=a, start_date=D(2020, 1, 1), full_name="Nguyễn Văn An")
    member("Trần Thị Bình", a)  # a plain save
    assert_counts({a: 2, b: 0})

    services.member_transfer(actor=staff, member=first, to_unit=b, on_date=D(2024, 3, 1))  # update + insert
    assert_counts({a: 1, b: 1})

    temporary = services.membership_temporary_add(actor=staff, member=first, unit=a, start_date=D(2024, 4, 1))
    assert_counts({a: 1, b: 1})  # temporary activity is not counted
    services.membership_end(actor=staff, membership=temporary, end_date=D(2024, 5, 1))
    assert_counts({a: 1, b: 1})

    bulk_members([(f"Lê Văn Số {i}", b) for i in range(7)])  # one statement, seven rows
    assert_counts({a: 1, b: 8})

    # Statements past the models: the bulk writer counts the units it touched again.
    Membership.objects.filter(unit=b, kind=MembershipKind.OFFICIAL).update(unit=a)  # one statement, many units
    unit_counts_refresh([a.pk, b.pk])
    assert_counts({a: 9, b: 0})
    Membership.objects.filter(unit=a).update(kind=MembershipKind.TEMPORARY)
    unit_counts_refresh([a.pk])
    assert_counts({a: 0, b: 0})
    Membership.objects.filter(unit=a, end_date__isnull=True).update(kind=MembershipKind.OFFICIAL)
    unit_counts_refresh([a.pk])
    assert_counts({a: 9, b: 0})
    Membership.objects.filter(member=first, kind=MembershipKind.TEMPORARY).update(end_date=None)
    unit_counts_refresh([a.pk])
    assert_counts({a: 9, b: 0})

    # Single rows through the models: a membership moved, closed, reopened, deleted; a member deleted.
    moved = Membership.objects.filter(unit=a, member__full_name="Lê Văn Số 0").get()
    moved.unit = b
    moved.save()
    assert_counts({a: 8, b: 1})
    moved.end_date = D(2025, 1, 1)
    moved.save(update_fields=["end_date"])
    assert_counts({a: 8, b: 0})
    moved.end_date = None
    moved.save()
    assert_counts({a: 8, b: 1})
    moved.delete()
    assert_counts({a: 8, b: 0})
    Member.objects.get(full_name="Lê Văn Số 1").delete()  # cascades to its memberships
    assert_counts({a: 7, b: 0})

    Member.objects.filter(full_name__startswith="Lê Văn Số").delete()  # a queryset delete: counted again
    unit_counts_refresh([a.pk])
    assert_counts({a: 2, b: 0})
    Membership.objects.filter(member=first, unit=a).delete()
    unit_counts_refresh([a.pk])
    assert_counts({a: 1, b: 0})
    assert not UnitMemberCount.objects.filter(unit=ward, official_members__gt=0).exists()  # pages sum a subtree


def test_a_rebuild_counts_existing_memberships(cells):
    """The full recount (after a bulk load, and what migration 0007 filled the table with) gives what the
    writes kept."""
    _ward, a, _b = cells
    member("Phạm Văn Cường", a)
    kept = stored()
    UnitMemberCount.objects.update(official_members=0)
    assert stored() != kept
    member_counts_rebuild()
    assert stored() == kept == recount()
    UnitMemberCount.objects.all().delete()
    member_counts_rebuild()
    assert_counts({a: 1})


def test_saving_a_unit_read_earlier_keeps_the_count(cells):
    _ward, a, _b = cells
    stale = PartyUnit.objects.get(pk=a.pk)  # read while the cell has no member
    member("Đỗ Thị Hoa", a)
    stale.name = "Chi bộ 1 (đổi tên)"
    stale.save()
    assert_counts({a: 1})
    assert PartyUnit.objects.get(pk=a.pk).name == "Chi bộ 1 (đổi tên)"


def test_no_trigger_is_left_on_the_members_tables(cells):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT trigger_name FROM information_schema.triggers WHERE event_object_table = ANY(%s)",
                [["members_membership", "members_member", "party_units_partyunit"]],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                "('members_membership', 'members_member', 'party_units_partyunit')"
            )
        assert cursor.fetchall() == []


def test_the_roster_import_leaves_the_counts_and_sort_keys_right(personas):
    """The import writes memberships in bulk (new members, transfers): it counts the cells it touched again."""
    from members.importing import import_members
    from members.tests.factories import HEADER, csv_bytes

    moved = personas.member_record_a1
    header = [*HEADER, "Sinh hoạt tại chi bộ từ ngày"]
    rows = [[moved.full_name, "", "", "", "", "", "", "", "Chi bộ A2", "01/06/2025"]]
    rows += [[f"Vũ Văn Nhập {i}", "01/01/1980", "", "", "", "", "", "", "Chi bộ A1", ""] for i in range(3)]
    before = stored()
    plan = import_members(csv_bytes(rows, header), "ds.csv", actor=personas.staff_a, unit=personas.ward_a)
    assert plan.is_valid, plan.rows
    a1, a2 = personas.cell_a1.pk, personas.cell_a2.pk
    assert stored() == recount()
    assert (stored()[a1], stored()[a2]) == (before[a1] - 1 + 3, before[a2] + 1)
    assert not Membership.objects.exclude(sort_key=F("member__sort_key")).exists()
