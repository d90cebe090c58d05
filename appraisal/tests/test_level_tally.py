"""The decided-levels tally behind the summaries is kept in the decision's transaction and always equals a full
recount from the ratings: approvals, adjusted levels, reopenings, re-approvals, a returned unit, the seed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import LevelTally, UnitReview, UnitReviewState
from appraisal.rules import Subject
from appraisal.selectors.cycles import level_summary
from appraisal.services import Decision, proposals_approve, proposals_return, review_reopen
from appraisal.services.tallies import tally_current, tally_rebuild, tally_recount
from bench.scale import Seeder
from party_units.models import PartyUnit, UnitKind

from .factories import cycle as make_cycle
from .factories import propose

pytestmark = pytest.mark.django_db
E, G, C, N = "htxsnv", "httnv", "htnv", "khtnv"


def review_of(cycle, unit):
    return UnitReview.objects.select_related("unit", "cycle").get(root_id=cycle.root_id_or_self, unit=unit)


def test_the_tally_follows_approvals_reopenings_and_returns_and_equals_a_recount(personas):
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    root = cycle.pk
    a1 = propose(review_of(cycle, personas.cell_a1), levels=[G, G, C])
    a2 = propose(review_of(cycle, personas.cell_a2), levels=[G, E, N, G, G])
    assert tally_current(root) == tally_recount(root) == {}

    proposals_approve(actor=personas.staff_a, review=a1)
    ward = personas.ward_a.pk
    assert tally_current(root) == tally_recount(root)
    assert tally_current(root)[(ward, Subject.MEMBER.value, G)] == 2
    assert tally_current(root)[(ward, Subject.ORGANISATION.value, G)] == 1

    target = a2.ratings.get(subject=Subject.MEMBER, proposed_level=N)
    proposals_approve(actor=personas.staff_a, review=a2, decisions={target.pk: Decision(C, "Đã khắc phục.")})
    assert tally_current(root) == tally_recount(root)
    assert tally_current(root)[(ward, Subject.MEMBER.value, G)] == 5
    assert tally_current(root)[(ward, Subject.MEMBER.value, N)] == 0

    review_reopen(actor=personas.staff_a, review=a1, reason="Xem lại biên bản.")
    assert tally_current(root) == tally_recount(root)
    assert tally_current(root)[(ward, Subject.MEMBER.value, G)] == 3

    # The cell resubmits; the committee returns it once, then approves with one level adjusted.
    UnitReview.objects.filter(pk=a1.pk).update(state=UnitReviewState.SUBMITTED)
    a1 = review_of(cycle, personas.cell_a1)
    proposals_return(actor=personas.staff_a, review=a1, reason="Thiếu biên bản kiểm phiếu.")
    assert tally_current(root) == tally_recount(root)
    UnitReview.objects.filter(pk=a1.pk).update(state=UnitReviewState.RESUBMITTED)
    a1.refresh_from_db()
    one = a1.ratings.filter(subject=Subject.MEMBER).first()
    proposals_approve(actor=personas.staff_a, review=a1, decisions={one.pk: Decision(N, "Vi phạm kỷ luật.")})
    assert tally_current(root) == tally_recount(root)
    assert sum(n for (_c, s, _l), n in tally_current(root).items() if s == Subject.MEMBER.value) == (
        a1.ratings.filter(subject=Subject.MEMBER).count() + a2.ratings.filter(subject=Subject.MEMBER).count()
    )


def test_the_seed_builds_the_tally_and_later_decisions_keep_it_equal_to_a_recount(personas):
    seeder = Seeder(members=500, provinces=2, wards=3)
    seeder.run()
    root = seeder.cycle.pk
    assert tally_current(root) == tally_recount(root) != {}
    approved = UnitReview.objects.filter(root_id=root, state=UnitReviewState.APPROVED, unit__kind=UnitKind.CELL)
    review_reopen(actor=None, review=approved.first(), reason="Kiểm tra lại.")
    submitted = UnitReview.objects.filter(root_id=root, state=UnitReviewState.SUBMITTED).first()
    proposals_approve(actor=None, review=submitted, quota_exception_reason="Đơn vị có thành tích nổi bật.")
    assert tally_current(root) == tally_recount(root)
    # a rebuild changes nothing
    tally_rebuild(root)
    assert tally_current(root) == tally_recount(root)


def test_the_summary_counts_per_province_from_the_tally_in_constant_queries(django_assert_max_num_queries):
    seeder = Seeder(members=600, provinces=2, wards=4)
    seeder.run()
    root = PartyUnit.objects.get(depth=0)
    with django_assert_max_num_queries(2):
        summary = level_summary(seeder.cycle.pk, root)
        rows = [(b.unit.pk, b.member_total) for b in summary.branches]
    recount = tally_recount(seeder.cycle.pk)
    assert summary.member_total == sum(n for (_c, s, _l), n in recount.items() if s == Subject.MEMBER.value)
    assert [pk for pk, _ in rows] == list(
        PartyUnit.objects.filter(parent=root).order_by("path").values_list("pk", flat=True)
    )
    assert sum(total for _, total in rows) == summary.member_total
    assert LevelTally.objects.count() <= 4 * 4 * 2  # a few rows per ward, not one per rating


def test_summary_page_shows_counts_and_percentages_and_is_refused_to_others(
    personas, client_for, django_assert_max_num_queries
):
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    review = propose(review_of(cycle, personas.cell_a1), levels=[G, G, G, G, G, E, C, C, C, C])
    proposals_approve(actor=personas.staff_a, review=review)
    url = reverse("appraisal:level_summary", args=[cycle.pk, personas.ward_a.pk])
    client = client_for(personas.staff_a)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "10 đảng viên đã có quyết định xếp loại" in text
    assert "(50,00%)" in text and "(40,00%)" in text and "(10,00%)" in text  # good, completed, excellent
    assert client_for(personas.staff_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    cell_url = reverse("appraisal:level_summary", args=[cycle.pk, personas.cell_a1.pk])
    assert client_for(personas.staff_a).get(cell_url).status_code == 404


def test_the_summarys_percentages_are_written_as_floatformat_writes_them():
    from django.template.defaultfilters import floatformat
    from django.utils import translation
    from django.utils.formats import get_format

    from appraisal.selectors.cycles import percent_text

    values = [0.0, 100.0, 12.345, 2.675, 1.005, 33.33333333333333, 66.66666666666667, 99.995, 0.125]
    values += [100 * n / d for d in (3, 7, 13, 176, 588, 1701) for n in range(d + 1)]
    for language in ("vi", "en"):
        with translation.override(language):
            separator = get_format("DECIMAL_SEPARATOR")
            assert [percent_text(v, separator) for v in values] == [str(floatformat(v, 2)) for v in values]
