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

from party_units.demo import HBT_WARDS
from party_units.models import PartyUnit

from .models import CycleState, GuidanceDocument, ReviewCycle, ReviewMeeting, UnitReview
from .rules import Level, Subject
from .services import cycle_create, cycle_open, document_create
from .services.meetings import GuestEntry, MeetingInput, SubjectEntry, meeting_save, meeting_sheet, proposals_submit

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
