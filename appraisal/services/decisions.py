"""The superior committee decides a unit's proposals: approve (as they are or with adjusted levels), return
them with a reason, reopen an approved unit, approve many units at once; record ratings from before the system.
The ratings to decide and the quota's counts are read by ``selectors/decisions.py`` and ``selectors/quota.py``;
a committee's quota groups and raised ratio are written by ``services/quota.py``.

The decision belongs to the committee above the unit (``Perm.APPROVE`` on ``review.unit.parent``): ward staff
decide their cells and the cells' members, higher-committee staff decide a ward's own ratings. Every service
locks the unit's work item (``review_lock``, with the form's ``revision`` so a second person deciding the same
unit gets a conflict instead of overwriting), checks the state machine (``review_transition``) and writes the
audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from members.models import Member
from party_units.access import Actor, Perm, require_actor
from party_units.models import PartyUnit, Role, RoleKind

from ..models import (
    PastRating,
    PastRatingSource,
    ProposalRound,
    Rating,
    RoundOutcome,
    UnitReview,
    UnitReviewState,
)
from ..rules import Level, Subject
from ..selectors import quota
from ..selectors.decisions import DECIDABLE, decidable_ratings, decision_groups, who
from .notifications import notify
from .progress import review_lock, review_transition
from .tallies import tally_apply

DECISION_FIELDS = ["decided_level", "decision_reason", "quota_exception_reason"]
LEVELS = {level.value for level in Level}


@dataclass(frozen=True)
class Decision:
    """The committee's level for one rating and, when it differs from the cell's proposal, why."""

    level: str
    reason: str = ""


def _require_superior(actor: Actor, review: UnitReview) -> None:
    """Only the committee above the unit decides it (a ward's staff cannot approve the ward's own ratings)."""
    require_actor(actor, Perm.APPROVE, review.unit.parent)


def _user(actor: Actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _pending_round(review: UnitReview) -> ProposalRound | None:
    return review.rounds.filter(outcome=RoundOutcome.PENDING).order_by("-number").first()


def _close_round(review: UnitReview, outcome: str, *, actor: Actor, reason: str = "") -> None:
    pending = _pending_round(review)
    if pending is None:
        return
    pending.outcome = outcome
    pending.outcome_reason = reason
    pending.outcome_at = timezone.now()
    pending.outcome_by = _user(actor)
    pending.save(update_fields=["outcome", "outcome_reason", "outcome_at", "outcome_by"])
    audit_log(
        actor=actor,
        action=f"proposal_round.{outcome}",
        obj=pending,
        before={"outcome": RoundOutcome.PENDING.value},
        after={"outcome": outcome, "outcome_reason": reason},
    )


def _plan(review: UnitReview, ratings: list[Rating], decisions: Mapping[int, Decision]) -> dict[int, Decision]:
    """The level and reason of every rating, validated: a known level; a reason for a change; no rating
    without a level. Errors are collected so the user sees them all at once."""
    unknown = set(decisions) - {rating.pk for rating in ratings}
    if unknown:
        raise ValidationError(_("Có mục xếp loại không thuộc đơn vị này."))
    planned: dict[int, Decision] = {}
    errors: list[str] = []
    for rating in ratings:
        decision = decisions.get(rating.pk) or Decision(rating.proposed_level)
        level, reason = decision.level or rating.proposed_level, " ".join((decision.reason or "").split())
        if not level:
            errors.append(_("%(who)s chưa có mức đề nghị: cấp ủy cần quyết định mức xếp loại.") % {"who": who(rating)})
            continue
        if level not in LEVELS:
            errors.append(_("Mức xếp loại của %(who)s không hợp lệ.") % {"who": who(rating)})
            continue
        if rating.proposed_level and level != rating.proposed_level and not reason:
            errors.append(
                _("Điều chỉnh mức xếp loại của %(who)s (chi bộ đề nghị: %(proposed)s) cần ghi rõ lý do.")
                % {"who": who(rating), "proposed": Level(rating.proposed_level).label}
            )
            continue
        planned[rating.pk] = Decision(level, reason if level != rating.proposed_level else "")
    if not any(r.subject == Subject.ORGANISATION and r.unit_id == review.unit_id for r in ratings):
        errors.append(
            _("Chưa có đề nghị xếp loại chất lượng của chính %(unit)s: cấp ủy cần xếp loại tổ chức này.")
            % {"unit": review.unit.name}
        )
    if errors:
        raise ValidationError(errors)
    return planned


def _lock_quota_base(review: UnitReview) -> None:
    """Serialise the decisions counted in one quota: lock the committee whose base they share, to the end of
    the transaction. Without it two staff approving two cells of a ward at once each judged the quota against
    counts the other was changing, and together passed it (20 excellent of 40 good under a 20% quota)."""
    base = quota.quota_base(review)
    if base is not None:
        list(PartyUnit.objects.select_for_update().filter(pk=base.pk).values_list("pk", flat=True))


def _check_quota(
    review: UnitReview, ratings: list[Rating], planned: dict[int, Decision], exception_reason: str
) -> list[quota.GroupTally]:
    """The groups the decision breaks (it adds excellent to a group over the quota): refused unless recorded
    as an exception with a reason."""
    groups = decision_groups(review, ratings, {pk: d.level for pk, d in planned.items()})
    broken = [group for group in groups if group.blocks]
    if broken and not exception_reason:
        raise ValidationError(
            [
                _(
                    "Nhóm «%(group)s»: %(message)s Muốn phê duyệt vượt tỷ lệ, cần ghi nhận là trường hợp ngoại lệ "
                    "và nêu lý do."
                )
                % {"group": group.name, "message": group.result.message}
                for group in broken
            ]
        )
    return broken


@transaction.atomic
def proposals_approve(
    *,
    actor: Actor,
    review: UnitReview,
    revision: int | None = None,
    decisions: Mapping[int, Decision] | None = None,
    unit_level: str = "",
    unit_reason: str = "",
    quota_exception_reason: str = "",
) -> UnitReview:
    """Approve a unit's submitted proposals: each rating gets the proposed level or the committee's adjusted
    level (a reason required); ``unit_level`` rates the unit itself when the cell proposed no level for it.
    The quota is checked over the committee's base; a decision beyond it needs ``quota_exception_reason``."""
    locked = review_lock(review, revision=revision)
    _require_superior(actor, locked)
    if locked.state not in DECIDABLE:
        raise ValidationError(
            _("%(unit)s không có đề nghị đang chờ quyết định (tiến độ: %(state)s).")
            % {"unit": locked.unit.name, "state": UnitReviewState(locked.state).label}
        )
    _lock_quota_base(locked)
    ratings = decidable_ratings(locked)
    if unit_level and not any(r.subject == Subject.ORGANISATION and r.unit_id == locked.unit_id for r in ratings):
        unit_rating = Rating.objects.create(unit_review=locked, subject=Subject.ORGANISATION, unit=locked.unit)
        audit_log(actor=actor, action="rating.created", obj=unit_rating, after={"subject": Subject.ORGANISATION.value})
        ratings.append(unit_rating)
        decisions = {**(decisions or {}), unit_rating.pk: Decision(unit_level, unit_reason)}
    planned = _plan(locked, ratings, decisions or {})
    exception_reason = " ".join(quota_exception_reason.split())
    broken = _check_quota(locked, ratings, planned, exception_reason)
    broken_keys = set()
    if broken:
        codes = quota.rating_codes(ratings, locked.root_id)
        grouping = quota.Grouping(locked.cycle.rules(), quota.committee_groups(locked.root_id, locked.unit.parent))
        broken_keys = {
            r.pk
            for r in ratings
            if planned[r.pk].level == quota.EXCELLENT
            and grouping.key(r.subject, codes.get(r.pk, ""))[0] in {g.key for g in broken}
        }
    now, user = timezone.now(), _user(actor)
    for rating in ratings:
        decision = planned[rating.pk]
        before = {name: getattr(rating, name) for name in DECISION_FIELDS}
        rating.decided_level = decision.level
        rating.decision_reason = decision.reason
        rating.quota_exception_reason = exception_reason if rating.pk in broken_keys else ""
        rating.decided_by, rating.decided_at = user, now
        rating.save(update_fields=[*DECISION_FIELDS, "decided_by", "decided_at", "updated_at"])
        after = {name: getattr(rating, name) for name in DECISION_FIELDS}
        action = "rating.quota_exception" if rating.pk in broken_keys else "rating.decided"
        audit_log(actor=actor, action=action, obj=rating, before=before, after=after)
    _close_round(locked, RoundOutcome.APPROVED, actor=actor)
    review_transition(locked, UnitReviewState.APPROVED, actor=actor, action="unit_review.approved")
    _notify_approved(locked, ratings, actor=actor)
    return locked


@transaction.atomic
def proposals_return(*, actor: Actor, review: UnitReview, reason: str, revision: int | None = None) -> UnitReview:
    """Send a unit's proposals back with a reason: the cell corrects and resubmits; both rounds are kept."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Trả lại đề nghị cần ghi rõ lý do để chi bộ sửa."))
    locked = review_lock(review, revision=revision)
    _require_superior(actor, locked)
    _close_round(locked, RoundOutcome.RETURNED, actor=actor, reason=reason)
    review_transition(locked, UnitReviewState.RETURNED, actor=actor, action="unit_review.returned", note=reason)
    message = _("%(committee)s trả lại đề nghị xếp loại của %(unit)s: %(reason)s")
    _notify_secretaries(locked, "proposals.returned", message, actor=actor, reason=reason)
    return locked


@transaction.atomic
def review_reopen(*, actor: Actor, review: UnitReview, reason: str, revision: int | None = None) -> UnitReview:
    """A superior reopens an approved unit with a recorded reason: the cell may correct and submit again.
    The decided levels stay on record (and in the audit log) until the next decision replaces them."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Mở lại kết quả đã phê duyệt cần ghi rõ lý do."))
    locked = review_lock(review, revision=revision)
    _require_superior(actor, locked)
    if locked.state != UnitReviewState.APPROVED:
        # The table also lets a cell withdraw what it sent (submitted → in progress): that is not a reopening.
        raise ValidationError(
            _("Chỉ mở lại được kết quả đã phê duyệt (tiến độ của %(unit)s: %(state)s).")
            % {"unit": locked.unit.name, "state": UnitReviewState(locked.state).label}
        )
    # The decision no longer stands: its levels leave the ratings (they stay in the audit log) until the next
    # decision, so "decided" always means "approved" for the cell's pages, the counts and the documents.
    tally_apply(locked, -1)  # the summaries' counts, before the levels go
    for rating in locked.ratings.exclude(decided_level=""):
        before = {name: getattr(rating, name) for name in DECISION_FIELDS}
        rating.decided_level = rating.decision_reason = rating.quota_exception_reason = ""
        rating.decided_by, rating.decided_at = None, None
        rating.save(update_fields=[*DECISION_FIELDS, "decided_by", "decided_at", "updated_at"])
        audit_log(
            actor=actor,
            action="rating.decision_withdrawn",
            obj=rating,
            before=before,
            after=dict.fromkeys(DECISION_FIELDS, ""),
            note=reason,
        )
    review_transition(locked, UnitReviewState.IN_PROGRESS, actor=actor, action="unit_review.reopened", note=reason)
    message = _("%(committee)s mở lại kết quả xếp loại của %(unit)s: %(reason)s")
    _notify_secretaries(locked, "proposals.reopened", message, actor=actor, reason=reason)
    return locked


@dataclass(frozen=True)
class BulkResult:
    unit: str
    approved: bool
    message: str = ""


def proposals_approve_many(
    *, actor: Actor, reviews: Sequence[tuple[int, int | None]], quota_exception_reason: str = ""
) -> list[BulkResult]:
    """Approve many units' proposals as they are, each in its own transaction and each still checked (state,
    right, quota in the order given, conflicts): one refusal does not stop the others."""
    results = []
    for pk, revision in reviews:
        review = UnitReview.objects.select_related("unit").filter(pk=pk).first()
        if review is None:
            continue
        try:
            proposals_approve(
                actor=actor, review=review, revision=revision, quota_exception_reason=quota_exception_reason
            )
        except ValidationError as exc:
            results.append(BulkResult(review.unit.name, False, " ".join(exc.messages)))
        else:
            results.append(BulkResult(review.unit.name, True))
    return results


# -- ratings from before the system -------------------------------------------------------------------------


@transaction.atomic
def past_rating_record(
    *,
    actor: Actor,
    year: int,
    level: str,
    member: Member | None = None,
    unit: PartyUnit | None = None,
    note: str = "",
    source: str = PastRatingSource.ENTERED,
) -> PastRating:
    """Enter (or correct) a member's or a unit's final rating of a year before the system."""
    if (member is None) == (unit is None):
        raise ValueError("Exactly one of member and unit.")
    require_actor(actor, Perm.MANAGE_MEMBERS, member if member is not None else unit)
    if level not in LEVELS:
        raise ValidationError(_("Mức xếp loại không hợp lệ."))
    this_year = timezone.localdate().year
    if not 1930 <= year <= this_year:
        raise ValidationError(_("Năm phải từ 1930 đến %(year)s.") % {"year": this_year})
    lookup = {"member": member} if member is not None else {"unit": unit}
    found = PastRating.objects.select_for_update().filter(year=year, **lookup).first()
    if found is not None and (found.level, found.note) == (level, note.strip()):
        return found  # the same value again (a re-imported file): nothing changes
    before = {"level": found.level, "note": found.note} if found else None
    if found is None:
        found = PastRating(year=year, **lookup)
    found.level, found.note, found.source, found.recorded_by = level, note.strip(), source, _user(actor)
    found.save()
    audit_log(
        actor=actor,
        action="past_rating.recorded",
        obj=found,
        before=before,
        after={"year": year, "level": level, "note": found.note, "source": source},
    )
    return found


# -- notifications (issue 10, item 7) -----------------------------------------------------------------------


def _secretaries(unit: PartyUnit) -> list[int]:
    return list(Role.objects.filter(unit=unit, kind=RoleKind.SECRETARY).values_list("user_id", flat=True))


def _notify_secretaries(review: UnitReview, kind: str, message: str, *, actor: Actor, **values: str) -> None:
    """Tell the cell's secretaries what the committee did with its proposals (once per kind and revision):
    ``message`` names the committee and the unit as ``%(committee)s`` and ``%(unit)s``, besides ``values``."""
    text = message % {"committee": review.unit.parent.name, "unit": review.unit.name, **values}
    key = f"{kind}:{review.pk}:{review.revision}"
    notify(actor=actor, users=_secretaries(review.unit), kind=kind, text=text, url=_review_url(review), dedupe_key=key)


def _committee_staff(unit: PartyUnit | None) -> list[int]:
    if unit is None:
        return []
    kinds = (RoleKind.WARD_STAFF, RoleKind.HIGHER_STAFF)
    return list(Role.objects.filter(unit=unit, kind__in=kinds).values_list("user_id", flat=True))


def _review_url(review: UnitReview) -> str:
    from django.urls import reverse

    return reverse("appraisal:unit_review", args=[review.cycle_id, review.unit_id])


def _notify_approved(review: UnitReview, ratings: list[Rating], *, actor: Actor) -> None:
    """The secretary learns the unit's proposals were approved; each member with an account their level."""
    from django.urls import reverse

    key = f"{review.pk}:{review.revision}"
    message = _("%(committee)s đã phê duyệt kết quả xếp loại của %(unit)s.")
    _notify_secretaries(review, "proposals.approved", message, actor=actor)
    for rating in ratings:
        if rating.subject != Subject.MEMBER or not rating.member.user_id:
            continue
        notify(
            actor=actor,
            users=[rating.member.user_id],
            kind="rating.decided",
            text=_("Kết quả xếp loại của đồng chí trong %(cycle)s: %(level)s.")
            % {"cycle": review.cycle.title, "level": Level(rating.decided_level).label},
            url=reverse("members:detail", args=[rating.member_id]),
            dedupe_key=f"rating.decided:{rating.pk}:{key}",
        )


def notify_proposals_submitted(review: UnitReview, *, actor: Actor) -> None:
    """Tell the committee's staff that a cell submitted (or resubmitted) its proposals; the meeting's submit
    service calls this in its transaction."""
    from django.urls import reverse

    notify(
        actor=actor,
        users=_committee_staff(review.unit.parent),
        kind="proposals.submitted",
        text=_("%(unit)s đã gửi đề nghị xếp loại (%(state)s).")
        % {"unit": review.unit.name, "state": UnitReviewState(review.state).label.lower()},
        url=reverse("appraisal:decision", args=[review.pk]),
        dedupe_key=f"proposals.submitted:{review.pk}:{review.revision}",
    )
