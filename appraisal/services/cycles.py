"""Workflows of review cycles. Each runs in one transaction and writes the audit log.

``actor`` is the acting user, whose right is checked again here (PermissionDenied), or None for the system
(demo data, management commands).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, diff, snapshot
from party_units.access import Actor, Perm, require_actor
from party_units.models import PartyUnit

from ..models import (
    DEADLINE_FIELDS,
    CycleState,
    GuidanceDocument,
    PeriodKind,
    ReviewCycle,
    UnitReview,
)
from ..selectors.cycles import unfinished_units
from .tallies import committee_counts_add, committee_counts_rebuild, counts_create

CYCLE_FIELDS = [
    "title",
    "issuing_unit_id",
    "period_kind",
    "year",
    "quarter",
    "start_date",
    "end_date",
    "rule_set",
    "rule_options",
    "parent_id",
    *[name for name, _label in DEADLINE_FIELDS],
    "state",
]
BULK_BATCH = 1000


def cycle_create(
    *,
    actor: Actor,
    issuing_unit: PartyUnit,
    title: str,
    year: int,
    rule_set: str,
    period_kind: str = PeriodKind.YEAR,
    quarter: int | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    rule_options: dict | None = None,
    guidance_documents: Iterable[GuidanceDocument] = (),
    parent: ReviewCycle | None = None,
    **deadlines: datetime.date | None,
) -> ReviewCycle:
    """Create a cycle in draft. ``deadlines``: self_review_due, meetings_due, proposals_due, decisions_due,
    report_due. Refused (ValidationError) when anything is inconsistent, with the reason in Vietnamese."""
    require_actor(actor, Perm.MANAGE_CYCLES, issuing_unit)
    unknown = set(deadlines) - {name for name, _label in DEADLINE_FIELDS}
    if unknown:
        raise TypeError(f"Unknown deadline(s): {', '.join(sorted(unknown))}")
    if not issuing_unit.is_active or issuing_unit.is_cell:
        raise ValidationError(_("Chỉ cấp ủy đang hoạt động (có tổ chức đảng trực thuộc) mới ban hành kỳ đánh giá."))
    cycle = ReviewCycle(
        title=title,
        issuing_unit=issuing_unit,
        period_kind=period_kind,
        year=year,
        quarter=quarter,
        start_date=start_date,
        end_date=end_date,
        rule_set=rule_set,
        rule_options=rule_options or {},
        parent=parent,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **deadlines,
    )
    documents = list(guidance_documents)
    cycle.fill_period()
    with transaction.atomic():
        cycle.full_clean()
        if parent is None:
            _refuse_uncascaded_duplicate(cycle)
        _check_documents(cycle, documents)
        cycle.save()
        cycle.guidance_documents.set(documents)
        after = snapshot(cycle, CYCLE_FIELDS) | {"guidance_documents": [d.code for d in documents]}
        audit_log(actor=actor, action="review_cycle.created", obj=cycle, after=after)
    return cycle


def _refuse_uncascaded_duplicate(cycle: ReviewCycle) -> None:
    """A committee under a higher committee's cycle for the same period must cascade it (name it as parent),
    otherwise its units would get a second work item for the same review."""
    higher = (
        ReviewCycle.objects.filter(
            issuing_unit_id__in=cycle.issuing_unit.ancestor_ids()[:-1],
            start_date=cycle.start_date,
            end_date=cycle.end_date,
        )
        .exclude(state=CycleState.CLOSED)
        .select_related("issuing_unit")
        .first()
    )
    if higher is not None:
        raise ValidationError(
            {
                "parent": _("%(unit)s đã có kỳ đánh giá «%(title)s» cho cùng thời gian: hãy chọn làm kỳ cấp trên.")
                % {"unit": higher.issuing_unit.name, "title": higher.title}
            }
        )


def _check_documents(cycle: ReviewCycle, documents: list[GuidanceDocument]) -> None:
    """A cycle cites its own committee's documents, those of committees above it, and central ones."""
    allowed = set(cycle.issuing_unit.ancestor_ids())
    for document in documents:
        if document.issuing_unit_id is not None and document.issuing_unit_id not in allowed:
            raise ValidationError(
                {
                    "guidance_documents": _("Văn bản %(code)s không phải của cấp ủy ban hành hoặc cấp trên.")
                    % {"code": document.code}
                }
            )


def _lock(cycle: ReviewCycle, actor: Actor) -> ReviewCycle:
    require_actor(actor, Perm.MANAGE_CYCLES, cycle)
    return ReviewCycle.objects.select_for_update(of=("self",)).select_related("issuing_unit", "parent").get(pk=cycle.pk)


def _lock_in_state(cycle: ReviewCycle, actor: Actor, state: CycleState, refusal: str) -> ReviewCycle:
    """``_lock``, refused with ``refusal`` (which names the state the cycle is in) unless the cycle is in ``state``."""
    locked = _lock(cycle, actor)
    if locked.state != state:
        raise ValidationError(refusal % {"state": locked.get_state_display()})
    return locked


EDITABLE_FIELDS = ["title", *[name for name, _label in DEADLINE_FIELDS]]


def cycle_update(
    *,
    actor: Actor,
    cycle: ReviewCycle,
    title: str,
    guidance_documents: Iterable[GuidanceDocument] = (),
    **deadlines: datetime.date | None,
) -> ReviewCycle:
    """Correct a cycle's title, guidance documents and deadlines while it is not closed. Its period, rule set
    and cascade stay as created: the work items and the eligibility of every unit depend on them."""
    unknown = set(deadlines) - {name for name, _label in DEADLINE_FIELDS}
    if unknown:
        raise TypeError(f"Unknown deadline(s): {', '.join(sorted(unknown))}")
    documents = list(guidance_documents)
    with transaction.atomic():
        locked = _lock(cycle, actor)
        if locked.state == CycleState.CLOSED:
            raise ValidationError(_("Kỳ đánh giá đã kết thúc: không sửa được nữa."))
        before = snapshot(locked, EDITABLE_FIELDS) | {
            "guidance_documents": sorted(locked.guidance_documents.values_list("code", flat=True))
        }
        locked.title = title
        for name, _label in DEADLINE_FIELDS:
            setattr(locked, name, deadlines.get(name))
        locked.full_clean()
        _check_documents(locked, documents)
        locked.save(update_fields=EDITABLE_FIELDS)
        locked.guidance_documents.set(documents)
        after = snapshot(locked, EDITABLE_FIELDS) | {"guidance_documents": sorted(d.code for d in documents)}
        old, new = diff(before, after)
        if new:
            audit_log(actor=actor, action="review_cycle.updated", obj=locked, before=old, after=new)
    return locked


def cycle_open(*, actor: Actor, cycle: ReviewCycle) -> int:
    """Open a draft cycle: the work item of every active cell and committee in the issuer's subtree, in one
    bulk insert. Returns the number of work items the cycle now governs."""
    with transaction.atomic():
        refusal = _("Chỉ mở được kỳ đánh giá đang soạn; kỳ này đang ở trạng thái «%(state)s».")
        locked = _lock_in_state(cycle, actor, CycleState.DRAFT, refusal)
        if locked.parent is not None and locked.parent.state == CycleState.CLOSED:
            raise ValidationError(_("Kỳ đánh giá cấp trên đã kết thúc: không thể mở kỳ triển khai."))
        before = snapshot(locked, ["state", "opened_at"])
        locked.state = CycleState.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=["state", "opened_at"])
        created, adopted = ensure_unit_reviews(locked)
        audit_log(
            actor=actor,
            action="review_cycle.opened",
            obj=locked,
            before=before,
            after=snapshot(locked, ["state", "opened_at"]) | {"created": created, "adopted": adopted},
        )
    cycle.state, cycle.opened_at = locked.state, locked.opened_at
    return created + adopted


def cycle_sync_scope(*, actor: Actor, cycle: ReviewCycle) -> int:
    """Add the work items of units founded since the cycle opened. Returns how many were added."""
    with transaction.atomic():
        locked = _lock(cycle, actor)
        if locked.state != CycleState.OPEN:
            raise ValidationError(_("Chỉ cập nhật phạm vi của kỳ đánh giá đang triển khai."))
        created, adopted = ensure_unit_reviews(locked)
        if created or adopted:
            audit_log(
                actor=actor,
                action="review_cycle.scope_synced",
                obj=locked,
                after={"created": created, "adopted": adopted},
            )
    return created + adopted


def ensure_unit_reviews(cycle: ReviewCycle) -> tuple[int, int]:
    """Make ``cycle`` govern one work item per active unit of its issuer's subtree. Idempotent.

    Items the cascade already holds under a higher cycle are handed to this, more specific, cycle (one
    UPDATE); those held by a lower cycle stay with it; the missing ones are inserted in one bulk_create.
    A constant number of queries whatever the size of the subtree. Returns (created, adopted).
    """
    issuer = cycle.issuing_unit
    root_id = cycle.root_id_or_self
    joined = _join_lower_cycles(cycle, root_id)
    in_subtree = UnitReview.objects.filter(root_id=root_id, unit__path__startswith=issuer.path)
    adopted = in_subtree.filter(cycle__issuing_unit__depth__lt=issuer.depth).update(cycle=cycle)
    held = UnitReview.objects.filter(root_id=root_id, unit_id=OuterRef("pk"))
    units = list(
        PartyUnit.objects.subtree_of(issuer)
        .filter(is_active=True)
        .exclude(Exists(held))
        .values_list("pk", "kind", "parent_id")
    )
    missing = [UnitReview(root_id=root_id, cycle=cycle, unit_id=pk) for pk, _kind, _parent in units]
    UnitReview.objects.bulk_create(missing, batch_size=BULK_BATCH)
    counts_create(missing)  # their stored counts, zeros
    if joined:  # work items of other cascades joined this one: the committees' rows counted again
        committee_counts_rebuild([root_id, *joined])
    elif units:  # the new items, not started, added to their committees' rows
        committee_counts_add(root_id, units)
    return len(missing), adopted


def _join_lower_cycles(cycle: ReviewCycle, root_id: int) -> list[int]:
    """Lower committees that issued their own cycle for this period before this one existed join this cascade.

    Their top cycles take this cycle as parent, and everything of their cascades (lower cycles, work items)
    takes this cascade's root, so no unit ever has two work items for one review. A lower cycle of the same
    period under another rule set cannot be joined: refused, with the committee named.
    """
    lower_tops = ReviewCycle.objects.filter(
        parent__isnull=True,
        issuing_unit__path__startswith=cycle.issuing_unit.path,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
    ).exclude(pk=cycle.pk)
    found = list(lower_tops.select_related("issuing_unit").order_by("pk"))  # one read for the check and the join
    other_rules = next((lower for lower in found if lower.rule_set != cycle.rule_set), None)
    if other_rules is not None:
        raise ValidationError(
            _("%(unit)s đã có kỳ đánh giá «%(title)s» cùng thời gian theo bộ quy tắc khác (%(rules)s).")
            % {"unit": other_rules.issuing_unit.name, "title": other_rules.title, "rules": other_rules.rule_set_name}
        )
    joined = [lower.pk for lower in found]
    if not joined:
        return []
    lower_tops.update(parent=cycle, root_id=root_id)
    ReviewCycle.objects.filter(root_id__in=joined).update(root_id=root_id)
    UnitReview.objects.filter(root_id__in=joined).update(root_id=root_id)
    return joined


def cycle_close(*, actor: Actor, cycle: ReviewCycle) -> None:
    """Close an open cycle. Lower levels finish before higher ones: refused while a lower cycle is open.

    The page asks for confirmation first, listing what is unfinished (``selectors.unfinished_units``); the audit
    entry keeps how many work items were left in each state."""
    with transaction.atomic():
        refusal = _("Chỉ kết thúc được kỳ đánh giá đang triển khai; kỳ này đang ở trạng thái «%(state)s».")
        locked = _lock_in_state(cycle, actor, CycleState.OPEN, refusal)
        still_open = list(
            locked.children.filter(state=CycleState.OPEN).values_list("issuing_unit__name", flat=True)[:5]
        )
        if still_open:
            raise ValidationError(
                _("Cấp dưới chưa kết thúc kỳ triển khai: %(units)s.") % {"units": ", ".join(still_open)}
            )
        before = snapshot(locked, ["state", "closed_at"])
        locked.state = CycleState.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at"])
        unfinished = {entry.state: entry.count for entry in unfinished_units(locked, first=1)}
        audit_log(
            actor=actor,
            action="review_cycle.closed",
            obj=locked,
            before=before,
            after=snapshot(locked, ["state", "closed_at"]) | ({"unfinished": unfinished} if unfinished else {}),
        )
    cycle.state, cycle.closed_at = locked.state, locked.closed_at


def cycle_reopen(*, actor: Actor, cycle: ReviewCycle, reason: str) -> None:
    """The issuing committee (or one above it) reopens a closed cycle with a recorded reason. Refused while the
    higher cycle it cascades is closed: lower levels finish before higher ones, so reopen that one first."""
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        refusal = _("Chỉ mở lại được kỳ đánh giá đã kết thúc; kỳ này đang ở trạng thái «%(state)s».")
        locked = _lock_in_state(cycle, actor, CycleState.CLOSED, refusal)
        if not reason:
            raise ValidationError({"reason": _("Mở lại kỳ đánh giá đã kết thúc cần ghi rõ lý do.")})
        if locked.parent is not None and locked.parent.state == CycleState.CLOSED:
            raise ValidationError(
                _("Kỳ đánh giá cấp trên «%(title)s» đã kết thúc: cấp trên cần mở lại kỳ đó trước.")
                % {"title": locked.parent.title}
            )
        before = snapshot(locked, ["state", "closed_at"])
        locked.state = CycleState.OPEN
        locked.closed_at = None
        locked.save(update_fields=["state", "closed_at"])
        audit_log(
            actor=actor,
            action="review_cycle.reopened",
            obj=locked,
            before=before,
            after=snapshot(locked, ["state", "closed_at"]) | {"reason": reason},
        )
    cycle.state, cycle.closed_at = locked.state, locked.closed_at
