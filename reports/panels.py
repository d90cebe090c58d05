"""What the reports app adds to the pages of the apps below it (``party_units.panels.object_panels``), so those
apps offer its documents without importing it."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F
from django.utils.translation import gettext as _

from appraisal.models import Rating, SelfReviewState, UnitReviewState
from appraisal.services.progress import CELL_EDITABLE
from party_units.access import can
from party_units.panels import Panel

from .models import IssuedNumber
from .selectors import rerating_subject, subject_key
from .services import ISSUERS


def decision_panels(request, review) -> list[Panel]:  # noqa: ARG001 - the hook's signature
    """An approved unit's decision page: the decision re-rating (Mẫu 03) of every subject whose level the
    committee changed, as a draft or issued with its number from the register (two queries)."""
    if review.state != UnitReviewState.APPROVED or review.unit.parent_id is None:
        return []
    ratings = list(
        Rating.objects.filter(unit_review=review)
        .exclude(decided_level="")
        .exclude(proposed_level="")
        .exclude(decided_level=F("proposed_level"))
        .select_related("member", "unit")
        .order_by("subject", "member__sort_key", "id")
    )
    if not ratings:
        return []
    subjects = {rating.pk: rerating_subject(rating) for rating in ratings}
    issued = {
        number.subject: number
        for number in IssuedNumber.objects.filter(unit_id=review.unit.parent_id, subject__in=subjects.values())
    }
    rows = [{"rating": rating, "issued": issued.get(subjects[rating.pk])} for rating in ratings]
    return [Panel("reports/_rerating_panel.html", {"rows": rows, "committee_id": review.unit.parent_id})]


def _issued(unit_id: int, subject: str) -> IssuedNumber | None:
    return IssuedNumber.objects.filter(unit_id=unit_id, subject=subject).first()


def _official(request, *, unit, kind: str, field: str, value: int, label: str, issued, ready: bool, hint: str):
    """One document a cell or committee issues: its draft (or issued) rendering and, for who may issue it, the
    confirmed "issue" button; once issued, its number and date."""
    may_issue = can(request.user, ISSUERS[kind], unit)
    return Panel(
        "reports/_official.html",
        {
            "unit_id": unit.pk,
            "kind": kind,
            "field": field,
            "value": value,
            "label": label,
            "issued": issued,
            "can_issue": may_issue and ready and issued is None,
            "hint": hint if may_issue and not ready and issued is None else "",
        },
    )


def _cell_official(request, review, kind: str, label: str, *, ready: bool, hint: str) -> Panel:
    """A paper the cell issues on its work item (its minutes, its own report): named by the work item."""
    issued = _issued(review.unit_id, subject_key(kind, review.pk))
    return _official(
        request,
        unit=review.unit,
        kind=kind,
        field="review",
        value=review.pk,
        label=label,
        issued=issued,
        ready=ready,
        hint=hint,
    )


def _sent(review) -> bool:
    return review.state not in CELL_EDITABLE


def meeting_panels(request, review) -> list[Panel]:
    """The meeting page: the minutes (biên bản), as a draft or issued with its number ("Số 01-BB/CB") by the
    secretary once the proposals are sent (one query)."""
    try:
        meeting = review.meeting  # loaded with the review (a reverse one-to-one): no query, nor for its absence
    except ObjectDoesNotExist:
        return []
    if meeting.held_on is None:
        return []
    hint = _("Cấp số biên bản sau khi gửi đề nghị xếp loại lên cấp trên.")
    return [_cell_official(request, review, "minutes", _("Biên bản hội nghị"), ready=_sent(review), hint=hint)]


def collective_panels(request, review) -> list[Panel]:
    """The cell's own report (Mẫu 01): as a draft or issued with its number ("Số 01-BC/CB") once completed and
    sent with the proposals (one query)."""
    try:
        report = review.collective_report  # a reverse one-to-one: one query, none when loaded with the review
    except ObjectDoesNotExist:
        return []
    ready = _sent(review) and report.state != SelfReviewState.DRAFT
    hint = _("Cấp số báo cáo sau khi hoàn thành báo cáo và gửi đề nghị xếp loại lên cấp trên.")
    return [_cell_official(request, review, "collective_report", _("Báo cáo kiểm điểm"), ready=ready, hint=hint)]


def dashboard_panels(request, scope) -> list[Panel]:
    """A committee's dashboard (``scope``: the cycle and the committee): its summary report, as a draft or issued
    with its number ("Số 01-BC/ĐU") by the committee (one query)."""
    cycle, unit = scope
    return [
        _official(
            request,
            unit=unit,
            kind="summary",
            field="cycle",
            value=cycle.pk,
            label=_("Báo cáo tổng hợp"),
            issued=_issued(unit.pk, subject_key("summary", cycle.root_id_or_self)),
            ready=True,
            hint="",
        )
    ]
