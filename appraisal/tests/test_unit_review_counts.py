"""A work item's counts (``UnitReviewCounts``: filed self-reviews, held meeting, proposed and decided levels per
kind of subject) are kept by the services that write the rows (``appraisal/services/tallies.py``, called by
``review_touch`` and ``review_transition``). After every service write (submit, return, resubmit a self-review;
save a meeting, change and remove proposals; submit, return, approve with an adjusted level, reopen) they equal
a recount made here in Python from the rows themselves; after writes past the services (bulk_create, queryset
update and delete, plain saves, cascades, the seed's bulk load) so they do once the writer has counted the items
it touched again (``counts_refresh``) or all of them (``counts_rebuild``). Runs on SQLite and, with
DATABASE_URL=postgres://…, on PostgreSQL; neither keeps a trigger for them."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from appraisal.models import (
    Rating,
    ReviewMeeting,
    SelfReview,
    SelfReviewState,
    UnitReview,
    UnitReviewCounts,
    UnitReviewState,
)
from appraisal.models.ratings import PERSON_SUBJECTS
from appraisal.models.tallies import COUNTERS, level_counter
from appraisal.rules import Subject
from appraisal.selectors import counts
from appraisal.selectors.self_reviews import member_form
from appraisal.services import (
    Decision,
    proposals_approve,
    proposals_return,
    review_reopen,
    self_review_return,
    self_review_save,
    self_review_submit,
)
from appraisal.services import meetings as meeting_services
from appraisal.services.tallies import (
    committee_counts_current,
    committee_counts_rebuild,
    counts_rebuild,
    counts_refresh,
)
from bench.scale import Seeder
from members.models import Member, Membership, MembershipKind
from members.tests.factories import member as make_member
from party_units.models import PartyUnit

from . import factories as f
from .test_meeting_checks import full_input

pytestmark = pytest.mark.django_db
D = datetime.date
E, G, C, N = "htxsnv", "httnv", "htnv", "khtnv"
FILED = (SelfReviewState.SUBMITTED, SelfReviewState.RESUBMITTED)


def recount() -> dict[int, Counter]:
    """Every work item's counters from its rows, counted in Python (not by the services' queries)."""
    found = {pk: Counter() for pk in UnitReview.objects.values_list("pk", flat=True)}
    for item, state in SelfReview.objects.values_list("unit_review_id", "state"):
        found[item]["filed_self_reviews"] += state in FILED
    for item, held_on in ReviewMeeting.objects.values_list("unit_review_id", "held_on"):
        found[item]["meetings_held"] += held_on is not None
    for item, subject, proposed, decided in Rating.objects.values_list(
        "unit_review_id", "subject", "proposed_level", "decided_level"
    ):
        kind = "people" if subject in PERSON_SUBJECTS else "organisations"
        for stage, level in (("proposed", proposed), ("decided", decided)):
            if level:
                found[item][level_counter(stage, kind, level)] += 1
    return {pk: Counter({name: n for name, n in c.items() if n}) for pk, c in found.items()}


def stored() -> dict[int, Counter]:
    """Every work item's stored counts (its row must exist: a missing one fails the comparison)."""
    rows = UnitReview.objects.values_list("pk", *(f"counts__{name}" for name in COUNTERS))
    return {pk: Counter({name: n for name, n in zip(COUNTERS, values, strict=True) if n != 0}) for pk, *values in rows}


PROPOSED = (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED, UnitReviewState.APPROVED)


def committees_recount() -> dict[tuple[int, int], Counter]:
    """Every committee's counts (``CommitteeCounts``) from the work items and their rows, in Python: its own item
    and its cells' per state, their filed self-reviews and meetings, proposals once sent, decisions once approved."""
    rows = recount()
    found: dict[tuple[int, int], Counter] = {}
    for pk, root_id, state, unit_id, kind, parent_id in UnitReview.objects.values_list(
        "pk", "root_id", "state", "unit_id", "unit__kind", "unit__parent_id"
    ):
        committee = parent_id if kind == "cell" and parent_id else unit_id
        counted = found.setdefault((root_id, committee), Counter())
        counted[f"state_{state}"] += 1
        for name, n in rows[pk].items():
            if name.startswith("proposed_") and state not in PROPOSED:
                continue
            if name.startswith("decided_") and state != UnitReviewState.APPROVED:
                continue
            counted[name] += n
    return {key: +counted for key, counted in found.items() if +counted}


def check() -> dict[int, Counter]:
    now = stored()
    assert now == recount()
    assert committee_counts_current() == committees_recount()  # the committees' rows kept with them
    return now


def official_members() -> dict[int, int]:
    """Every unit's stored count of official members (members.UnitMemberCount; no row: none)."""
    stored = Coalesce(F("member_count__official_members"), 0)
    return dict(PartyUnit.objects.annotate(n=stored).values_list("pk", "n"))


def member_input(review, levels: dict[int, str], *, unit_level: str = G):
    """The meeting's entry with ``levels`` (member id → level, "" for no proposal) and the cell's own level."""
    data = full_input(review)
    for key, entry in data.subjects.items():
        member_id = int(key[1:]) if key.startswith("m") else None
        level = levels.get(member_id, G) if member_id else unit_level
        entry.proposed_level = level
        entry.votes = {level: 2} if level else {}
    return data


def test_every_kind_of_write_keeps_the_counters_equal_to_a_recount(personas):
    sec, staff = personas.sec_a1, personas.staff_a
    cycle = f.cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    review = f.review_of(cycle, personas.cell_a1)
    other = f.review_of(cycle, personas.cell_a2)
    assert check()[review.pk] == Counter()

    # A member's self-review: draft (not counted), submitted, returned, resubmitted.
    me, account = personas.member_record_a1, personas.member_a1
    structure = member_form(review, me).structure
    draft, _ = self_review_save(
        actor=account, unit_review=review, member=me, entry=f.entry_of(structure, f.form_data(structure, level=G))
    )
    assert check()[review.pk]["filed_self_reviews"] == 0
    self_review_submit(actor=account, unit_review=review, member=me)
    assert check()[review.pk]["filed_self_reviews"] == 1
    self_review_return(actor=sec, self_review=draft, reason="Bổ sung phần hạn chế")
    assert check()[review.pk]["filed_self_reviews"] == 0
    self_review_save(
        actor=account, unit_review=review, member=me, entry=f.entry_of(structure, f.form_data(structure, level=G))
    )
    self_review_submit(actor=account, unit_review=review, member=me)
    assert check()[review.pk]["filed_self_reviews"] == 1

    # The meeting: held with every proposal; proposals changed; one removed; the cell's own level changed.
    meeting_services.meeting_save(actor=sec, review=review, data=member_input(review, {}))
    counted = check()[review.pk]
    people = Rating.objects.filter(unit_review=review, subject__in=PERSON_SUBJECTS).count()
    assert counted["meetings_held"] == 1 and counted["proposed_people_httnv"] == people == 3
    assert counted["proposed_organisations_httnv"] == 1
    a, b, c = Member.objects.filter(ratings__unit_review=review).order_by("pk")
    review.refresh_from_db()
    meeting_services.meeting_save(
        actor=sec, review=review, data=member_input(review, {a.pk: E, b.pk: C, c.pk: ""}, unit_level=C)
    )
    counted = check()[review.pk]
    assert (counted["proposed_people_htxsnv"], counted["proposed_people_httnv"], counted["proposed_people_htnv"]) == (
        1,
        0,
        1,
    )
    assert counted["proposed_organisations_htnv"] == 1 and counted["proposed_organisations_httnv"] == 0
    meeting_services.meeting_save(actor=sec, review=review, data=member_input(review, {a.pk: E, b.pk: C}))
    check()

    # Submitted, returned by the committee, resubmitted, approved with one level adjusted, reopened, approved.
    meeting_services.proposals_submit(actor=sec, review=review)
    proposals_return(actor=staff, review=review, reason="Thiếu biên bản kiểm phiếu.")
    check()
    review.refresh_from_db()
    meeting_services.meeting_save(actor=sec, review=review, data=member_input(review, {a.pk: E, b.pk: C, c.pk: C}))
    meeting_services.proposals_submit(actor=sec, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.RESUBMITTED
    adjusted = Rating.objects.get(unit_review=review, member=b)
    proposals_approve(
        actor=staff,
        review=review,
        decisions={adjusted.pk: Decision(N, "Vi phạm kỷ luật.")},
        quota_exception_reason="Chi bộ có thành tích nổi bật.",
    )
    counted = check()[review.pk]
    assert counted["decided_people_khtnv"] == 1 and counted["decided_people_htnv"] == 1
    assert counted["decided_people_htxsnv"] == 1 and counted["decided_organisations_httnv"] == 1
    review.refresh_from_db()
    review_reopen(actor=staff, review=review, reason="Xem lại biên bản.")
    assert not any(name.startswith("decided_") for name in check()[review.pk])
    review.refresh_from_db()
    assert review.state == UnitReviewState.IN_PROGRESS
    meeting_services.proposals_submit(actor=sec, review=review)
    review.refresh_from_db()
    proposals_approve(actor=staff, review=review, quota_exception_reason="Chi bộ có thành tích nổi bật.")
    assert check()[review.pk]["decided_people_htnv"] == 2

    # Writes past the services, each followed by what a bulk writer must do: count the items it touched again.
    def touched() -> dict[int, Counter]:
        counts_refresh(review)
        counts_refresh(other)
        return check()

    # bulk_create (the proposals of a second cell: the factory counts its item), then statements over both.
    f.propose(other, levels=[G, E], unit_level=G)
    assert check()[other.pk]["proposed_people_httnv"] == 1
    Rating.objects.filter(unit_review__in=[review, other], subject=Subject.MEMBER).update(decided_level=C)
    touched()
    Rating.objects.filter(unit_review__in=[review, other]).update(proposed_level=G)
    touched()
    Rating.objects.filter(unit_review=other, subject=Subject.MEMBER).update(subject=Subject.LEADING_INDIVIDUAL)
    touched()
    SelfReview.objects.filter(unit_review__in=[review, other]).update(state=SelfReviewState.RETURNED)
    touched()
    SelfReview.objects.filter(unit_review=other).update(state=SelfReviewState.RESUBMITTED)
    touched()
    moved = Rating.objects.filter(unit_review=other, subject=Subject.LEADING_INDIVIDUAL).first()
    Rating.objects.filter(pk=moved.pk).update(unit_review=review)  # a row moved to another work item
    touched()
    single = Rating.objects.filter(unit_review=review).first()
    single.decided_level, single.proposed_level = E, N
    single.save()  # a plain save
    touched()

    # The meeting un-held and held again; deletions of each kind of row; a work item deleted with its rows.
    ReviewMeeting.objects.filter(unit_review=review).update(held_on=None)
    assert touched()[review.pk]["meetings_held"] == 0
    meeting = ReviewMeeting.objects.get(unit_review=review)
    meeting.held_on = D(2021, 11, 20)
    meeting.save()
    assert touched()[review.pk]["meetings_held"] == 1
    single.delete()
    SelfReview.objects.filter(unit_review=review).delete()
    touched()
    meeting.delete()  # cascades to its attendance and guests
    assert touched()[review.pk]["meetings_held"] == 0
    Rating.objects.filter(unit_review=review).delete()
    assert touched()[review.pk] == Counter()
    UnitReview.objects.filter(pk=other.pk).delete()  # cascades to its ratings, self-reviews and counts
    committee_counts_rebuild([other.root_id])  # work items deleted in bulk: their committees counted again
    check()


def test_the_counts_row_has_a_column_per_counter_and_comes_with_each_work_item(personas):
    assert {f.name for f in UnitReviewCounts._meta.concrete_fields} == {"unit_review", *COUNTERS}
    f.cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)  # work items in one bulk_create
    assert UnitReview.objects.count() == UnitReviewCounts.objects.count() == 3
    assert all(counts == Counter() for counts in check().values())


def test_the_full_recount_gives_what_the_services_kept(personas):
    cycle = f.cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    review = f.propose(f.review_of(cycle, personas.cell_a1), levels=[G, E, N], state=UnitReviewState.APPROVED)
    Rating.objects.filter(unit_review__unit=personas.cell_a1).update(decided_level=F("proposed_level"))
    counts_refresh(review)  # a bulk write, counted again
    kept = check()
    UnitReviewCounts.objects.update(**dict.fromkeys(COUNTERS, 0))
    assert stored() != kept
    counts_rebuild()  # the full recount
    assert check() == kept
    UnitReviewCounts.objects.all().delete()
    counts_rebuild()
    assert check() == kept


def test_the_seed_leaves_every_stored_count_equal_to_a_recount():
    """The seed writes past the models (COPY on PostgreSQL) and recounts at the end."""
    Seeder(members=400, provinces=1, wards=2, shape="2023").run()
    kept = check()
    assert sum(c["filed_self_reviews"] for c in kept.values()) == SelfReview.objects.filter(state__in=FILED).count()
    official = Count("memberships", filter=Q(memberships__end_date__isnull=True, memberships__kind="official"))
    assert official_members() == dict(PartyUnit.objects.annotate(n=official).values_list("pk", "n"))
    assert sum(official_members().values()) == 400


def test_the_dashboard_counts_equal_those_counted_from_the_ratings(personas):
    """The dashboard's levels (from the counters) equal ``counts.level_counts`` (from the ratings), at the
    ward and at the top, with work items in every state."""
    Seeder(members=600, provinces=1, wards=3, shape="2023").run()
    root = UnitReview.objects.order_by("pk").first().root
    for unit in (PartyUnit.objects.get(pk=root.issuing_unit_id), PartyUnit.objects.filter(kind="committee").last()):
        board = counts.dashboard(root, unit)
        expected = counts.level_counts(root.pk, unit)
        for kind in (counts.PEOPLE, counts.ORGANISATIONS):
            assert +board.levels[kind].proposed == +expected[kind].proposed, (unit, kind)
            assert +board.levels[kind].decided == +expected[kind].decided, (unit, kind)
        assert board.levels[counts.PEOPLE].proposed_total > 0


def test_members_expected_are_those_of_the_cycles_end_date_not_of_today(personas):
    """A past cycle expects the members its cells had on its end date: a member who moved away since still
    counts in the old cell, one who arrived since does not; a member who left before the end does not."""
    cycle = f.cycle(personas.ward_a, year=2023, rule_set="hd25-2023", opened=True)
    a1, a2 = personas.cell_a1, personas.cell_a2
    end = cycle.end_date
    before = {unit.pk: official_members()[unit.pk] for unit in (a1, a2)}
    mover = Membership.objects.filter(unit=a1, kind=MembershipKind.OFFICIAL, end_date__isnull=True).first()
    mover.end_date = end + datetime.timedelta(days=60)
    mover.save()
    Membership.objects.create(member=mover.member, unit=a2, start_date=mover.end_date)
    make_member(cell=a2, start=end + datetime.timedelta(days=90))  # arrived after the end
    left = Membership.objects.filter(unit=a2, kind=MembershipKind.OFFICIAL, end_date__isnull=True, start_date__lt=end)
    left = left.first()
    left.end_date = end - datetime.timedelta(days=30)
    left.save()
    on_end_date = Counter(
        Membership.objects.official().overlapping(end, end).filter(unit__in=[a1, a2]).values_list("unit_id", flat=True)
    )
    assert dict(on_end_date) == {a1.pk: before[a1.pk], a2.pk: before[a2.pk] - 1}
    board = counts.dashboard(cycle, personas.ward_a)
    expected = {row.unit.pk: row.members_expected for row in board.rows if not row.is_self}
    assert expected == {a1.pk: on_end_date[a1.pk], a2.pk: on_end_date[a2.pk]}
    today = {pk: n for pk, n in official_members().items() if pk in (a1.pk, a2.pk)}
    assert today == {a1.pk: before[a1.pk] - 1, a2.pk: before[a2.pk] + 1}  # not what the cycle expects


def test_a_ward_that_issued_its_own_cycle_is_shown_under_its_deadlines_from_the_citys_cycle(personas):
    """The ward's own work item belongs to the lower cycle it issued: that cycle governs its dashboard (its
    deadlines and end date), also when the page is reached from the city's cycle; its cells' items are listed."""
    city = f.cycle(personas.city, opened=True)
    ward = f.cycle(personas.ward_a, parent=city, opened=True, proposals_due=datetime.date(2023, 11, 30))
    for asked in (city, ward):
        board = counts.dashboard(asked, personas.ward_a)
        assert board.cycle == ward and board.cycle.proposals_due == datetime.date(2023, 11, 30)
        own = board.rows[0]
        assert own.is_self and own.review.cycle == ward
        cells = {row.unit.pk: row.review for row in board.rows[1:]}
        assert set(cells) == {personas.cell_a1.pk, personas.cell_a2.pk}
        assert all(review is not None and review.root_id == city.pk for review in cells.values())


def test_no_trigger_keeps_the_counts(personas):
    """The counts are the services' alone: no trigger on the counted tables, on either database."""
    tables = ["appraisal_selfreview", "appraisal_reviewmeeting", "appraisal_rating", "appraisal_unitreview"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT trigger_name FROM information_schema.triggers WHERE event_object_table = ANY(%s)", [tables]
            )
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        assert [row for row in cursor.fetchall() if row[1] in tables] == []


def test_every_dashboard_from_the_national_one_down_equals_a_recount_of_the_rows(personas):
    """The national, province, district and ward dashboards read stored counts (the cells' items, the committees'
    ``CommitteeCounts``, ``UnitMemberCount``): each branch's states, self-reviews filed, members expected,
    meetings held and levels equal those counted here from the work items, self-reviews, meetings, ratings and
    memberships themselves, after the seed and after later decisions."""
    Seeder(members=600, provinces=1, wards=3, shape="2023").run()
    root = UnitReview.objects.order_by("pk").first().root
    waiting = UnitReview.objects.filter(root=root, state=UnitReviewState.SUBMITTED, unit__kind="cell").first()
    proposals_return(actor=personas.superuser, review=waiting, reason="Thiếu biên bản.")
    end = root.end_date
    items = list(UnitReview.objects.filter(root=root).values_list("pk", "state", "unit__path", "unit_id"))
    rows = recount()
    members = Counter(
        Membership.objects.official()
        .overlapping(end, end)
        .filter(unit__kind="cell")
        .values_list("unit__path", flat=True)
    )
    national = PartyUnit.objects.get(pk=root.issuing_unit_id)
    province = PartyUnit.objects.filter(parent=national).first()
    district = PartyUnit.objects.filter(parent=province).first()
    ward = PartyUnit.objects.filter(parent=district).first()
    for unit in (national, province, district, ward):
        board = counts.dashboard(root, unit, today=datetime.date(2026, 6, 1))
        assert {row.unit.pk for row in board.rows if not row.is_self} == set(
            PartyUnit.objects.filter(parent=unit).values_list("pk", flat=True)
        )
        for row in board.rows:
            if row.is_self:
                mine = [(pk, state) for pk, state, _path, unit_id in items if unit_id == unit.pk]
            else:
                mine = [(pk, state) for pk, state, path, _unit in items if path.startswith(row.unit.path)]
            assert +row.states == +Counter(state for _pk, state in mine), (unit, row.unit)
            assert row.meetings_held == sum(rows[pk]["meetings_held"] for pk, _state in mine)
            people = row.levels[counts.PEOPLE]
            for level in ("htxsnv", "httnv", "htnv", "khtnv"):
                proposed = sum(rows[pk][f"proposed_people_{level}"] for pk, state in mine if state in PROPOSED)
                decided = sum(rows[pk][f"decided_people_{level}"] for pk, state in mine if state == "approved")
                assert (people.proposed[level], people.decided[level]) == (proposed, decided), (row.unit, level)
            if not row.is_self:
                assert row.self_reviews_done == sum(rows[pk]["filed_self_reviews"] for pk, _state in mine)
                expected = sum(n for path, n in members.items() if path.startswith(row.unit.path))
                assert row.members_expected == expected, row.unit
        assert sum(board.states.values()) == sum(1 for *_x, path, _u in items if path.startswith(unit.path))
