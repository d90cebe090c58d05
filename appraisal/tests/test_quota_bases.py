"""The excellent quota at the committee's decision, over each base: the whole ward (2019 guidance), groups of
similar subjects (from 2023; by default by self-review form, organisations by kind, or the committee's own
groups), and the raised ratio of 2025 — with refusal and the recorded exception."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal.models import QuotaRaise, Rating, UnitReview, UnitReviewState
from appraisal.rules import Subject, get_rule_set
from appraisal.selectors.quota import quota_base, tallies
from appraisal.services import (
    proposals_approve,
    quota_group_define,
    quota_raise_record,
)
from audit.models import AuditEntry
from party_units.tests.personas import make_unit

from .factories import cycle as make_cycle
from .factories import propose

pytestmark = pytest.mark.django_db
E, G, C = "htxsnv", "httnv", "htnv"


def review_of(cycle, unit):
    return UnitReview.objects.select_related("unit", "cycle").get(root_id=cycle.root_id_or_self, unit=unit)


def cell_with(cycle, ward, name, levels, **kw):
    cell = make_unit(ward, name)
    UnitReview.objects.create(root=cycle, cycle=cycle, unit=cell)
    return propose(review_of(cycle, cell), levels=levels, **kw)


@pytest.fixture
def ward_2021(personas):
    return make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)


def test_2021_the_cell_with_4_excellent_of_15_good_is_refused_alone(personas, ward_2021):
    review = propose(review_of(ward_2021, personas.cell_a1), levels=[E] * 4 + [G] * 15)
    with pytest.raises(ValidationError, match="Vượt tỷ lệ 20%: 4/15"):
        proposals_approve(actor=personas.staff_a, review=review)
    assert not Rating.objects.exclude(decided_level="").exists()


def test_2021_the_same_cell_is_legitimate_because_the_ward_counts_its_other_cells(personas, ward_2021):
    review = propose(review_of(ward_2021, personas.cell_a1), levels=[E] * 4 + [G] * 15)
    propose(review_of(ward_2021, personas.cell_a2), levels=[G] * 6)  # pending proposals count as proposed
    groups = {g.name: g for g in tallies(root_id=ward_2021.pk, base=personas.ward_a, rules=ward_2021.rules())}
    members = groups["Đảng viên"]
    assert (members.effective[E], members.effective[G], members.allowed, members.ok) == (4, 21, 4, True)
    proposals_approve(actor=personas.staff_a, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    assert Rating.objects.filter(unit_review=review, decided_level=E).count() == 4


def test_counts_show_proposed_and_decided_separately(personas, ward_2021):
    first = propose(review_of(ward_2021, personas.cell_a1), levels=[E, G, G, G, G, G])
    propose(review_of(ward_2021, personas.cell_a2), levels=[G] * 5)
    target = Rating.objects.get(unit_review=first, subject=Subject.MEMBER, proposed_level=E)
    proposals_approve(actor=personas.staff_a, review=first, decisions={target.pk: _decision(G, "Chưa tiêu biểu")})
    members = {g.name: g for g in tallies(root_id=ward_2021.pk, base=personas.ward_a, rules=ward_2021.rules())}[
        "Đảng viên"
    ]
    assert (members.proposed[E], members.proposed[G]) == (1, 10)
    assert (members.decided[E], members.decided[G]) == (0, 6)
    assert (members.effective[E], members.effective[G]) == (0, 11)


def _decision(level, reason=""):
    from appraisal.services import Decision

    return Decision(level, reason)


def test_the_exception_path_records_the_reason_on_the_excellent_ratings_and_in_the_audit_log(personas, ward_2021):
    review = propose(review_of(ward_2021, personas.cell_a1), levels=[E, E, G, G, G])
    proposals_approve(
        actor=personas.staff_a, review=review, quota_exception_reason="Hai đồng chí đạt giải thưởng cấp thành phố"
    )
    excellent = Rating.objects.filter(unit_review=review, decided_level=E)
    assert excellent.count() == 2
    assert {r.quota_exception_reason for r in excellent} == {"Hai đồng chí đạt giải thưởng cấp thành phố"}
    assert not Rating.objects.filter(unit_review=review, decided_level=G).exclude(quota_exception_reason="").exists()
    assert AuditEntry.objects.filter(action="rating.quota_exception").count() == 2


def test_a_decision_that_only_adds_good_ratings_is_not_blocked_by_others_excess(personas, ward_2021):
    over = propose(review_of(ward_2021, personas.cell_a1), levels=[E, E, G])
    proposals_approve(actor=personas.staff_a, review=over, quota_exception_reason="Ngoại lệ đã được thống nhất")
    plain = propose(review_of(ward_2021, personas.cell_a2), levels=[G, G])
    proposals_approve(actor=personas.staff_a, review=plain)


def test_the_quota_of_a_wards_own_rating_is_counted_over_the_wards_of_the_district(personas, ward_2021):
    ward_review = propose(review_of(ward_2021, personas.ward_a), levels=[G], unit_level=E)
    assert quota_base(ward_review) == personas.city
    with pytest.raises(ValidationError, match="Tổ chức đảng"):
        proposals_approve(actor=personas.higher, review=ward_review)


# -- 2023: groups of similar subjects ------------------------------------------------------------------------


@pytest.fixture
def ward_2023(personas):
    return make_cycle(personas.ward_a, year=2023, rule_set="hd25-2023", opened=True)


def test_2023_members_are_grouped_by_their_self_review_form(personas, ward_2023):
    # 02A: 1 excellent of 5 good (ok); 02B: 1 excellent of 2 good (over): counted apart, 02B is refused.
    propose(review_of(ward_2023, personas.cell_a2), levels=[E] + [G] * 5, form_code="02A")
    leaders = propose(review_of(ward_2023, personas.cell_a1), levels=[E, G, G], form_code="02B")
    groups = {g.name: g for g in tallies(root_id=ward_2023.pk, base=personas.ward_a, rules=ward_2023.rules())}
    assert groups["Đảng viên – Mẫu 02A"].ok and not groups["Đảng viên – Mẫu 02B"].ok
    with pytest.raises(ValidationError, match="Đảng viên – Mẫu 02B"):
        proposals_approve(actor=personas.staff_a, review=leaders)


def test_2023_organisations_are_grouped_by_kind(personas, ward_2023):
    propose(review_of(ward_2023, personas.cell_a1), levels=[G], unit_level=G)
    groups = {g.name for g in tallies(root_id=ward_2023.pk, base=personas.ward_a, rules=ward_2023.rules())}
    assert groups == {"Đảng viên – Mẫu 02A", "Tổ chức đảng – chi bộ"}


def test_2023_a_group_the_committee_defines_counts_its_forms_together(personas, ward_2023):
    propose(review_of(ward_2023, personas.cell_a2), levels=[G] * 5, form_code="02A")
    leaders = propose(review_of(ward_2023, personas.cell_a1), levels=[E, G, G], form_code="02B")
    quota_group_define(
        actor=personas.staff_a,
        root=ward_2023,
        committee=personas.ward_a,
        subject=Subject.MEMBER,
        name="Toàn thể đảng viên",
        codes=["02A", "02B"],
    )
    groups = {g.name: g for g in tallies(root_id=ward_2023.pk, base=personas.ward_a, rules=ward_2023.rules())}
    assert (groups["Toàn thể đảng viên"].effective[E], groups["Toàn thể đảng viên"].effective[G]) == (1, 7)
    proposals_approve(actor=personas.staff_a, review=leaders)
    assert AuditEntry.objects.filter(action="quota_group.defined").count() == 1


def test_defining_groups_is_checked(personas, ward_2023):
    kwargs = {"root": ward_2023, "committee": personas.ward_a, "subject": Subject.MEMBER}
    with pytest.raises(PermissionDenied):
        quota_group_define(actor=personas.sec_a1, name="Nhóm", codes=["02A"], **kwargs)
    with pytest.raises(ValidationError):
        quota_group_define(actor=personas.staff_a, name="", codes=["02A"], **kwargs)
    quota_group_define(actor=personas.staff_a, name="Nhóm 1", codes=["02A"], **kwargs)
    with pytest.raises(ValidationError, match="đã thuộc nhóm «Nhóm 1»"):
        quota_group_define(actor=personas.staff_a, name="Nhóm 2", codes=["02A", "02B"], **kwargs)


def test_2019_ignores_groups_and_counts_the_whole_ward(personas, ward_2021):
    propose(review_of(ward_2021, personas.cell_a1), levels=[E, G], form_code="02-HD KĐ.ĐG 2019")
    groups = tallies(root_id=ward_2021.pk, base=personas.ward_a, rules=get_rule_set("hd21-2019"))
    assert [g.name for g in groups] == ["Đảng viên", "Tổ chức đảng"]


# -- 2025: the raised ratio ----------------------------------------------------------------------------------


@pytest.fixture
def ward_2025(personas):
    return make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)


def test_2025_five_excellent_of_twenty_good_need_the_recorded_raise(personas, ward_2025):
    review = propose(review_of(ward_2025, personas.cell_a1), levels=[E] * 5 + [G] * 20, form_code="2B")
    with pytest.raises(ValidationError, match="Vượt tỷ lệ 20%"):
        proposals_approve(actor=personas.staff_a, review=review)
    with pytest.raises(ValidationError, match="nêu lý do"):
        quota_raise_record(actor=personas.staff_a, root=ward_2025, unit=personas.ward_a, reason=" ")
    with pytest.raises(PermissionDenied):
        quota_raise_record(actor=personas.sec_a1, root=ward_2025, unit=personas.ward_a, reason="Nổi bật")
    quota_raise_record(
        actor=personas.staff_a, root=ward_2025, unit=personas.ward_a, reason="Phường dẫn đầu phong trào thi đua"
    )
    entry = AuditEntry.objects.get(action="quota.raised")
    assert entry.after["ratio"] == "0.25" and entry.after["reason"] == "Phường dẫn đầu phong trào thi đua"
    groups = tallies(root_id=ward_2025.pk, base=personas.ward_a, rules=ward_2025.rules())
    members = next(g for g in groups if g.name == "Đảng viên – Mẫu 2B")
    assert (members.raised, members.allowed, members.ok) == (True, 5, True)
    proposals_approve(actor=personas.staff_a, review=review)
    with pytest.raises(ValidationError, match="đã được nâng"):
        quota_raise_record(actor=personas.staff_a, root=ward_2025, unit=personas.ward_a, reason="Lần nữa")


def test_2025_six_excellent_of_twenty_good_exceed_even_the_raised_ratio(personas, ward_2025):
    QuotaRaise.objects.create(root=ward_2025, unit=personas.ward_a, reason="Nổi bật")
    review = propose(review_of(ward_2025, personas.cell_a1), levels=[E] * 6 + [G] * 20, form_code="2B")
    with pytest.raises(ValidationError, match="Vượt tỷ lệ 25%"):
        proposals_approve(actor=personas.staff_a, review=review)


@pytest.mark.parametrize("code, year", [("hd21-2019", 2021), ("hd25-2023", 2023)])
def test_the_ratio_cannot_be_raised_before_2025(personas, code, year):
    cycle = make_cycle(personas.ward_a, year=year, rule_set=code, opened=True)
    with pytest.raises(ValidationError, match="không được nâng tỷ lệ"):
        quota_raise_record(actor=personas.staff_a, root=cycle, unit=personas.ward_a, reason="Nổi bật")
    assert not QuotaRaise.objects.exists()


def test_tallies_take_the_same_number_of_queries_for_more_cells_and_members(
    personas, ward_2021, django_assert_max_num_queries
):
    review = propose(review_of(ward_2021, personas.cell_a1), levels=[G, G])
    ratings = list(review.ratings.all())
    for extra in (1, 6):
        for i in range(extra):
            cell_with(ward_2021, personas.ward_a, f"Chi bộ thêm {extra}-{i}", [G] * 4 + [E])
        with django_assert_max_num_queries(4):
            tallies(
                root_id=ward_2021.pk,
                base=personas.ward_a,
                rules=ward_2021.rules(),
                deciding=review,
                deciding_ratings=ratings,
            )


def test_a_closed_cycle_refuses_a_raise_and_a_group(personas, ward_2025):
    from appraisal.models import CycleState

    ward_2025.state = CycleState.CLOSED
    ward_2025.save()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        quota_raise_record(actor=personas.staff_a, root=ward_2025, unit=personas.ward_a, reason="Nổi bật")
    with pytest.raises(ValidationError, match="đã kết thúc"):
        quota_group_define(
            actor=personas.staff_a,
            root=ward_2025,
            committee=personas.ward_a,
            subject=Subject.MEMBER,
            name="Nhóm",
            codes=["2A"],
        )
