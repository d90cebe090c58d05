"""Services: transfers and their rights, temporary activity, statuses — refused changes leave no trace."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from members import services
from members.models import MembershipKind, MemberStatus, StatusKind

pytestmark = pytest.mark.django_db
D = datetime.date


def test_transfer_out_of_the_ward_is_done_by_staff_above_both(personas):
    m = personas.member_record_a1
    with pytest.raises(PermissionDenied):
        services.member_transfer(actor=personas.staff_a, member=m, to_unit=personas.cell_b1, on_date=D(2025, 6, 1))
    with pytest.raises(PermissionDenied):
        services.member_transfer(actor=personas.staff_b, member=m, to_unit=personas.cell_b1, on_date=D(2025, 6, 1))
    assert m.memberships.count() == 1 and not AuditEntry.objects.exists()
    services.member_transfer(actor=personas.higher, member=m, to_unit=personas.cell_b1, on_date=D(2025, 6, 1))
    assert list(m.memberships.order_by("start_date").values_list("unit_id", "end_date")) == [
        (personas.cell_a1.pk, D(2025, 5, 31)),
        (personas.cell_b1.pk, None),
    ]


def test_two_transfers_keep_the_whole_history(personas):
    m = personas.member_record_a1
    services.member_transfer(actor=personas.staff_a, member=m, to_unit=personas.cell_a2, on_date=D(2024, 3, 1))
    services.member_transfer(actor=personas.staff_a, member=m, to_unit=personas.cell_a1, on_date=D(2025, 9, 1))
    history = list(m.memberships.order_by("start_date").values_list("unit_id", "start_date", "end_date"))
    assert history == [
        (personas.cell_a1.pk, D(2015, 1, 1), D(2024, 2, 29)),
        (personas.cell_a2.pk, D(2024, 3, 1), D(2025, 8, 31)),
        (personas.cell_a1.pk, D(2025, 9, 1), None),
    ]
    assert AuditEntry.objects.filter(action="member.transferred").count() == 2


@pytest.mark.parametrize(
    "to,on,field",
    [
        ("cell_a1", D(2025, 6, 1), "to_unit"),
        ("cell_a2", D(2015, 1, 1), "on_date"),
        ("ward_a", D(2025, 6, 1), "to_unit"),
    ],
)
def test_transfer_is_refused_to_the_same_cell_a_committee_or_too_early(personas, to, on, field):
    m = personas.member_record_a1
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(actor=personas.staff_a, member=m, to_unit=getattr(personas, to), on_date=on)
    assert field in exc.value.error_dict
    assert m.memberships.count() == 1 and not AuditEntry.objects.exists()


def test_temporary_activity_cannot_overlap_in_the_same_cell_nor_be_in_the_official_cell(personas):
    m = personas.member_record_a1
    kwargs = {"actor": personas.staff_a, "member": m, "unit": personas.cell_a2}
    services.membership_temporary_add(**kwargs, start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
    with pytest.raises(ValidationError):
        services.membership_temporary_add(**kwargs, start_date=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.membership_temporary_add(**{**kwargs, "unit": personas.cell_a1}, start_date=D(2025, 7, 1))
    assert m.memberships.filter(kind=MembershipKind.TEMPORARY).count() == 1


def test_an_official_membership_is_not_ended_directly(personas):
    official = personas.member_record_a1.memberships.get()
    with pytest.raises(ValidationError):
        services.membership_end(actor=personas.staff_a, membership=official, end_date=D(2025, 1, 1))


@pytest.mark.parametrize(
    "kind,extra,field",
    [
        (StatusKind.DISCIPLINED, {}, "discipline_level"),
        (StatusKind.DISCIPLINED, {"discipline_level": "warning", "end_date": D(2025, 5, 1)}, "end_date"),
        (StatusKind.SICK_LEAVE, {}, "months"),
        (StatusKind.SICK_LEAVE, {"months": Decimal(0)}, "months"),
        (StatusKind.EXEMPTED, {"end_date": D(2024, 1, 1)}, "end_date"),
    ],
)
def test_status_rules(personas, kind, extra, field):
    with pytest.raises(ValidationError) as exc:
        services.status_add(
            actor=personas.sec_a1, member=personas.member_record_a1, kind=kind, start_date=D(2025, 1, 1), **extra
        )
    assert field in exc.value.error_dict
    assert not MemberStatus.objects.exists()


def test_a_member_account_cannot_record_statuses_on_itself(personas):
    with pytest.raises(PermissionDenied):
        services.status_add(
            actor=personas.member_a1, member=personas.member_record_a1, kind="exempted", start_date=D(2025, 1, 1)
        )
