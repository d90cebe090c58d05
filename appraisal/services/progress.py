"""The work item of a unit in a cycle (``UnitReview``): the one place that locks it and moves its state.

Every workflow that changes a unit's self-reviews, meeting, proposals or decisions starts with
``review_lock`` (a row lock held to the end of the transaction, so two people acting on one unit are
serialised) and ends with ``review_touch`` / ``review_transition``, which bump the revision that forms
carry to detect a concurrent change, count the item's rows again into its stored counts (``UnitReviewCounts``,
``tallies.counts_refresh``: so a workflow calls them after its writes) and write the audit entry of a state
change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.services import audit_log

from ..models import CycleState, UnitReview, UnitReviewState
from .tallies import counts_refresh, tally_apply

# Which state may follow which (ARCHITECTURE: not started → in progress → submitted → (returned ⇄
# resubmitted) → approved; a superior may reopen an approved unit, and a cell may withdraw what it sent).
TRANSITIONS: dict[str, frozenset[str]] = {
    UnitReviewState.NOT_STARTED: frozenset({UnitReviewState.IN_PROGRESS, UnitReviewState.SUBMITTED}),
    UnitReviewState.IN_PROGRESS: frozenset({UnitReviewState.SUBMITTED}),
    UnitReviewState.SUBMITTED: frozenset(
        {UnitReviewState.IN_PROGRESS, UnitReviewState.RETURNED, UnitReviewState.APPROVED}
    ),
    UnitReviewState.RETURNED: frozenset({UnitReviewState.RESUBMITTED}),
    UnitReviewState.RESUBMITTED: frozenset(
        {UnitReviewState.RETURNED, UnitReviewState.APPROVED, UnitReviewState.IN_PROGRESS}
    ),
    UnitReviewState.APPROVED: frozenset({UnitReviewState.IN_PROGRESS}),
}
# States in which the cell may still change its own entries (self-reviews, meeting, proposals).
CELL_EDITABLE = frozenset({UnitReviewState.NOT_STARTED, UnitReviewState.IN_PROGRESS, UnitReviewState.RETURNED})


class ConflictError(ValidationError):
    """Someone else changed the unit's work since the form was drawn."""


def review_lock(review: UnitReview | int, *, revision: int | None = None) -> UnitReview:
    """Reload the work item under a row lock (with its cycle and unit). ``revision``: the one the user's form
    was drawn from; a different current revision raises ConflictError with a Vietnamese message."""
    pk = review.pk if isinstance(review, UnitReview) else review
    locked = (
        UnitReview.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__issuing_unit", "unit")
        .get(pk=pk)
    )
    if locked.cycle.state == CycleState.CLOSED:
        raise ValidationError(_("Kỳ đánh giá đã kết thúc: không thể thay đổi."))
    if revision is not None and locked.revision != revision:
        raise ConflictError(
            _("Người khác vừa thay đổi phần việc của %(unit)s. Trang đã được tải lại với dữ liệu mới nhất.")
            % {"unit": locked.unit.name}
        )
    return locked


def review_touch(review: UnitReview) -> None:
    """Record that the unit's entries changed: bump the revision; a unit not started is now in progress."""
    fields = ["revision", "updated_at"]
    review.revision += 1
    was = review.state
    if review.state == UnitReviewState.NOT_STARTED:
        review.state = UnitReviewState.IN_PROGRESS
        fields.append("state")
    review.save(update_fields=fields)
    counts_refresh(review, was=was)


def review_transition(review: UnitReview, to: str, *, actor, action: str, note: str = "") -> None:
    """Move a locked work item to ``to`` if the state machine allows it, audited as ``action``."""
    if to not in TRANSITIONS.get(review.state, frozenset()):
        raise ValidationError(
            _("Không thể chuyển phần việc của %(unit)s từ «%(from)s» sang «%(to)s».")
            % {
                "unit": review.unit.name,
                "from": UnitReviewState(review.state).label,
                "to": UnitReviewState(to).label,
            }
        )
    before = review.state
    review.state = to
    review.revision += 1
    review.save(update_fields=["state", "revision", "updated_at"])
    counts_refresh(review, was=before)
    if to == UnitReviewState.APPROVED and before != to:
        # The summaries' counts move with the approval, in this transaction (a reopening takes them away in
        # review_reopen, while the decided levels still stand).
        tally_apply(review, 1)
    audit_log(actor=actor, action=action, obj=review, before={"state": before}, after={"state": to}, note=note)
