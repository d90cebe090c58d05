"""Builders for appraisal tests: documents, cycles, and a grown ward to pin query counts."""

from __future__ import annotations

import datetime

from members.counts import unit_counts_refresh
from members.models import Member, Membership
from members.tests.factories import bulk_members
from party_units.models import PartyUnit, UnitKind
from party_units.tests.personas import make_unit

from ..models import GuidanceDocument, ReviewCycle
from ..services import cycle_create, cycle_open, document_create
from ..services.tallies import counts_refresh

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document(
    unit, code="163-CV/ĐU", issued_on=datetime.date(2021, 10, 28), summary="V/v Hướng dẫn kiểm điểm", actor=None, **kw
):
    return document_create(actor=actor, issuing_unit=unit, code=code, issued_on=issued_on, summary=summary, **kw)


def central(
    code="25-HD/BTCTW", issued_on=datetime.date(2023, 11, 10), summary="Hướng dẫn kiểm điểm"
) -> GuidanceDocument:
    return document(None, code=code, issued_on=issued_on, summary=summary)


def cycle(unit, *, year=2023, rule_set="hd25-2023", actor=None, opened=False, **kw) -> ReviewCycle:
    kw.setdefault("title", f"Kiểm điểm năm {year}")
    made = cycle_create(actor=actor, issuing_unit=unit, year=year, rule_set=rule_set, **kw)
    if opened:
        cycle_open(actor=actor, cycle=made)
    return made


def grow_ward(parent: PartyUnit, *, name="Phường lớn", cells: int, members_per_cell: int, start=None) -> PartyUnit:
    """A ward with `cells` cells of `members_per_cell` members each, written in bulk."""
    start = start or datetime.date(2015, 1, 1)
    ward = make_unit(parent, name, UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    cell_units = [make_unit(ward, f"{name} – Chi bộ {c + 1}") for c in range(cells)]
    bulk_members(
        [(f"Đảng viên {name} {c}-{m}", cell) for c, cell in enumerate(cell_units) for m in range(members_per_cell)],
        start=start,
    )
    return ward


# -- proposals and decisions (issue 10): built directly, without the meeting page ------------------------------


def propose(
    review,
    *,
    levels,
    unit_level: str | None = "httnv",
    form_code: str = "02A",
    state: str = "submitted",
    members=None,
):
    """Give ``review`` (a cell's work item) one member rating per level (new members unless ``members``), a
    submitted self-review of form ``form_code`` each, the cell's own rating and a pending proposal round, and
    put it in ``state``. Returns the review, reloaded."""
    from django.utils import timezone

    from members.tests.factories import member as make_member

    from ..models import ProposalRound, Rating, SelfReview, UnitReview
    from ..rules import Subject

    members = list(members) if members is not None else [make_member(cell=review.unit) for _level in levels]
    now = timezone.now()
    SelfReview.objects.bulk_create(
        [
            SelfReview(
                unit_review=review,
                member=m,
                form_code=form_code,
                state="submitted",
                proposed_level=lvl,
                submitted_at=now,
            )
            for m, lvl in zip(members, levels, strict=True)
        ]
    )
    ratings = [
        Rating(
            unit_review=review,
            subject=Subject.MEMBER,
            member=m,
            self_level=lvl,
            proposed_level=lvl,
            votes={lvl: 1},
        )
        for m, lvl in zip(members, levels, strict=True)
    ]
    if unit_level:
        ratings.append(
            Rating(unit_review=review, subject=Subject.ORGANISATION, unit=review.unit, proposed_level=unit_level)
        )
    Rating.objects.bulk_create(ratings)
    number = ProposalRound.objects.filter(unit_review=review).count() + 1
    ProposalRound.objects.create(
        unit_review=review,
        number=number,
        submitted_at=now,
        proposals=[{"rating": r.pk, "level": r.proposed_level} for r in ratings],
    )
    UnitReview.objects.filter(pk=review.pk).update(state=state)
    was, review.state = review.state, state
    counts_refresh(review, was=was)  # written past the services: the stored counts, as a bulk writer must
    review.refresh_from_db()
    return review


def propose_everywhere(root_id: int, under, *, pattern=("httnv", "httnv", "httnv", "httnv", "htxsnv"), form_code="02A"):
    """Bulk: every cell's work item not started yet in the cascade under ``under`` gets its members' ratings
    (levels cycling through ``pattern``), submitted self-reviews, the cell's own rating, and state "submitted"."""
    from django.utils import timezone

    from members.models import Membership

    from ..models import Rating, SelfReview, UnitReview
    from ..rules import Subject

    reviews = {
        r.unit_id: r
        for r in UnitReview.objects.filter(
            root_id=root_id, unit__path__startswith=under.path, unit__kind="cell", state="not_started"
        )
    }
    memberships = Membership.objects.filter(unit_id__in=reviews, end_date__isnull=True).values_list(
        "unit_id", "member_id"
    )
    now = timezone.now()
    self_reviews, ratings = [], []
    for i, (unit_id, member_id) in enumerate(memberships.order_by("member_id")):
        level = pattern[i % len(pattern)]
        self_reviews.append(
            SelfReview(
                unit_review=reviews[unit_id],
                member_id=member_id,
                form_code=form_code,
                state="submitted",
                proposed_level=level,
                submitted_at=now,
            )
        )
        ratings.append(
            Rating(
                unit_review=reviews[unit_id],
                subject=Subject.MEMBER,
                member_id=member_id,
                self_level=level,
                proposed_level=level,
            )
        )
    for unit_id, review in reviews.items():
        ratings.append(
            Rating(unit_review=review, subject=Subject.ORGANISATION, unit_id=unit_id, proposed_level="httnv")
        )
    SelfReview.objects.bulk_create(self_reviews, batch_size=1000)
    Rating.objects.bulk_create(ratings, batch_size=1000)
    UnitReview.objects.filter(pk__in=[r.pk for r in reviews.values()]).update(state="submitted")
    for review in reviews.values():
        was, review.state = review.state, "submitted"
        counts_refresh(review, was=was)  # written in bulk


def add_members(cell: PartyUnit, count: int, *, prefix: str = "Thành viên", start=None, **fields) -> list[Member]:
    """``count`` full members of ``cell`` written in bulk (names sort in creation order)."""
    start = start or datetime.date(2015, 1, 1)
    fields.setdefault("admitted_on", datetime.date(2010, 1, 1))
    fields.setdefault("full_member_on", datetime.date(2011, 1, 1))
    made = []
    for i in range(count):
        member = Member(full_name=f"{prefix} {cell.pk} Số{i:03d}", **fields)
        member.normalise()
        made.append(member)
    Member.objects.bulk_create(made)
    Membership.objects.bulk_create(Membership(member=m, unit=cell, sort_key=m.sort_key, start_date=start) for m in made)
    unit_counts_refresh([cell.pk])  # written in bulk
    return made


def review_of(cycle_: ReviewCycle, unit: PartyUnit):
    from ..models import UnitReview

    return UnitReview.objects.select_related("cycle", "unit").get(root_id=cycle_.root_id or cycle_.pk, unit=unit)


# -- self-reviews ------------------------------------------------------------------------------------------------


def open_review(ward, cell, *, year=2025, rule_set="hd43-2025", self_review_due=None, **kw):
    """An open cycle issued by ``ward`` and the work item of ``cell`` in it."""
    from ..models import UnitReview

    made = cycle(ward, year=year, rule_set=rule_set, opened=True, self_review_due=self_review_due, **kw)
    return UnitReview.objects.select_related("cycle", "unit").get(cycle=made, unit=cell)


def form_data(structure, *, grade="tot", task_grade=None, general="25", tasks="60", level="", conditions=None):
    """Posted fields filling every part of ``structure``: texts, grades (criteria years) or points (2025)."""
    data = {f"t:{code}": f"Nội dung {code}" for code in structure.text_codes()}
    for criterion in structure.graded_criteria:
        data[f"g:{criterion.code}"] = (task_grade or grade) if criterion.task_result else grade
    for group, value in zip(structure.score_groups, (general, tasks), strict=False):
        for item in group.items:
            data[f"s:{item.code}"] = value
    counts = {
        "tasks_total": "10",
        "tasks_done": "10",
        "tasks_on_time": "10",
        "tasks_exceeding": "4",
        "shortcomings_total": "0",
        "shortcomings_fixed": "0",
    }
    counts.update(conditions or {})
    if structure.score_groups and not structure.collective:
        data.update({f"c:{name}": value for name, value in counts.items()})
    if structure.civil_servant_rating:
        data["cs"] = "httnv"
    data["proposed_level"] = level
    return data


def entry_of(structure, data: dict):
    """The service's typed entry for posted fields ``data`` (as ``form_data`` gives them), read by the page's
    form."""
    from ..self_review_forms import SelfReviewForm

    form = SelfReviewForm(data, structure=structure)
    assert form.is_valid(), form.errors
    return form.entry()
