"""The committee's pages: the progress dashboard of a cycle, deciding a unit's proposals (approve, adjust,
return, reopen), bulk approval, the quota's groups and raised ratio. Thin: one access check, one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from party_units.access import Perm, can
from party_units.feedback import error_messages
from party_units.panels import object_panels

from .. import services
from ..access import get_committee_or_deny, get_review_or_deny
from ..conflicts import decision_conflict
from ..decision_forms import LEVEL_CHOICES, SUBJECT_CHOICES, Action, BulkApproveForm, DecisionForm, QuotaGroupForm
from ..forms import PageForm, ReasonForm, add_errors
from ..models import UnitReviewState
from ..selectors import quota
from ..selectors.dashboard import dashboard_page
from ..selectors.decisions import DECIDABLE, decidable_ratings, decision_groups, proposal_rounds
from ..services.progress import ConflictError

RAISE_REASON_REQUIRED = _lazy("Nâng tỷ lệ hoàn thành xuất sắc nhiệm vụ cần nêu lý do (kết quả nổi bật).")


@login_required
def dashboard(request, cycle_pk: int, unit_pk: int | None = None):
    """A committee's progress in a cycle: every unit directly under it, its state, late items, the levels
    proposed and decided (with a chart). A ward sees its cells, a city its wards' totals (drill down)."""
    committee = get_committee_or_deny(request.user, cycle=cycle_pk, unit=unit_pk)
    cycle, unit, above = committee.cycle, committee.unit, committee.above
    can_approve = can(request.user, Perm.APPROVE, unit)
    page = dashboard_page(cycle, unit, can_approve=can_approve, page=PageForm(request.GET).number)
    return render(
        request,
        "appraisal/decisions/dashboard.html",
        {
            "flagged": page.flagged,
            "flagged_count": page.flagged_count,
            "flags_below": page.flags_below,
            "cycle": cycle,
            "board": page.board,
            "lines": page.lines,
            "page": page.page,
            "lines_version": page.lines_version,
            "own_review": page.own_review,
            "unit": unit,
            "ancestors": above,
            "can_approve": can_approve,
            "decidable": DECIDABLE,
            "chart": page.chart,
            "quota_raise": page.quota_raise,
            "may_raise": page.may_raise,
            "rules": page.rules,
            "panels": object_panels("dashboard_panels", request, (cycle, unit)),  # the summary report (reports)
        },
    )


def _form_messages(request, form) -> None:
    """A form posted from a page that redirects back (no form to redisplay): its errors as the page's messages."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


# What each button of the decision page does: the service, and what the page says once it is done.
MOVES = {
    Action.APPROVE: (services.proposals_approve, _lazy("Đã phê duyệt kết quả xếp loại của %(unit)s.")),
    Action.RETURN: (services.proposals_return, _lazy("Đã trả lại đề nghị của %(unit)s.")),
    Action.REOPEN: (services.review_reopen, _lazy("Đã mở lại kết quả của %(unit)s.")),
}


@login_required
def decision(request, pk: int):
    """Decide one unit's proposals: every stage side by side, the quota per group shown with the levels in the
    form ("Kiểm tra tỷ lệ" recounts them without saving), approve / return / reopen."""
    review = get_review_or_deny(request.user, perm=Perm.APPROVE, pk=pk)
    ratings = decidable_ratings(review)
    form = DecisionForm(request.POST or None, review=review, ratings=ratings)
    conflict = None
    if form.is_bound and form.is_valid() and form.action_requested is not None:
        service, done = MOVES[form.action_requested]
        try:
            service(actor=request.user, review=review, **form.service_kwargs())
        except ConflictError:
            # Someone decided first: the page shows their decision, keeps what was typed and lists the differences.
            review.refresh_from_db()
            ratings = decidable_ratings(review)
            form = DecisionForm(request.POST, review=review, ratings=ratings)
            form.is_valid()
            conflict = decision_conflict(form, review, decidable=review.state in DECIDABLE)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, done % {"unit": review.unit})
            return redirect("appraisal:decision", pk=review.pk)
    return render(
        request,
        "appraisal/decisions/decision.html",
        {
            "review": review,
            "unit": review.unit,
            "cycle": review.cycle,
            "form": form,
            "conflict": conflict,
            "typed_reason": form.data.get("reason", "") if conflict else "",
            "rows": form.rows(),
            "groups": decision_groups(review, ratings, form.levels()),
            "rules": review.cycle.rules(),
            "rounds": proposal_rounds(review),
            "level_choices": LEVEL_CHOICES,
            "decidable": review.state in DECIDABLE,
            "approved": review.state == UnitReviewState.APPROVED,
            "has_unit_rating": form.has_unit_rating,
            "panels": object_panels("decision_panels", request, review),  # Mẫu 03 (reports)
        },
    )


@require_POST
@login_required
def bulk_approve(request, cycle_pk: int, unit_pk: int):
    """Approve the ticked units' proposals as they are; each is still checked, refusals are listed."""
    committee = get_committee_or_deny(request.user, perm=Perm.APPROVE, cycle=cycle_pk, unit=unit_pk)
    cycle, unit = committee.cycle, committee.unit
    form = BulkApproveForm(request.POST, root_id=cycle.root_id_or_self, committee=unit)
    if not form.is_valid():
        _form_messages(request, form)
    else:
        results = services.proposals_approve_many(actor=request.user, reviews=form.cleaned_data["review"])
        done = [r.unit for r in results if r.approved]
        if done:
            messages.success(
                request, _("Đã phê duyệt %(n)s đơn vị: %(units)s.") % {"n": len(done), "units": ", ".join(done)}
            )
        for result in results:
            if not result.approved:
                messages.error(request, f"{result.unit}: {result.message}")
    return redirect("appraisal:dashboard_unit", cycle_pk=cycle.pk, unit_pk=unit.pk)


@require_POST
@login_required
def quota_raise(request, cycle_pk: int, unit_pk: int):
    committee = get_committee_or_deny(request.user, perm=Perm.APPROVE, cycle=cycle_pk, unit=unit_pk)
    cycle, unit = committee.cycle, committee.unit
    root = cycle if cycle.root_id is None else cycle.root
    form = ReasonForm(request.POST, required_message=RAISE_REASON_REQUIRED)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("appraisal:dashboard_unit", cycle_pk=cycle.pk, unit_pk=unit.pk)
    try:
        services.quota_raise_record(actor=request.user, root=root, unit=unit, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Đã ghi nhận quyết định nâng tỷ lệ cho %(unit)s.") % {"unit": unit})
    return redirect("appraisal:dashboard_unit", cycle_pk=cycle.pk, unit_pk=unit.pk)


@login_required
def quota_groups(request, cycle_pk: int, unit_pk: int):
    """The committee's groups of similar subjects for the cycle (from 2023), and a form to add one."""
    committee = get_committee_or_deny(request.user, perm=Perm.APPROVE, cycle=cycle_pk, unit=unit_pk)
    cycle, unit = committee.cycle, committee.unit
    root = cycle if cycle.root_id is None else cycle.root
    form = QuotaGroupForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.quota_group_define(actor=request.user, root=root, committee=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm nhóm đối tượng."))
            return redirect("appraisal:quota_groups", cycle_pk=cycle.pk, unit_pk=unit.pk)
    return render(
        request,
        "appraisal/decisions/quota_groups.html",
        {
            "cycle": cycle,
            "unit": unit,
            "groups": quota.committee_groups(root.pk, unit),
            "subjects": SUBJECT_CHOICES,
            "rules": root.rules(),
            "form": form,
        },
    )
