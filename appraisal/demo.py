"""Demo guidance documents and review cycles, from the two articles in shared/domain/sources.

- Đảng ủy phường Quyết Thắng, 2021, rule set hd21-2019, Công văn 163-CV/ĐU of 28/10/2021 (open).
- Quận ủy Hai Bà Trưng, 2023, rule set hd25-2023, Kế hoạch 159-KH/QU of 13/11/2023 implementing Hướng dẫn
  25-HD/BTCTW of 10/11/2023; each of its 18 wards cascades it with a cycle of its own (all open).
- Đảng ủy phường Quyết Thắng, 2025, rule set hd43-2025, Hướng dẫn 43-HD/BTCTW of 31/10/2025 (open): the year
  the members demo is written for (a transfer, an exemption, a discipline, leaves, new members).

Meetings (``_meetings``): the 2021 meeting of Chi bộ Trường Tiểu học Mạc Đĩnh Chi as the article reports it
(16/11/2021, the two guests with their titles as written, every member present, a secret ballot, the cell and 4
members proposed excellent, the others good), submitted; the 2025 meeting of Chi bộ Trường Mầm non Quyết Thắng,
in progress. What the article does not give is the demo's own choice: the chair (the secretary), the
minute-taker (the committee member), which 4 members are excellent (the cell committee and the first member in
roster order), tallies where everyone present voted for the proposal, and the leadership collective's and
leaders' proposals (the collective like the cell, each leader like their member proposal).

Central documents (25-HD/BTCTW, 43-HD/BTCTW, 366-QĐ/TW) have no local issuing unit. The deadlines are
illustrative: the articles do not give them. Idempotent: documents are found by (issuer, code, year), cycles by
(issuer, period); nothing is created or opened twice.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from party_units.demo import HBT_WARDS, MAC_DINH_CHI
from party_units.models import PartyUnit

from .meeting_input import GuestEntry, MeetingInput, SubjectEntry
from .models import CycleState, GuidanceDocument, ReviewCycle, ReviewMeeting, UnitReview
from .rules import Level, Subject
from .selectors.meetings import meeting_sheet
from .services import cycle_create, cycle_open, document_create
from .services.meetings import meeting_save, proposals_submit

D = datetime.date
TITLE = (
    "Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên và tập thể, cá nhân cán bộ lãnh đạo, "
    "quản lý năm {year}"
)

DEADLINES = {
    2021: {
        "self_review_due": D(2021, 11, 10),
        "meetings_due": D(2021, 11, 20),  # Chi bộ Trường Tiểu học Mạc Đĩnh Chi met on 16/11/2021
        "proposals_due": D(2021, 11, 25),
        "decisions_due": D(2021, 12, 15),
        "report_due": D(2021, 12, 25),
    },
    2023: {
        "self_review_due": D(2023, 11, 30),
        "meetings_due": D(2023, 12, 10),
        "proposals_due": D(2023, 12, 15),
        "decisions_due": D(2023, 12, 25),
        "report_due": D(2024, 1, 10),
    },
    2025: {
        "self_review_due": D(2025, 11, 25),
        "meetings_due": D(2025, 12, 10),
        "proposals_due": D(2025, 12, 15),
        "decisions_due": D(2025, 12, 25),  # HD 43: every level finishes before 31/12
        "report_due": D(2026, 1, 10),  # HD 43: files reach the central commission before 01/02
    },
}


def _document(unit: PartyUnit | None, code: str, issued_on: datetime.date, summary: str, implements=None):
    found = GuidanceDocument.objects.filter(issuing_unit=unit, code=code, year=issued_on.year).first()
    if found is not None:
        return found
    return document_create(
        actor=None, issuing_unit=unit, code=code, issued_on=issued_on, summary=summary, implements=implements
    )


def _cycle(actor, unit: PartyUnit, year: int, rule_set: str, documents, parent=None) -> ReviewCycle:
    found = ReviewCycle.objects.filter(
        issuing_unit=unit, period_kind="year", start_date=D(year, 1, 1), end_date=D(year, 12, 31)
    ).first()
    if found is None:
        found = cycle_create(
            actor=actor,
            issuing_unit=unit,
            title=TITLE.format(year=year),
            year=year,
            rule_set=rule_set,
            guidance_documents=documents,
            parent=parent,
            **DEADLINES[year],
        )
    if found.state == CycleState.DRAFT:
        cycle_open(actor=actor, cycle=found)
    return found


def seed(*, stdout=None) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["danguy", "quanuy"])}
    quyet_thang = PartyUnit.objects.get(name="Đảng ủy phường Quyết Thắng")
    hbt = PartyUnit.objects.get(name="Quận ủy Hai Bà Trưng")

    # 2021: the ward's official letter (the 2021 article).
    cv163 = _document(
        quyet_thang,
        "163-CV/ĐU",
        D(2021, 10, 28),
        "V/v Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng tổ chức Đảng, đảng viên và tập thể, cá nhân "
        "cán bộ lãnh đạo, quản lý năm 2021",
    )
    cycle_2021 = _cycle(users.get("danguy"), quyet_thang, 2021, "hd21-2019", [cv163])

    # 2023: the central guidance, the district's plan (the 2023 article), cascaded to the 18 wards.
    hd25 = _document(
        None,
        "25-HD/BTCTW",
        D(2023, 11, 10),
        "Hướng dẫn một số nội dung về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tập thể, "
        "cá nhân trong hệ thống chính trị",
    )
    kh159 = _document(
        hbt,
        "159-KH/QU",
        D(2023, 11, 13),
        "Kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng hàng năm đối với tổ chức đảng, đảng viên và tập thể, "
        "cá nhân cán bộ lãnh đạo, quản lý năm 2023",
        implements=hd25,
    )
    district = _cycle(users.get("quanuy"), hbt, 2023, "hd25-2023", [kh159, hd25])
    wards = PartyUnit.objects.filter(parent=hbt, name__in=[f"Đảng ủy phường {w}" for w in HBT_WARDS])
    for ward in wards.order_by("path"):
        _cycle(users.get("quanuy"), ward, 2023, "hd25-2023", [kh159], parent=district)

    # 2025: the new regulation and guidance.
    qd366 = _document(
        None,
        "366-QĐ/TW",
        D(2025, 8, 30),
        "Quy định về kiểm điểm, đánh giá, xếp loại chất lượng đối với tập thể, cá nhân trong hệ thống chính trị",
    )
    hd43 = _document(
        None,
        "43-HD/BTCTW",
        D(2025, 10, 31),
        "Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng đối với tập thể, cá nhân trong hệ thống chính trị",
        implements=qd366,
    )
    cycle_2025 = _cycle(users.get("danguy"), quyet_thang, 2025, "hd43-2025", [hd43])
    # Self-reviews before the meetings: a submitted meeting closes the cell's entries (demo_self_reviews.py).
    from .demo_self_reviews import seed_self_reviews

    seed_self_reviews(quyet_thang, cycle_2021, cycle_2025)
    _meetings(quyet_thang, cycle_2021, cycle_2025)
    _decisions(quyet_thang, cycle_2021, hbt)

    if stdout is not None:
        stdout.write(
            f"  {ReviewMeeting.objects.count()} hội nghị kiểm điểm, "
            f"{GuidanceDocument.objects.count()} văn bản hướng dẫn, {ReviewCycle.objects.count()} kỳ đánh giá, "
            f"{UnitReview.objects.count()} phần việc của đơn vị"
        )


# The guests who attended and directed the 2021 meeting, with their titles as the article writes them.
GUESTS_2021 = [
    ("Nguyễn Hải An", "Thành ủy viên, Bí thư Đảng ủy phường Quyết Thắng"),
    ("Hứa Thị Thanh Giang", "Đảng ủy viên, Phó Chủ tịch HĐND phường Quyết Thắng"),
]
EXCELLENT_2021 = 4


def _meetings(ward: PartyUnit, cycle_2021: ReviewCycle, cycle_2025: ReviewCycle) -> None:
    from members.models import PartyPost

    bithu = get_user_model().objects.filter(username="bithu").first()
    mdc = PartyUnit.objects.get(parent=ward, name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi")
    review = UnitReview.objects.select_related("cycle", "unit").get(cycle=cycle_2021, unit=mdc)
    if not ReviewMeeting.objects.filter(unit_review=review).exists():
        sheet = meeting_sheet(review)
        rows = sheet.members
        present = len(rows)
        posts = {row.member.pk: row.member.party_post for row in rows}
        by_post = {post: pk for pk, post in posts.items() if post}
        rated = [s for s in sheet.subjects if s.subject == Subject.MEMBER and s.rated]
        # The cell committee first, then roster order: the first four are proposed excellent.
        ranked = sorted(rated, key=lambda s: (not posts.get(s.member.pk), rated.index(s)))
        excellent = {s.key for s in ranked[:EXCELLENT_2021]}
        data = MeetingInput(
            held_on=D(2021, 11, 16),
            chair_id=by_post.get(PartyPost.SECRETARY),
            minute_taker_id=by_post.get(PartyPost.COMMITTEE_MEMBER),
            vote_method="secret_ballot",
            conclusions=(
                "Hội nghị đã thông qua Công văn số 163-CV/ĐU ngày 28/10/2021 của Đảng ủy phường Quyết Thắng; tổ chức "
                "bỏ phiếu đánh giá, phân loại chất lượng tổ chức đảng, đảng viên."
            ),
            document_ids={d.pk for d in sheet.documents},
            guests=[GuestEntry(full_name=name, title=title) for name, title in GUESTS_2021],
            attendance={row.member.pk: (True, "") for row in rows},
        )
        for subject in sheet.subjects:
            if not subject.rated:
                continue
            if subject.subject in (Subject.MEMBER, Subject.LEADING_INDIVIDUAL):
                level = Level.EXCELLENT if f"m{subject.member.pk}" in excellent else Level.GOOD
            else:
                level = Level.EXCELLENT  # the cell (the article) and, like it, its committee
            data.subjects[subject.key] = SubjectEntry(votes={level.value: present}, proposed_level=level.value)
        meeting_save(actor=bithu, review=review, data=data)
        proposals_submit(actor=bithu, review=review)

    # 2025: another cell's meeting, entered halfway (attendance, some proposals): in progress.
    mn = PartyUnit.objects.get(parent=ward, name="Chi bộ Trường Mầm non Quyết Thắng")
    review = UnitReview.objects.select_related("cycle", "unit").get(cycle=cycle_2025, unit=mn)
    if not ReviewMeeting.objects.filter(unit_review=review).exists():
        sheet = meeting_sheet(review)
        rows = sheet.members
        data = MeetingInput(
            held_on=D(2025, 12, 5),
            vote_method="show_of_hands",
            document_ids={d.pk for d in sheet.documents},
            chair_id=rows[0].member.pk if rows else None,
            attendance={row.member.pk: (True, "") for row in rows},
        )
        first = next((s for s in sheet.subjects if s.subject == Subject.MEMBER and s.rated), None)
        if first is not None:
            data.subjects[first.key] = SubjectEntry(
                comments="Hoàn thành tốt nhiệm vụ chăm sóc, giáo dục trẻ; cần chủ động hơn trong sinh hoạt chi bộ.",
                votes={Level.GOOD.value: len(rows)},
                proposed_level=Level.GOOD.value,
            )
        meeting_save(actor=None, review=review, data=data)


# -- the committee's decisions (issue 10) ---------------------------------------------------------------------
#
# 2021, Quyết Thắng: the four other cells' proposals (every rated member "good", each cell "good") are entered
# directly (the article reports only Mạc Đĩnh Chi's meeting), then the ward decides every cell. The Mạc Đĩnh Chi
# cell's 4 excellent of 15 good are legitimate because the ward counts its whole membership (4 of 31 good); the
# cell itself, proposed excellent, is decided "good" with a reason, since one excellent organisation needs five
# good ones and the ward has four other cells.
# 2023, Hai Bà Trưng: a mix of states across the first wards — Bạch Đằng approved; Bách Khoa with one cell
# returned and resubmitted, one submitted; Bạch Mai approved with one quota exception; Cầu Dền one cell
# submitted; the other wards not started.

MDC_2021_REASON = (
    "Số được xếp loại hoàn thành xuất sắc nhiệm vụ không vượt quá 20% số hoàn thành tốt nhiệm vụ trong Đảng bộ "
    "phường: Đảng ủy xếp loại hoàn thành tốt nhiệm vụ."
)


def _propose_directly(review: UnitReview, levels, *, actor, unit_level: str = Level.GOOD.value) -> None:
    """Enter a cell's proposals without its meeting (demo only): a submitted self-review and a proposal for
    each rated member (``levels(i)`` for the i-th), the cell's own, a round, the state "submitted"."""
    from django.db import transaction
    from django.utils import timezone

    from .models import ProposalRound, Rating, SelfReview, UnitReviewState
    from .selectors.eligibility import cell_eligibility
    from .services.progress import review_lock, review_transition

    with transaction.atomic():
        locked = review_lock(review)
        if locked.state != UnitReviewState.NOT_STARTED:
            return
        rows = [row for row in cell_eligibility(locked.unit, locked.cycle).rows if row.eligibility.rated]
        now = timezone.now()
        ratings = []
        for i, row in enumerate(rows):
            level = levels(i)
            SelfReview.objects.create(
                unit_review=locked,
                member=row.member,
                form_code=row.form.code if row.form else "",
                leader=row.facts.holds_leadership_post,
                state="submitted",
                proposed_level=level,
                submitted_at=now,
            )
            ratings.append(
                Rating(
                    unit_review=locked,
                    subject=Subject.MEMBER,
                    member=row.member,
                    self_level=level,
                    proposed_level=level,
                    votes={level: len(rows)},
                )
            )
        ratings.append(
            Rating(unit_review=locked, subject=Subject.ORGANISATION, unit=locked.unit, proposed_level=unit_level)
        )
        Rating.objects.bulk_create(ratings)
        ProposalRound.objects.create(
            unit_review=locked,
            number=1,
            submitted_at=now,
            proposals=[{"name": str(r.member or r.unit), "proposed_level": r.proposed_level} for r in ratings],
        )
        review_transition(locked, UnitReviewState.SUBMITTED, actor=actor, action="unit_review.submitted")


def _approve(review: UnitReview, *, actor, **kwargs) -> None:
    from .models import UnitReviewState
    from .services.decisions import proposals_approve

    review.refresh_from_db()
    if review.state in (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED):
        proposals_approve(actor=actor, review=review, **kwargs)


def _decisions(quyet_thang: PartyUnit, cycle_2021: ReviewCycle, hbt: PartyUnit) -> None:
    from .models import Rating
    from .services.decisions import Decision

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["danguy", "quanuy", "bithu"])}
    danguy, quanuy = users.get("danguy"), users.get("quanuy")
    good = Level.GOOD.value
    reviews = UnitReview.objects.select_related("unit", "cycle").filter(root=cycle_2021, unit__parent=quyet_thang)
    for review in reviews.exclude(unit__name=MAC_DINH_CHI).order_by("unit__path"):
        _propose_directly(review, lambda i: good, actor=users.get("danguy"))
    for review in reviews.exclude(unit__name=MAC_DINH_CHI).order_by("unit__path"):
        _approve(review, actor=danguy)
    mdc = reviews.filter(unit__name=MAC_DINH_CHI).first()
    if mdc is not None:
        # The cell, its committee and its leaders were proposed excellent like the cell (the meeting's demo):
        # with four other cells and no other leaders decided "good", the ward decides them "good", with a reason.
        others = Rating.objects.filter(unit_review=mdc, proposed_level=Level.EXCELLENT.value).exclude(
            subject=Subject.MEMBER
        )
        _approve(mdc, actor=danguy, decisions={r.pk: Decision(good, MDC_2021_REASON) for r in others})

    district = ReviewCycle.objects.filter(issuing_unit=hbt, year=2023).first()
    if district is None:
        return

    def cell(ward: str, n: int) -> UnitReview | None:
        return (
            UnitReview.objects.select_related("unit__parent", "cycle")
            .filter(root=district, unit__name=f"Chi bộ Tổ dân phố số {n} phường {ward}")
            .first()
        )

    # Bạch Mai, cell 1, decided first: two excellent among its few good — approved as a recorded exception.
    review = cell("Bạch Mai", 1)
    if review is not None:
        _propose_directly(review, lambda i: Level.EXCELLENT.value if i < 2 else good, actor=None)
        _approve(
            review,
            actor=quanuy,
            quota_exception_reason="Hai đồng chí được Thành phố tặng Bằng khen về công tác dân vận năm 2023.",
        )
    excellent_first = lambda i: Level.EXCELLENT.value if i == 0 else good  # noqa: E731
    plan = [
        ("Bạch Đằng", 1, lambda i: good, True),
        ("Bạch Đằng", 2, lambda i: good, True),
        ("Bạch Đằng", 3, lambda i: good, True),
        ("Bách Khoa", 1, excellent_first, False),  # returned, then resubmitted (below)
        ("Bách Khoa", 2, lambda i: good, False),
        ("Bạch Mai", 2, lambda i: good, True),
        ("Bạch Mai", 3, lambda i: good, False),
        ("Cầu Dền", 1, lambda i: good, False),
    ]
    for ward, n, levels, approve in plan:
        review = cell(ward, n)
        if review is None:
            continue
        _propose_directly(review, levels, actor=None)
        if approve:
            _approve(review, actor=quanuy)
    _return_and_resubmit(cell("Bách Khoa", 1), actor=quanuy)


def _return_and_resubmit(review: UnitReview | None, *, actor) -> None:
    """Bách Khoa's first cell: the district returns the proposals (an excellent without its record), the cell
    corrects it to good and resubmits — both rounds are kept."""
    from django.utils import timezone

    from .models import ProposalRound, Rating, UnitReviewState
    from .services.decisions import proposals_return
    from .services.progress import review_lock, review_transition

    if review is None:
        return
    review.refresh_from_db()
    if review.state == UnitReviewState.SUBMITTED and not review.rounds.exclude(number=1).exists():
        proposals_return(
            actor=actor,
            review=review,
            reason="Đề nghị hoàn thành xuất sắc nhiệm vụ chưa kèm bản thành tích; đề nghị chi bộ xem xét lại.",
        )
    review.refresh_from_db()
    if review.state == UnitReviewState.RETURNED:
        locked = review_lock(review)
        Rating.objects.filter(unit_review=locked, proposed_level=Level.EXCELLENT.value).update(
            proposed_level=Level.GOOD.value
        )
        ratings = Rating.objects.filter(unit_review=locked)
        ProposalRound.objects.create(
            unit_review=locked,
            number=2,
            submitted_at=timezone.now(),
            proposals=[{"name": str(r.member or r.unit), "proposed_level": r.proposed_level} for r in ratings],
        )
        review_transition(locked, UnitReviewState.RESUBMITTED, actor=None, action="unit_review.resubmitted")
