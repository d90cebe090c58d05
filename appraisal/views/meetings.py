"""The cell's review meeting: the fast-entry page, submitting and withdrawing the proposals. Thin: one access
check, the form, one service, a message, a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from party_units.access import Perm, can
from party_units.feedback import error_messages
from party_units.panels import object_panels

from ..access import get_review_or_deny
from ..conflicts import meeting_conflict
from ..meeting_forms import MeetingForm, RevisionForm
from ..meeting_input import LEVELS, SCORE_FIELDS
from ..meeting_rows import RowPreparer
from ..models import UnitReviewState
from ..selectors.meetings import meeting_sheet
from ..services import meetings as service
from ..services.meeting_checks import check_meeting
from ..services.progress import ConflictError


def _url(review):
    return redirect("appraisal:meeting", cycle_pk=review.cycle_id, unit_pk=review.unit_id)


@login_required
def meeting(request, cycle_pk: int, unit_pk: int):
    """The meeting's record and every subject's tally and proposal on one page (GET shows, POST saves)."""
    perm = Perm.HOLD_MEETING if request.method == "POST" else Perm.VIEW
    review = get_review_or_deny(request.user, perm=perm, cycle=cycle_pk, unit=unit_pk, cell=True)
    sheet = meeting_sheet(review)
    form = MeetingForm(sheet, request.POST if request.method == "POST" else None)
    conflict = None
    if request.method == "POST":
        if form.errors:
            # Unreadable cells: show them with every other check, keep everything typed, write nothing.
            try:
                check_meeting(sheet, form.data)
            except ValidationError as exc:
                form.add_errors(exc.message_dict)
        else:
            try:
                result = service.meeting_save(actor=request.user, review=review, data=form.data, revision=form.revision)
            except ConflictError:
                # Someone saved first: keep what was typed over the sheet as now saved, list the differences.
                review.refresh_from_db()
                sheet = meeting_sheet(review)
                typed = MeetingForm(sheet, request.POST)
                conflict = meeting_conflict(typed, review, editable=sheet.editable)
                form = typed if sheet.editable else MeetingForm(sheet)
                form.revision = review.revision
            except ValidationError as exc:
                form.add_errors(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Đã lưu kết quả hội nghị kiểm điểm."))
                return _url(review)
    can_edit = sheet.editable and can(request.user, Perm.HOLD_MEETING, review)
    rows = RowPreparer(score_method=sheet.score_method, can_edit=can_edit)
    return render(
        request,
        "appraisal/meetings/meeting.html",
        {
            "review": review,
            "unit": review.unit,
            "cycle": review.cycle,
            "sheet": sheet,
            "form": form,
            "conflict": conflict,
            "header": form.header(),
            "guest_rows": form.guest_rows(),
            "rows": rows.rows(form.lines()),
            "other_rows": rows.rows(form.other_lines()),
            "member_options": [(str(row.member.pk), row.member.full_name) for row in sheet.members],
            "levels": LEVELS,
            "score_fields": SCORE_FIELDS,
            "can_edit": can_edit,
            "can_submit": can_edit and sheet.meeting is not None,
            "can_withdraw": review.state in (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED)
            and can(request.user, Perm.HOLD_MEETING, review),
            "summary": sheet.summary_line(),
            "full_members": sheet.full_members(),
            "rounds": list(review.rounds.order_by("-number")[:5]),
            "panels": object_panels("meeting_panels", request, review),  # the minutes (reports)
        },
    )


def _revision(request) -> int | None:
    """The work item's revision the page was drawn from (None when absent or unreadable: the lock decides)."""
    form = RevisionForm(request.POST)
    return form.cleaned_data["revision"] if form.is_valid() else None


def _proposals_move(request, cycle_pk: int, unit_pk: int, move, done: str):
    """Submit or withdraw the cell's proposals (``move``, a service), then back to the meeting's page."""
    review = get_review_or_deny(request.user, perm=Perm.HOLD_MEETING, cycle=cycle_pk, unit=unit_pk, cell=True)
    try:
        move(actor=request.user, review=review, revision=_revision(request))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, done)
    return _url(review)


@login_required
@require_POST
def meeting_submit(request, cycle_pk: int, unit_pk: int):
    done = _("Đã gửi đề nghị xếp loại lên cấp ủy cấp trên.")
    return _proposals_move(request, cycle_pk, unit_pk, service.proposals_submit, done)


@login_required
@require_POST
def meeting_withdraw(request, cycle_pk: int, unit_pk: int):
    done = _("Đã rút lại đề nghị xếp loại: chi bộ có thể sửa kết quả hội nghị.")
    return _proposals_move(request, cycle_pk, unit_pk, service.proposals_withdraw, done)
