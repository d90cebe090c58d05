"""The committee's pages: the progress dashboard of a cycle, deciding a unit's proposals (approve, adjust,
return, reopen), bulk approval, the quota's groups and raised ratio. Thin: one access check, one service."""

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

from .. import services
from ..access import get_committee_or_deny, get_review_or_deny
from ..models import UnitReview, UnitReviewState
from ..rules import Level, Subject
from ..selectors import counts, quota
from ..selectors.dashboard import dashboard_lines, level_chart
from ..selectors.decisions import DECIDABLE, decidable_ratings, decision_groups, proposal_rounds, votes_text
from ..selectors.history import flag_lines, flagged_members
from ..services.decisions import Decision
from ..services.progress import ConflictError

FLAGS_SHOWN = 50
LEVEL_CHOICES = [(level.value, level.label) for level in Level]


@login_required
def dashboard(request, cycle_pk: int, unit_pk: int | None = None):
    """A committee's progress in a cycle: every unit directly under it, its state, late items, the levels
    proposed and decided (with a chart). A ward sees its cells, a city its wards' totals (drill down)."""
    committee = get_committee_or_deny(request.user, cycle=cycle_pk, unit=unit_pk)
    cycle, unit, above = committee.cycle, committee.unit, committee.above
    board = counts.dashboard(cycle, unit)
    can_approve = can(request.user, Perm.APPROVE, unit)
    raise_record = quota.raise_record(cycle.root_id_or_self, unit)
    rules = board.cycle.rules()
    # Members' flags (history) matter to the committee that decides its cells' members: a ward. Above it, a
    # city or province would read every member's history of its whole subtree for a list it does not act on.
    decides_members = any(row.unit.is_cell and not row.is_self for row in board.rows)
    flagged = flagged_members(cycle.root_id_or_self, unit, board.cycle.year) if decides_members else []
    return render(
        request,
        "appraisal/decisions/dashboard.html",
        {
            "flagged": flag_lines(flagged[:FLAGS_SHOWN]),
            "flagged_count": len(flagged),
            "flags_below": not decides_members,
            "cycle": cycle,
            "board": board,
            "lines": dashboard_lines(board, cycle, can_approve),
            "own_review": any(row.is_self and row.review for row in board.rows),
            "unit": unit,
            "ancestors": above,
            "can_approve": can_approve,
            "decidable": DECIDABLE,
            "chart": level_chart(board.levels),
            "quota_raise": raise_record,
            "may_raise": can_approve and rules.raised_quota_ratio is not None and raise_record is None,
            "rules": rules,
            "panels": object_panels("dashboard_panels", request, (cycle, unit)),  # the summary report (reports)
        },
    )


def _typed_decisions(request, ratings) -> tuple[dict[int, Decision], dict[int, dict]]:
    decisions, typed = {}, {}
    for rating in ratings:
        level = request.POST.get(f"level_{rating.pk}", "") or rating.proposed_level
        reason = request.POST.get(f"reason_{rating.pk}", "")
        typed[rating.pk] = {"level": level, "reason": reason}
        decisions[rating.pk] = Decision(level, reason)
    return decisions, typed


@login_required
def decision(request, pk: int):
    """Decide one unit's proposals: every stage side by side, the quota per group shown with the levels in the
    form ("Kiểm tra tỷ lệ" recounts them without saving), approve / return / reopen."""
    review = get_review_or_deny(request.user, perm=Perm.APPROVE, pk=pk)
    ratings = decidable_ratings(review)
    typed: dict[int, dict] = {}
    levels: dict[int, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        decisions, typed = _typed_decisions(request, ratings)
        levels = {pk_: d.level for pk_, d in decisions.items()}
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1
        try:
            if action == "approve":
                services.proposals_approve(
                    actor=request.user,
                    review=review,
                    revision=revision,
                    decisions=decisions,
                    unit_level=request.POST.get("unit_level", ""),
                    unit_reason=request.POST.get("unit_reason", ""),
                    quota_exception_reason=request.POST.get("quota_exception_reason", ""),
                )
                messages.success(request, _("Đã phê duyệt kết quả xếp loại của %(unit)s.") % {"unit": review.unit})
                return redirect("appraisal:decision", pk=review.pk)
            if action == "return":
                services.proposals_return(
                    actor=request.user, review=review, revision=revision, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Đã trả lại đề nghị của %(unit)s.") % {"unit": review.unit})
                return redirect("appraisal:decision", pk=review.pk)
            if action == "reopen":
                services.review_reopen(
                    actor=request.user, review=review, revision=revision, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Đã mở lại kết quả của %(unit)s.") % {"unit": review.unit})
                return redirect("appraisal:decision", pk=review.pk)
        except ConflictError as exc:
            # The other person's decision is what the page now shows.
            messages.error(request, exc.messages[0])
            return redirect("appraisal:decision", pk=review.pk)
        except ValidationError as exc:
            error_messages(request, exc)
    rules = review.cycle.rules()
    groups = decision_groups(review, ratings, levels)
    rows = [
        {
            "rating": rating,
            "typed": typed.get(rating.pk, {"level": rating.decided_level or rating.proposed_level, "reason": ""}),
            "votes": votes_text(rating),
        }
        for rating in ratings
    ]
    has_unit_rating = any(r.subject == Subject.ORGANISATION and r.unit_id == review.unit_id for r in ratings)
    return render(
        request,
        "appraisal/decisions/decision.html",
        {
            "review": review,
            "unit": review.unit,
            "cycle": review.cycle,
            "rows": rows,
            "groups": groups,
            "rules": rules,
            "rounds": proposal_rounds(review),
            "level_choices": LEVEL_CHOICES,
            "decidable": review.state in DECIDABLE,
            "approved": review.state == UnitReviewState.APPROVED,
            "has_unit_rating": has_unit_rating,
            "posted": request.POST if request.method == "POST" else {},
            "panels": object_panels("decision_panels", request, review),  # Mẫu 03 (reports)
        },
    )


@require_POST
@login_required
def bulk_approve(request, cycle_pk: int, unit_pk: int):
    """Approve the ticked units' proposals as they are; each is still checked, refusals are listed."""
    committee = get_committee_or_deny(request.user, perm=Perm.APPROVE, cycle=cycle_pk, unit=unit_pk)
    cycle, unit = committee.cycle, committee.unit
    picked = []
    for value in request.POST.getlist("review"):
        pk, _sep, revision = value.partition(":")
        if pk.isdigit() and revision.isdigit():
            picked.append((int(pk), int(revision)))
    allowed = set(
        UnitReview.objects.filter(
            root_id=cycle.root_id_or_self, unit__parent=unit, pk__in=[pk for pk, _r in picked]
        ).values_list("pk", flat=True)
    )
    picked = [(pk, revision) for pk, revision in picked if pk in allowed]
    if not picked:
        messages.error(request, _("Chưa chọn đơn vị nào để phê duyệt."))
    else:
        results = services.proposals_approve_many(actor=request.user, reviews=picked)
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
    try:
        services.quota_raise_record(actor=request.user, root=root, unit=unit, reason=request.POST.get("reason", ""))
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
    posted = {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.quota_group_define(
                actor=request.user,
                root=root,
                committee=unit,
                subject=request.POST.get("subject", ""),
                name=request.POST.get("name", ""),
                codes=request.POST.get("codes", "").replace(";", ",").split(","),
            )
        except ValidationError as exc:
            error_messages(request, exc)
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
            "subjects": [(s.value, s.label) for s in Subject],
            "rules": root.rules(),
            "posted": posted,
        },
    )
