"""The demo members follow the brief: the 19 of Chi bộ Trường Tiểu học Mạc Đĩnh Chi and the 2025 cases."""

import datetime

import pytest
from django.core.management import call_command

from members.models import Member, MembershipKind, StatusKind
from members.selectors import facts_for_period, roster
from party_units.models import PartyUnit

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    return PartyUnit.objects.get(name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi")


def test_mac_dinh_chi_has_19_members_with_its_secretary_and_deputy(demo):
    rows = roster(demo, year=2025)
    assert len(rows) == 19
    posts = {r.member.full_name: r.member.party_post for r in rows}
    assert posts["Lê Thị Hằng"] == "secretary" and "deputy_secretary" in posts.values()
    assert Member.objects.get(user__username="bithu").full_name == "Lê Thị Hằng"
    assert Member.objects.get(user__username="dangvien").memberships.get().unit == demo


def test_the_2025_cases_are_there(demo):
    members = Member.objects.filter(memberships__unit=demo, memberships__end_date__isnull=True)
    facts = {f.member_id: f for f in facts_for_period(members, D(2025, 1, 1), D(2025, 12, 31)).values()}
    by_name = {m.full_name: facts[m.pk] for m in members}
    transferred = by_name["Mai Thị Ánh"]
    assert [s.unit_id for s in transferred.official][-1] == demo.pk and len(transferred.official) == 2
    assert transferred.official_days_by_unit()[demo.pk] == 214
    assert by_name["Hoàng Thị Lan"].exempted
    (discipline,) = by_name["Bùi Văn Dũng"].disciplines
    assert discipline.level == "reprimand" and discipline.decision_ref
    assert by_name["Tạ Thị Ngân"].admitted_on > D(2025, 6, 30) and by_name["Tạ Thị Ngân"].probationary_at_end
    assert D(2025, 1, 1) <= by_name["Cao Thị Loan"].admitted_on < D(2025, 6, 30)
    assert by_name["Đặng Thị Thu Hà"].maternity_leave and by_name["Trịnh Thị Thúy"].sick_leave_months >= 3


def test_every_demo_cell_has_members_and_there_is_a_temporary_activity(demo):
    empty = PartyUnit.objects.cells().exclude(memberships__end_date__isnull=True)
    assert not empty.exists()
    assert Member.objects.filter(memberships__kind=MembershipKind.TEMPORARY).count() == 1
    assert Member.objects.filter(statuses__kind=StatusKind.DISCIPLINED).count() == 1


def test_19_members_were_in_the_cell_and_rated_at_the_2021_meeting(demo):
    """The 2021 article: 19 members met on 16/11/2021 and 04/19 + 15/19 were proposed; three have since left."""
    from appraisal.models import ReviewCycle
    from appraisal.selectors.eligibility import cell_eligibility
    from members.models import Membership

    meeting = D(2021, 11, 16)
    then = Membership.objects.official().filter(unit=demo).overlapping(meeting, meeting)
    assert then.values("member").distinct().count() == 19

    cycle = ReviewCycle.objects.get(issuing_unit__name="Đảng ủy phường Quyết Thắng", year=2021)
    assert cycle.rule_set == "hd21-2019"
    table = cell_eligibility(demo, cycle)
    assert len(table.rows) == 19 and table.rated == 19 and table.reviewing == 19
    assert not table.leavers and not table.guests
    rated_then = {row.member.pk for row in table.rows}
    assert rated_then == set(then.values_list("member_id", flat=True))

    # Three of them have since been transferred to other cells of the ward; today's roster is still 19.
    still_here = Membership.objects.filter(unit=demo, end_date=None).values("member_id")
    left = Member.objects.filter(pk__in=rated_then).exclude(pk__in=still_here)
    assert left.count() == 3
    for member in left:
        last = member.memberships.official().get(end_date=None)
        assert last.unit != demo and last.unit.parent == demo.parent and last.start_date.year in (2022, 2023, 2024)
    assert len(roster(demo, year=2025)) == 19
