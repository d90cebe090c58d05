"""Self-reviews (bản kiểm điểm cá nhân) and the collective's report: draft, submit, return, resubmit, remind.

The form's structure comes from the cycle's rule set (``rules.forms``); every level a member may propose is
derived by the rule set (``rate`` with the member's caps): the member may propose that level or a lower one.
Drafts store whatever was typed (text in NFC), even half-typed figures, so nothing is ever lost; the figures are
checked when the member submits.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from members.models import Member
from party_units.access import Actor, Perm, require_actor
from party_units.models import nfc

from ..access import SelfReviewTarget
from ..models import (
    CollectiveReport,
    CycleState,
    Rating,
    ReviewCycle,
    SelfReview,
    SelfReviewState,
    SelfReviewVersion,
    UnitReview,
    fmt,
)
from ..rules import (
    CollectiveFacts,
    CriteriaAssessment,
    FormStructure,
    Grade,
    Level,
    NotRated,
    Outcome,
    RatingMethod,
    ScoreAssessment,
    ScoreConditions,
    SectionKind,
    Subject,
    format_points,
    parse_points,
    score_groups_from_data,
    score_groups_to_data,
)
from ..selectors.eligibility import MemberRow, cell_eligibility
from .progress import CELL_EDITABLE, review_lock, review_touch

MAX_TEXT = 50_000  # characters per field: a long self-review fits, a runaway paste is cut, never a 500
CONDITION_FIELDS: tuple[tuple[str, str], ...] = (
    ("tasks_total", "Tổng số nhiệm vụ được giao trong năm"),
    ("tasks_done", "Số nhiệm vụ đã hoàn thành"),
    ("tasks_on_time", "Số nhiệm vụ hoàn thành đúng tiến độ"),
    ("tasks_exceeding", "Số nhiệm vụ hoàn thành vượt mức"),
    ("shortcomings_total", "Số hạn chế, khuyết điểm được chỉ ra ở kỳ trước"),
    ("shortcomings_fixed", "Số hạn chế, khuyết điểm đã khắc phục"),
)
FILED = (SelfReviewState.SUBMITTED, SelfReviewState.RESUBMITTED)


# -- reading the form ------------------------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """Text as typed, in NFC, without NUL and other control characters (tabs and line breaks kept)."""
    text = nfc(str(value or ""))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_TEXT].strip()


def content_from_data(structure: FormStructure, data, previous: dict | None = None) -> tuple[dict, str]:
    """The ``content`` and proposed level from posted fields (a QueryDict or a plain dict).

    Field names: ``t:<code>`` texts, ``g:<criterion>`` grades, ``s:<score item>`` points, ``c:<condition>``
    counts, ``r:<n>`` remedies of earlier shortcomings (``rs:<n>`` the shortcoming's text), ``cs`` 2019's
    civil-servant level, ``proposed_level``. Only the structure's own keys are kept; figures are kept as typed.
    """
    content: dict = {}
    for code in structure.text_codes():
        content[code] = clean_text(data.get(f"t:{code}", ""))
    if structure.graded_criteria:
        grades = {}
        for criterion in structure.graded_criteria:
            value = data.get(f"g:{criterion.code}", "")
            if value in Grade._value2member_map_:
                grades[criterion.code] = value
        content["grades"] = grades
    if structure.score_groups:
        content["scores"] = {
            item.code: clean_text(data.get(f"s:{item.code}", ""))[:20]
            for group in structure.score_groups
            for item in group.items
        }
        if not structure.collective:
            content["conditions"] = {
                name: clean_text(data.get(f"c:{name}", ""))[:10] for name, _label in CONDITION_FIELDS
            }
    if structure.section(SectionKind.REMEDIES) is not None:
        remedies = []
        index = 0
        while f"rs:{index}" in data and index < 200:
            remedies.append(
                {"shortcoming": clean_text(data.get(f"rs:{index}")), "remedy": clean_text(data.get(f"r:{index}", ""))}
            )
            index += 1
        content["remedies"] = remedies
    if structure.civil_servant_rating:
        value = data.get("cs", "")
        content["civil_servant_level"] = value if value in Level._value2member_map_ else ""
    level = data.get("proposed_level", "")
    return content, level if level in Level._value2member_map_ else ""


@dataclass
class Assessment:
    """What the rule set derives from a form's content: the highest level allowed and why, or what is missing."""

    outcome: Outcome | None = None
    errors: list[str] = field(default_factory=list)
    general: Decimal | None = None
    tasks: Decimal | None = None
    not_rated_reason: str = ""

    @property
    def total(self) -> Decimal | None:
        if self.general is None or self.tasks is None:
            return None
        return self.general + self.tasks

    @property
    def max_level(self) -> Level | None:
        return self.outcome.level if self.outcome is not None else None

    def allowed_levels(self) -> list[Level]:
        """The levels the member may propose: the derived one or a lower one."""
        if self.max_level is None:
            return []
        return [level for level in Level if level.rank >= self.max_level.rank]


def _int_count(value: str, label: str, errors: list[str]) -> int | None:
    if value in ("", None):
        errors.append(_("Chưa nhập «%(label)s».") % {"label": label})
        return None
    try:
        number = parse_points(value, label)
    except ValueError as exc:
        errors.append(str(exc))
        return None
    if number != number.to_integral() or number < 0:
        errors.append(_("«%(label)s» phải là số nguyên không âm.") % {"label": label})
        return None
    return int(number)


def score_totals(structure: FormStructure, scores: dict, errors: list[str]) -> tuple[Decimal | None, Decimal | None]:
    """The two groups' totals from the points typed per item; refuses out-of-range points naming the group and
    its maximum."""
    totals: list[Decimal | None] = []
    for group in structure.score_groups:
        total: Decimal | None = Decimal(0)
        for item in group.items:
            typed = (scores or {}).get(item.code, "")
            where = group.heading if len(group.items) == 1 else f"{group.heading}, tiêu chí «{item.heading}»"
            if typed == "":
                errors.append(_("%(where)s: chưa chấm điểm.") % {"where": where})
                total = None
                continue
            try:
                points = parse_points(typed, where)
            except ValueError as exc:
                errors.append(str(exc))
                total = None
                continue
            if not 0 <= points <= item.max_points:
                errors.append(
                    _("%(where)s: điểm phải từ 0 đến %(max)s (tối đa %(max)s điểm), nhận được %(got)s.")
                    % {"where": where, "max": format_points(item.max_points), "got": format_points(points)}
                )
                total = None
            elif total is not None:
                total += points
        if total is not None and total > group.max_points:
            errors.append(
                _("%(group)s: tổng điểm tối đa %(max)s, nhận được %(got)s.")
                % {"group": group.heading, "max": format_points(group.max_points), "got": format_points(total)}
            )
            total = None
        totals.append(total)
    return (totals[0], totals[1]) if len(totals) == 2 else (None, None)


def assess(
    structure: FormStructure, content: dict, *, rules, period, facts=None, collective: bool = False
) -> Assessment:
    """Ask the rule set for the highest level the content allows (with the subject's caps)."""
    result = Assessment()
    subject_facts = CollectiveFacts() if collective else facts
    if structure.method == RatingMethod.CRITERIA.value:
        grades = content.get("grades") or {}
        missing = [c for c in structure.graded_criteria if c.code not in grades]
        for criterion in missing:
            result.errors.append(_("Chưa tự đánh giá tiêu chí «%(title)s».") % {"title": criterion.title[:80].rstrip()})
        if missing:
            return result
        task = structure.task_result_criterion
        others = tuple(Grade(grades[c.code]) for c in structure.graded_criteria if c is not task)
        assessment = CriteriaAssessment(task_result=Grade(grades[task.code]), others=others)
    else:
        general, tasks = score_totals(structure, content.get("scores") or {}, result.errors)
        result.general, result.tasks = general, tasks
        if collective:
            conditions = ScoreConditions(0, 0, 0)
        else:
            typed = content.get("conditions") or {}
            counts = {name: _int_count(typed.get(name, ""), label, result.errors) for name, label in CONDITION_FIELDS}
            conditions = None
            if None not in counts.values():
                try:
                    conditions = ScoreConditions(**counts)
                except ValueError as exc:
                    result.errors.append(str(exc))
        if result.errors or general is None or tasks is None or conditions is None:
            return result
        assessment = ScoreAssessment(general, tasks, conditions)
    try:
        result.outcome = rules.rate(subject_facts, period, assessment)
    except NotRated as exc:
        result.not_rated_reason = str(exc)
    except ValueError as exc:
        result.errors.append(str(exc))
    return result


# -- finding the member's form ---------------------------------------------------------------------------------


@dataclass
class MemberForm:
    """Everything the self-review page needs about one member in one work item."""

    unit_review: UnitReview
    member: Member
    row: MemberRow | None  # None: the member is not rated here (left, guest, or not in the cell)
    self_review: SelfReview | None
    structure: FormStructure | None
    shortcomings: list[str]

    @property
    def cycle(self) -> ReviewCycle:
        return self.unit_review.cycle

    @property
    def reviews(self) -> bool:
        return self.row is not None and self.row.eligibility.reviews

    @property
    def not_reviewed_reason(self) -> str:
        if self.row is None:
            return _("Đồng chí không sinh hoạt chính thức tại %(unit)s đến cuối kỳ đánh giá.") % {
                "unit": self.unit_review.unit.name
            }
        return self.row.eligibility.reason

    @property
    def content(self) -> dict:
        return self.self_review.content if self.self_review is not None else {}

    @property
    def state(self) -> str:
        return self.self_review.state if self.self_review is not None else ""

    def deadline_passed(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        due = self.cycle.self_review_due
        if due is None or today <= due:
            return False
        reopened = self.self_review.reopened_until if self.self_review is not None else None
        return reopened is None or today > reopened

    def assessment(self) -> Assessment:
        assert self.structure is not None and self.row is not None
        return assess(
            self.structure, self.content, rules=self.cycle.rules(), period=self.cycle.period, facts=self.row.facts
        )


def split_shortcomings(text: str) -> list[str]:
    """One shortcoming per non-empty line, without its bullet or number ("- ", "•", "1.", "a)")."""
    items = []
    for line in (text or "").splitlines():
        line = re.sub(r"^\s*(?:[-•*+–]|\d+[.)]|[a-zđ][.)])\s*", "", line).strip()
        if line:
            items.append(line)
    return items


def previous_shortcomings(member: Member, cycle: ReviewCycle) -> list[str]:
    """The shortcomings the member's cell recorded for them in the latest earlier cycle (the meeting's
    ``Rating.shortcomings``); none when nothing was recorded."""
    rating = (
        Rating.objects.filter(member=member, subject=Subject.MEMBER, unit_review__cycle__end_date__lt=cycle.start_date)
        .exclude(shortcomings="")
        .order_by("-unit_review__cycle__end_date")
        .only("shortcomings")
        .first()
    )
    return split_shortcomings(rating.shortcomings) if rating is not None else []


def member_form(unit_review: UnitReview, member: Member) -> MemberForm:
    """The member's form in this work item: eligibility by the cycle's rule set, the structure of their
    variant (with the cycle's 2025 criteria), their self-review if started, last cycle's shortcomings."""
    cycle = unit_review.cycle
    eligibility = cell_eligibility(unit_review.unit, cycle)
    row = next((r for r in eligibility.rows if r.member.pk == member.pk), None)
    self_review = SelfReview.objects.filter(unit_review=unit_review, member=member).first()
    structure = None
    if row is not None and row.eligibility.reviews:
        rules = cycle.rules()
        groups = cycle.score_groups() if rules.method is RatingMethod.SCORE_100 else None
        if self_review is not None:
            structure = rules.form_structure(
                rules.variant_for_code(self_review.form_code), leader=self_review.leader, score_groups=groups
            )
        else:
            structure = rules.member_form(row.facts, score_groups=groups)
    return MemberForm(
        unit_review=unit_review,
        member=member,
        row=row,
        self_review=self_review,
        structure=structure,
        shortcomings=previous_shortcomings(member, cycle),
    )


def current_unit_review(member: Member) -> UnitReview | None:
    """The work item of the member's current cell in the newest open cycle that governs it."""
    membership = member.memberships.official().current().select_related("unit").order_by("-start_date").first()
    if membership is None:
        return None
    return (
        UnitReview.objects.filter(unit=membership.unit, cycle__state=CycleState.OPEN)
        .select_related("cycle", "cycle__issuing_unit", "unit")
        .order_by("-cycle__end_date")
        .first()
    )


# -- the member's moves ----------------------------------------------------------------------------------------


def _editable(form: MemberForm, locked: UnitReview) -> None:
    if not form.reviews:
        raise ValidationError(
            _("%(name)s không phải làm bản kiểm điểm trong kỳ này: %(reason)s")
            % {"name": form.member.full_name, "reason": form.not_reviewed_reason}
        )
    if locked.state not in CELL_EDITABLE:
        raise ValidationError(_("Chi bộ đã gửi đề nghị xếp loại lên cấp trên: không thể sửa bản kiểm điểm."))
    if form.self_review is not None and not form.self_review.is_editable_by_member:
        raise ValidationError(
            _("Bản kiểm điểm đã nộp (%(state)s): không thể sửa. Nếu cần sửa, hãy đề nghị bí thư chi bộ trả lại.")
            % {"state": SelfReviewState(form.self_review.state).label}
        )


def self_review_save(
    *, actor: Actor, unit_review: UnitReview, member: Member, data, autosave: bool = False
) -> tuple[SelfReview, Assessment]:
    """Save the member's draft as typed (creating it on the first save); returns it and what the rule set
    derives from it so far. Refused in a closed cycle, for a member who is not reviewed, once submitted."""
    require_actor(actor, Perm.SELF_REVIEW, SelfReviewTarget(unit_review, member))
    with transaction.atomic():
        locked = review_lock(unit_review)
        form = member_form(locked, member)
        _editable(form, locked)
        content, level = content_from_data(form.structure, data)
        review = form.self_review
        if review is None:
            review = SelfReview.objects.create(
                unit_review=locked,
                member=member,
                form_code=form.structure.variant.code,
                leader=form.structure.leader,
                content=content,
                proposed_level=level,
            )
            review_touch(locked)
            audit_log(actor=actor, action="self_review.started", obj=review, after={"form": review.form_code})
        else:
            review.content, review.proposed_level = content, level
        form.self_review = review
        assessment = form.assessment()
        review.general_score, review.tasks_score = assessment.general, assessment.tasks
        review.save()
    return review, assessment


def self_review_submit(
    *, actor: Actor, unit_review: UnitReview, member: Member, on: datetime.datetime | None = None
) -> SelfReview:
    """Submit (or resubmit after a return): every criterion assessed, a proposed level no higher than the rule
    set allows, before the deadline unless the secretary reopened the form. Keeps the version, audited.

    ``on``: the moment of a past submission the system records (demo data, an import); only for ``actor=None``.
    """
    require_actor(actor, Perm.SELF_REVIEW, SelfReviewTarget(unit_review, member))
    if on is not None and actor is not None:
        raise PermissionDenied
    moment = on or timezone.now()
    with transaction.atomic():
        locked = review_lock(unit_review)
        form = member_form(locked, member)
        review = form.self_review
        if review is None:
            raise ValidationError(_("Chưa có bản kiểm điểm để nộp: hãy viết và lưu trước."))
        if review.state in FILED:
            raise ValidationError(_("Bản kiểm điểm đã được nộp."))
        _editable(form, locked)
        if form.deadline_passed(timezone.localdate(moment)):
            raise ValidationError(
                _("Đã quá hạn nộp bản kiểm điểm (%(day)s). Hãy đề nghị bí thư chi bộ mở lại để nộp muộn.")
                % {"day": fmt(form.cycle.self_review_due)}
            )
        assessment = form.assessment()
        errors = list(assessment.errors)
        if not any(review.content.get(c.code) for c in form.structure.criteria):
            errors.append(_("Chưa viết nội dung ưu điểm, kết quả đạt được (mục I)."))
        if assessment.outcome is not None:
            if not review.proposed_level:
                errors.append(_("Chưa chọn mức tự đề xuất xếp loại."))
            elif Level(review.proposed_level).rank < assessment.outcome.level.rank:
                errors.append(
                    _("Mức tự đề xuất «%(level)s» cao hơn mức được phép theo tự đánh giá: «%(max)s».")
                    % {"level": Level(review.proposed_level).label, "max": assessment.outcome.level.label}
                )
        elif assessment.not_rated_reason and review.proposed_level:
            review.proposed_level = ""  # reviewed but not rated (2019, admitted < 6 months): no level
        if (
            form.structure.civil_servant_rating
            and assessment.outcome is not None
            and member.in_political_system
            and not review.content.get("civil_servant_level")
        ):
            errors.append(_("Chưa nhập mức xếp loại cán bộ, công chức, viên chức."))
        if errors:
            raise ValidationError(errors)
        before = review.state
        review.state = SelfReviewState.RESUBMITTED if before == SelfReviewState.RETURNED else SelfReviewState.SUBMITTED
        review.submitted_at = moment
        review.general_score, review.tasks_score = assessment.general, assessment.tasks
        review.save()
        previous = review.versions.order_by("-number").first()
        version = SelfReviewVersion.objects.create(
            self_review=review,
            number=(previous.number + 1) if previous else 1,
            content=review.content,
            proposed_level=review.proposed_level,
            general_score=review.general_score,
            tasks_score=review.tasks_score,
            submitted_at=review.submitted_at,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        rating, _created = Rating.objects.get_or_create(
            unit_review=locked, subject=Subject.MEMBER, member=member, defaults={"self_level": review.proposed_level}
        )
        if rating.self_level != review.proposed_level:
            rating.self_level = review.proposed_level
            rating.save(update_fields=["self_level", "updated_at"])
        review_touch(locked)
        changed = sorted(_changed_keys(previous.content if previous else {}, review.content))
        audit_log(
            actor=actor,
            action="self_review.resubmitted" if before == SelfReviewState.RETURNED else "self_review.submitted",
            obj=review,
            before={"state": before, "proposed_level": previous.proposed_level if previous else ""},
            after={
                "state": review.state,
                "version": version.number,
                "proposed_level": review.proposed_level,
                "changed": changed if previous else [],
            },
        )
    return review


def _changed_keys(old: dict, new: dict) -> set[str]:
    return {key for key in set(old) | set(new) if old.get(key) != new.get(key)}


# -- the secretary's moves -------------------------------------------------------------------------------------


def self_review_return(*, actor: Actor, self_review: SelfReview, reason: str) -> SelfReview:
    """Send a submitted self-review back to its member with a reason; the member is notified."""
    require_actor(actor, Perm.HOLD_MEETING, self_review)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do trả lại bản kiểm điểm.")})
    with transaction.atomic():
        locked = review_lock(self_review.unit_review_id)
        review = SelfReview.objects.select_for_update().select_related("member").get(pk=self_review.pk)
        if review.state not in FILED:
            raise ValidationError(
                _("Chỉ trả lại được bản kiểm điểm đã nộp (bản này: %(state)s).")
                % {"state": SelfReviewState(review.state).label}
            )
        if locked.state not in CELL_EDITABLE:
            raise ValidationError(_("Chi bộ đã gửi đề nghị xếp loại lên cấp trên: không thể trả lại bản kiểm điểm."))
        before = review.state
        review.state, review.return_reason = SelfReviewState.RETURNED, reason
        review.save(update_fields=["state", "return_reason", "updated_at"])
        now = timezone.now()
        review.versions.filter(returned_at__isnull=True).update(
            returned_at=now,
            return_reason=reason,
            returned_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        review_touch(locked)
        audit_log(
            actor=actor,
            action="self_review.returned",
            obj=review,
            before={"state": before},
            after={"state": review.state},
            note=reason,
        )
        if review.member.user_id:
            from .notifications import notify

            notify(
                actor=actor,
                users=[review.member.user_id],
                kind="self_review.returned",
                text=_("Bản kiểm điểm năm %(year)s của đồng chí được trả lại: %(reason)s")
                % {"year": locked.cycle.year, "reason": reason[:300]},
                url=reverse("appraisal:self_review", args=[locked.pk, review.member_id]),
            )
    return review


def self_review_reopen(*, actor: Actor, unit_review: UnitReview, member: Member, until: datetime.date) -> SelfReview:
    """Let a member submit after the deadline, until ``until`` (the secretary's decision, audited)."""
    require_actor(actor, Perm.HOLD_MEETING, SelfReviewTarget(unit_review, member))
    today = timezone.localdate()
    if until < today:
        raise ValidationError({"until": _("Ngày được nộp muộn phải từ hôm nay trở đi.")})
    with transaction.atomic():
        locked = review_lock(unit_review)
        if locked.state not in CELL_EDITABLE:
            raise ValidationError(
                _("Chi bộ đã gửi đề nghị xếp loại lên cấp trên: không thể mở lại bản kiểm điểm để nộp muộn.")
            )
        form = member_form(locked, member)
        if not form.reviews:
            raise ValidationError(
                _("%(name)s không phải làm bản kiểm điểm trong kỳ này: %(reason)s")
                % {"name": member.full_name, "reason": form.not_reviewed_reason}
            )
        review = form.self_review
        if review is not None and review.state in FILED:
            raise ValidationError(_("Bản kiểm điểm đã được nộp: không cần mở lại."))
        if review is None:
            review = SelfReview.objects.create(
                unit_review=locked,
                member=member,
                form_code=form.structure.variant.code,
                leader=form.structure.leader,
            )
        before = review.reopened_until
        review.reopened_until = until
        review.save(update_fields=["reopened_until", "updated_at"])
        review_touch(locked)
        audit_log(
            actor=actor,
            action="self_review.reopened",
            obj=review,
            before={"reopened_until": before.isoformat() if before else None},
            after={"reopened_until": until.isoformat()},
        )
    return review


@dataclass
class CellRow:
    """One line of the secretary's view."""

    row: MemberRow
    self_review: SelfReview | None

    @property
    def member(self) -> Member:
        return self.row.member

    @property
    def required(self) -> bool:
        return self.row.eligibility.reviews

    @property
    def state(self) -> str:
        return self.self_review.state if self.self_review is not None else "not_started"

    @property
    def state_label(self) -> str:
        if self.self_review is None:
            return _("Chưa bắt đầu")
        return SelfReviewState(self.self_review.state).label

    @property
    def filed(self) -> bool:
        return self.self_review is not None and self.self_review.state in FILED


@dataclass
class CellSelfReviews:
    unit_review: UnitReview
    rows: list[CellRow]
    late: bool  # the deadline has passed

    @property
    def required(self) -> list[CellRow]:
        return [r for r in self.rows if r.required]

    @property
    def exempt(self) -> list[CellRow]:
        return [r for r in self.rows if not r.required]

    @property
    def not_filed(self) -> list[CellRow]:
        return [r for r in self.required if not r.filed]

    def counts(self) -> list[tuple[str, int]]:
        labels = [("not_started", _("Chưa bắt đầu"))] + [(s.value, s.label) for s in SelfReviewState]
        return [(label, sum(1 for r in self.required if r.state == value)) for value, label in labels]


def cell_self_reviews(unit_review: UnitReview) -> CellSelfReviews:
    """Every member of the cell with the state of their self-review; a constant number of queries."""
    eligibility = cell_eligibility(unit_review.unit, unit_review.cycle)
    reviews = {r.member_id: r for r in SelfReview.objects.filter(unit_review=unit_review)}
    due = unit_review.cycle.self_review_due
    return CellSelfReviews(
        unit_review=unit_review,
        rows=[CellRow(row, reviews.get(row.member.pk)) for row in eligibility.rows],
        late=due is not None and timezone.localdate() > due,
    )


def self_review_remind(*, actor: Actor, unit_review: UnitReview) -> int:
    """Remind every member who must file and has not (not started, draft, returned): a notice on their home
    page and an e-mail, never twice the same day. Returns how many were reminded now."""
    require_actor(actor, Perm.HOLD_MEETING, unit_review)
    from .notifications import notify

    if unit_review.cycle.state != CycleState.OPEN:
        raise ValidationError(_("Kỳ đánh giá không ở trạng thái đang triển khai: không thể nhắc nộp."))
    with transaction.atomic():
        view = cell_self_reviews(unit_review)
        users = [r.member.user_id for r in view.not_filed if r.member.user_id]
        due = unit_review.cycle.self_review_due
        text = _("Nhắc nộp bản kiểm điểm cá nhân năm %(year)s (%(unit)s)") % {
            "year": unit_review.cycle.year,
            "unit": unit_review.unit.name,
        }
        if due:
            text += _(", hạn nộp %(day)s.") % {"day": fmt(due)}
        created = notify(
            actor=actor,
            users=users,
            kind="self_review.reminder",
            text=text,
            url=reverse("appraisal:my_self_review"),
            dedupe_key=f"self_review.reminder:{unit_review.pk}",
        )
        audit_log(
            actor=actor,
            action="self_review.reminded",
            obj=unit_review,
            after={"reminded": [n.user_id for n in created], "without_account": len(view.not_filed) - len(users)},
        )
    return len(created)


# -- the collective's report -----------------------------------------------------------------------------------


def collective_structure(unit_review: UnitReview) -> FormStructure:
    return unit_review.cycle.rules().collective_form_structure()


def collective_assessment(unit_review: UnitReview, content: dict) -> Assessment:
    return assess(
        collective_structure(unit_review),
        content,
        rules=unit_review.cycle.rules(),
        period=unit_review.cycle.period,
        collective=True,
    )


def collective_report_save(*, actor: Actor, unit_review: UnitReview, data, complete: bool = False) -> CollectiveReport:
    """Save the cell's own report (by the secretary); ``complete`` also marks it done, which needs every
    criterion assessed and a proposed level no higher than the rule set allows."""
    require_actor(actor, Perm.HOLD_MEETING, unit_review)
    with transaction.atomic():
        locked = review_lock(unit_review)
        if locked.state not in CELL_EDITABLE:
            raise ValidationError(_("Chi bộ đã gửi đề nghị xếp loại lên cấp trên: không thể sửa báo cáo."))
        structure = collective_structure(locked)
        content, level = content_from_data(structure, data)
        assessment = collective_assessment(locked, content)
        report = CollectiveReport.objects.filter(unit_review=locked).first() or CollectiveReport(
            unit_review=locked, form_code=structure.variant.code
        )
        before = report.state if report.pk else None
        if complete:
            errors = list(assessment.errors)
            if assessment.outcome is not None and not level:
                errors.append(_("Chưa chọn mức tự đề xuất xếp loại."))
            elif assessment.outcome is not None and Level(level).rank < assessment.outcome.level.rank:
                errors.append(
                    _("Mức tự đề xuất «%(level)s» cao hơn mức được phép theo tự đánh giá: «%(max)s».")
                    % {"level": Level(level).label, "max": assessment.outcome.level.label}
                )
            if errors:
                raise ValidationError(errors)
            report.state = SelfReviewState.SUBMITTED
            report.submitted_at = timezone.now()
        elif report.state in FILED:
            report.state = SelfReviewState.DRAFT
        report.content, report.proposed_level = content, level
        report.general_score, report.tasks_score = assessment.general, assessment.tasks
        report.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save()
        review_touch(locked)
        if complete or before is None:
            audit_log(
                actor=actor,
                action="collective_report.completed" if complete else "collective_report.started",
                obj=report,
                before={"state": before},
                after={"state": report.state, "proposed_level": level},
            )
    return report


# -- the 2025 criteria list of a cycle -------------------------------------------------------------------------


def cycle_score_criteria_update(*, actor: Actor, cycle: ReviewCycle, data: dict) -> ReviewCycle:
    """The issuing committee details the 2025 criteria and points before the cycle opens (each group must add
    up to 30 / 70); an empty list goes back to the central groups."""
    require_actor(actor, Perm.MANAGE_CYCLES, cycle)
    if cycle.rules().method is not RatingMethod.SCORE_100:
        raise ValidationError(_("Bộ quy tắc của kỳ này không chấm điểm theo thang 100 điểm."))
    if cycle.state != CycleState.DRAFT:
        raise ValidationError(_("Chỉ sửa tiêu chí chấm điểm khi kỳ đánh giá đang soạn (chưa mở)."))
    try:
        groups = score_groups_from_data(data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        before = locked.score_criteria
        locked.score_criteria = score_groups_to_data(groups) if data else {}
        locked.save(update_fields=["score_criteria"])
        audit_log(
            actor=actor,
            action="review_cycle.score_criteria_updated",
            obj=locked,
            before=before,
            after=locked.score_criteria,
        )
    return locked
