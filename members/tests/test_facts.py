"""facts_for_period: the inputs the review cycles' rule sets read."""

import datetime
from decimal import Decimal

import pytest

from members.models import DisciplineLevel, Member, StatusKind
from members.selectors import facts_for_period

pytestmark = pytest.mark.django_db
D = datetime.date
Y2025 = (D(2025, 1, 1), D(2025, 12, 31))


def test_transfer_mid_year_gives_days_in_each_cell(personas, make):
    m = make.member("Ngô Thị Lan", personas.cell_a1, start=D(2018, 3, 1), end=D(2025, 5, 31))
    make.membership(m, personas.cell_a2, D(2025, 6, 1))
    facts = facts_for_period([m], *Y2025)[m.pk]
    assert [s.unit_id for s in facts.official] == [personas.cell_a1.pk, personas.cell_a2.pk]
    assert facts.official_days_by_unit() == {personas.cell_a1.pk: 151, personas.cell_a2.pk: 214}
    assert facts.official_unit_id_at_end == personas.cell_a2.pk


def test_temporary_activity_is_listed_apart_from_the_official_cell(personas, make):
    m = make.member("Ngô Thị Lan", personas.cell_a1)
    make.temporary(m, personas.cell_b1, D(2025, 9, 1), D(2025, 10, 31))
    facts = facts_for_period([m.pk], *Y2025)[m.pk]
    assert [(s.unit_id, s.days_in_period) for s in facts.temporary] == [(personas.cell_b1.pk, 61)]
    assert facts.official_unit_id_at_end == personas.cell_a1.pk


def test_statuses_count_only_when_they_touch_the_period(personas, make):
    m = make.member("Ngô Thị Lan", personas.cell_a1)
    make.status(m, StatusKind.EXEMPTED, D(2020, 1, 1), D(2024, 12, 31))
    make.status(m, StatusKind.SUSPENDED, D(2025, 12, 31))
    make.status(m, StatusKind.MATERNITY_LEAVE, D(2025, 3, 1), D(2025, 8, 31))
    facts = facts_for_period([m], *Y2025)[m.pk]
    assert (facts.exempted, facts.suspended, facts.maternity_leave) == (False, True, True)
    assert facts_for_period([m], D(2024, 1, 1), D(2024, 12, 31))[m.pk].exempted is True


def test_disciplines_are_those_decided_in_the_period(personas, make):
    m = make.member("Ngô Thị Lan", personas.cell_a1)
    make.status(m, StatusKind.DISCIPLINED, D(2024, 11, 1), discipline_level=DisciplineLevel.WARNING)
    make.status(
        m,
        StatusKind.DISCIPLINED,
        D(2025, 4, 2),
        discipline_level=DisciplineLevel.REPRIMAND,
        decision_ref="12-QĐ/ĐU",
        self_detected=True,
        duty_related=False,
    )
    (d,) = facts_for_period([m], *Y2025)[m.pk].disciplines
    assert (d.level, d.severity, d.decided_on, d.decision_ref) == ("reprimand", 1, D(2025, 4, 2), "12-QĐ/ĐU")
    assert d.self_detected is True and d.duty_related is False


def test_sick_leave_months_are_spread_over_the_leave_dates(personas, make):
    m = make.member("Ngô Thị Lan", personas.cell_a1)
    # 4 months recorded from 01/11/2024 to 28/02/2025: 59 of its 120 days fall in 2025.
    make.status(m, StatusKind.SICK_LEAVE, D(2024, 11, 1), D(2025, 2, 28), months=Decimal(4))
    # 3.5 months with no end date from 01/10/2025: 92 of its 106 days fall in 2025.
    make.status(m, StatusKind.SICK_LEAVE, D(2025, 10, 1), months=Decimal("3.5"))
    facts = facts_for_period([m], *Y2025)[m.pk]
    assert facts.sick_leave_months == Decimal("2.0") + Decimal("3.0")


def test_probation_and_posts_come_from_the_record(personas, make):
    m = make.member(
        "Ngô Thị Lan",
        personas.cell_a1,
        admitted_on=D(2025, 9, 15),
        full_member_on=None,
        holds_leadership_post=True,
        in_political_system=False,
    )
    facts = facts_for_period(Member.objects.filter(pk=m.pk), *Y2025)[m.pk]
    assert facts.probationary_at_end and facts.admitted_on == D(2025, 9, 15)
    assert facts.holds_leadership_post and not facts.in_political_system
    assert facts.memberships[0].days_in_period == 365


def test_members_without_facts_still_get_an_entry(personas):
    facts = facts_for_period([personas.member_record_a1], D(2009, 1, 1), D(2009, 12, 31))
    f = facts[personas.member_record_a1.pk]
    assert f.memberships == () and f.disciplines == () and f.sick_leave_months == 0


def test_query_count_does_not_grow_with_members(personas, make, django_assert_num_queries):
    for i in range(30):
        m = make.member(f"Thành Viên {i}", personas.cell_a1)
        make.status(m, StatusKind.DISCIPLINED, D(2025, 2, 1))
    with django_assert_num_queries(3):
        facts = facts_for_period(Member.objects.all(), *Y2025)
    assert len(facts) == Member.objects.count()
    ids = list(Member.objects.values_list("pk", flat=True))
    with django_assert_num_queries(3):
        facts_for_period(ids, *Y2025)


def test_an_inverted_period_is_refused():
    with pytest.raises(ValueError):
        facts_for_period([], D(2025, 2, 1), D(2025, 1, 1))
