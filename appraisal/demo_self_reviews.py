"""Demo self-reviews (added to ``appraisal.demo.seed`` before the meetings, which close the cells' entries).

- 2021, Chi bộ Trường Tiểu học Mạc Đĩnh Chi: every member who reviews (19, by eligibility at the 2021 meeting's
  cell) filed and submitted the 2019 form before the 10/11/2021 deadline; the cell committee and the first
  member in roster order graded their task result "Xuất sắc" and proposed excellent, the others good.
- 2025, the same cell: a mix — submitted, drafts, returned with a reason (the secretary reopened them to resubmit
  after the deadline), not started; ``dangvien`` (Trần Minh Tuấn) has not started and the secretary reopened
  their form until two months from the seeding day, so the demo login can file it.

Idempotent: a cell that already has self-reviews in the cycle, or whose entries are closed, is left as it is.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone

from party_units.models import PartyUnit

from .models import SelfReview, UnitReview
from .rules import Grade, Level, RatingMethod
from .selectors.self_reviews import cell_self_reviews, member_form
from .services.progress import CELL_EDITABLE
from .services.self_reviews import (
    SelfReviewEntry,
    self_review_reopen,
    self_review_return,
    self_review_save,
    self_review_submit,
)

CELL = "Chi bộ Trường Tiểu học Mạc Đĩnh Chi"
TEXTS = {
    "A.I.1": (
        "Luôn kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh; chấp hành nghiêm chủ trương, đường lối của "
        "Đảng, chính sách, pháp luật của Nhà nước. Giữ gìn phẩm chất đạo đức, lối sống giản dị; không có biểu "
        "hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”."
    ),
    "A.I.2": (
        "Hoàn thành các nhiệm vụ giảng dạy, giáo dục học sinh được giao; tham gia đầy đủ các hoạt động chuyên môn "
        "của tổ, của nhà trường."
    ),
    "A.I.3": "Thực hiện tốt cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.",
    "A.I.4": "Lãnh đạo, chỉ đạo hoàn thành kế hoạch năm học của đơn vị.",
    "A.I.5": "Giữ gìn đoàn kết nội bộ; gương mẫu trong công tác và sinh hoạt.",
    "A.II": "Có lúc chưa mạnh dạn trong phê bình và tự phê bình; việc ứng dụng công nghệ thông tin còn hạn chế.",
    "A.VI": "Tiếp tục học tập nâng cao trình độ, tích cực đóng góp ý kiến trong sinh hoạt chi bộ.",
}


def _texts(structure) -> dict[str, str]:
    return {code: TEXTS.get(code, "") for code in structure.text_codes()}


def _aware(day: datetime.date, minutes: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(8, 0)) + datetime.timedelta(minutes=minutes)
    )


def seed_self_reviews(ward: PartyUnit, cycle_2021, cycle_2025) -> int:
    cell = PartyUnit.objects.filter(parent=ward, name=CELL).first()
    if cell is None:
        return 0
    made = 0
    for cycle, fill in ((cycle_2021, _file_2021), (cycle_2025, _mix_2025)):
        review = UnitReview.objects.select_related("cycle", "unit").filter(cycle=cycle, unit=cell).first()
        if (
            review is None
            or review.state not in CELL_EDITABLE
            or SelfReview.objects.filter(unit_review=review).exists()
        ):
            continue
        made += fill(review)
    return made


def _file_2021(review: UnitReview) -> int:
    rows = list(cell_self_reviews(review).required)
    # The cell committee first, then roster order: the first four proposed excellent (as the 2021 meeting).
    ranked = sorted(rows, key=lambda r: (not r.member.party_post, rows.index(r)))
    excellent = {r.member.pk for r in ranked[:4]}
    for index, row in enumerate(rows):
        member = row.member
        structure = member_form(review, member).structure
        best = member.pk in excellent
        level = Level.EXCELLENT if best else Level.GOOD
        entry = SelfReviewEntry(
            texts=_texts(structure),
            grades={
                c.code: Grade.EXCELLENT if (best and c.task_result) else Grade.GOOD for c in structure.graded_criteria
            },
            civil_servant_level=level,
            proposed_level=level,
        )
        self_review_save(actor=None, unit_review=review, member=member, entry=entry)
        self_review_submit(actor=None, unit_review=review, member=member, on=_aware(datetime.date(2021, 11, 8), index))
    return len(rows)


def _score_entry(structure, general: str, tasks: str) -> SelfReviewEntry:
    scores = {
        item.code: value
        for group, value in zip(structure.score_groups, (general, tasks), strict=False)
        for item in group.items
    }
    conditions = {
        "tasks_total": "10",
        "tasks_done": "10",
        "tasks_on_time": "10",
        "tasks_exceeding": "3",
        "shortcomings_total": "0",
        "shortcomings_fixed": "0",
    }
    return SelfReviewEntry(texts=_texts(structure), scores=scores, conditions=conditions)


def _mix_2025(review: UnitReview) -> int:
    if review.cycle.rules().method is not RatingMethod.SCORE_100:
        return 0
    rows = list(cell_self_reviews(review).required)
    dangvien = next((r for r in rows if r.member.user_id and r.member.user.username == "dangvien"), None)
    others = [r for r in rows if r is not dangvien]
    submitted, returned, drafts = others[:8], others[8:10], others[10:13]  # the rest: not started
    later = timezone.localdate() + datetime.timedelta(days=60)
    due = review.cycle.self_review_due or datetime.date(2025, 11, 25)
    for index, row in enumerate(submitted + returned):
        structure = member_form(review, row.member).structure
        entry = _score_entry(structure, "27" if index else "28,5", "60" if index else "64")
        _saved, assessment = self_review_save(actor=None, unit_review=review, member=row.member, entry=entry)
        entry = dataclasses.replace(entry, proposed_level=assessment.max_level)
        self_review_save(actor=None, unit_review=review, member=row.member, entry=entry)
        self_review_submit(
            actor=None, unit_review=review, member=row.member, on=_aware(due - datetime.timedelta(days=3), index)
        )
    for row in returned:
        self_review_return(
            actor=None,
            self_review=SelfReview.objects.get(unit_review=review, member=row.member),
            reason="Đề nghị đồng chí làm rõ hạn chế, khuyết điểm và nguyên nhân (mục II).",
        )
        self_review_reopen(actor=None, unit_review=review, member=row.member, until=later)
    for row in drafts:
        structure = member_form(review, row.member).structure
        texts = {code: TEXTS.get(code, "") for code in ("A.I.1", "A.I.2") if code in structure.text_codes()}
        self_review_save(actor=None, unit_review=review, member=row.member, entry=SelfReviewEntry(texts=texts))
    if dangvien is not None:
        self_review_reopen(actor=None, unit_review=review, member=dangvien.member, until=later)
    return len(submitted) + len(returned) + len(drafts)
