"""Self-reviews (bản kiểm điểm cá nhân) and the collective's report: draft, submit, return, resubmit, remind.

The form's structure comes from the cycle's rule set (``rules.forms``); every level a member may propose is
derived by the rule set (``rate`` with the member's caps): the member may propose that level or a lower one.
Drafts store whatever was typed (text in NFC), even half-typed figures, so nothing is ever lost; the figures are
checked when the member submits.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
    FormStructure,
    Grade,
    Level,
    RatingMethod,
    SectionKind,
    Subject,
    score_groups_from_data,
    score_groups_to_data,
)
from ..selectors.self_reviews import (
    CONDITION_FIELDS,
    FILED,
    Assessment,
    MemberForm,
    cell_self_reviews,
    collective_assessment,
    collective_structure,
    member_form,
)
from .progress import CELL_EDITABLE, review_lock, review_touch

MAX_TEXT = 50_000  # characters per field: a long self-review fits, a runaway paste is cut, never a 500
SCORE_CHARS, COUNT_CHARS = 20, 10  # a typed figure is kept as typed, up to this many characters
MAX_REMEDIES = 200


# -- what a form gives the services ----------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """Text as typed, in NFC, without NUL and other control characters (tabs and line breaks kept)."""
    text = nfc(str(value or ""))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_TEXT].strip()


@dataclass(frozen=True)
class Remedy:
    shortcoming: str  # as recorded by the last cycle
    remedy: str  # what the member did about it


@dataclass(frozen=True)
class SelfReviewEntry:
    """A member's self-review (or the cell's own report) as its form read it (``appraisal.self_review_forms``):
    texts by the structure's codes, self-grades (2019, 2023), points and hard-condition counts as typed (2025: a
    draft keeps half-typed figures; the rule set checks them on submit), the remedies of last cycle's
    shortcomings, 2019's civil-servant level, the proposed level."""

    texts: Mapping[str, str] = field(default_factory=dict)
    grades: Mapping[str, Grade] = field(default_factory=dict)
    scores: Mapping[str, str] = field(default_factory=dict)
    conditions: Mapping[str, str] = field(default_factory=dict)
    remedies: tuple[Remedy, ...] = ()
    civil_servant_level: Level | None = None
    proposed_level: Level | None = None

    def content(self, structure: FormStructure) -> dict:
        """The stored ``content``: the structure's own keys only, every one of them present."""
        content: dict = {code: clean_text(self.texts.get(code, "")) for code in structure.text_codes()}
        if structure.graded_criteria:
            content["grades"] = {
                c.code: Grade(self.grades[c.code]).value for c in structure.graded_criteria if c.code in self.grades
            }
        if structure.score_groups:
            content["scores"] = {
                item.code: clean_text(self.scores.get(item.code, ""))[:SCORE_CHARS]
                for group in structure.score_groups
                for item in group.items
            }
            if not structure.collective:
                content["conditions"] = {
                    name: clean_text(self.conditions.get(name, ""))[:COUNT_CHARS] for name, _label in CONDITION_FIELDS
                }
        if structure.section(SectionKind.REMEDIES) is not None:
            content["remedies"] = [
                {"shortcoming": clean_text(r.shortcoming), "remedy": clean_text(r.remedy)}
                for r in self.remedies[:MAX_REMEDIES]
            ]
        if structure.civil_servant_rating:
            content["civil_servant_level"] = self.civil_servant_level.value if self.civil_servant_level else ""
        return content

    @property
    def level(self) -> str:
        return self.proposed_level.value if self.proposed_level else ""


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


def _start(unit_review: UnitReview, member: Member, structure: FormStructure, **values: Any) -> SelfReview:
    """Create the member's self-review on the form the rule set gives them (``values``: what it starts with)."""
    return SelfReview.objects.create(
        unit_review=unit_review,
        member=member,
        form_code=structure.variant.code,
        leader=structure.leader,
        **values,
    )


def self_review_save(
    *, actor: Actor, unit_review: UnitReview, member: Member, entry: SelfReviewEntry, autosave: bool = False
) -> tuple[SelfReview, Assessment]:
    """Save the member's draft as typed (creating it on the first save); returns it and what the rule set
    derives from it so far. Refused in a closed cycle, for a member who is not reviewed, once submitted."""
    require_actor(actor, Perm.SELF_REVIEW, SelfReviewTarget(unit_review, member))
    with transaction.atomic():
        locked = review_lock(unit_review)
        form = member_form(locked, member)
        _editable(form, locked)
        assert form.structure is not None  # _editable: the member reviews here
        content, level = entry.content(form.structure), entry.level
        review = form.self_review
        if review is None:
            review = _start(locked, member, form.structure, content=content, proposed_level=level)
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
            assert form.structure is not None  # form.reviews: the member reviews here
            review = _start(locked, member, form.structure)
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


def collective_report_save(
    *, actor: Actor, unit_review: UnitReview, entry: SelfReviewEntry, complete: bool = False
) -> CollectiveReport:
    """Save the cell's own report (by the secretary); ``complete`` also marks it done, which needs every
    criterion assessed and a proposed level no higher than the rule set allows."""
    require_actor(actor, Perm.HOLD_MEETING, unit_review)
    with transaction.atomic():
        locked = review_lock(unit_review)
        if locked.state not in CELL_EDITABLE:
            raise ValidationError(_("Chi bộ đã gửi đề nghị xếp loại lên cấp trên: không thể sửa báo cáo."))
        structure = collective_structure(locked)
        content, level = entry.content(structure), entry.level
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
