"""The committee's pages: the progress dashboard of a cycle, deciding a unit's proposals (approve, adjust,
return, reopen), bulk approval, the quota's groups and raised ratio. Thin: one access check, one service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from party_units.access import Perm, can
from party_units.feedback import error_messages
from party_units.panels import object_panels

from .. import services
from ..access import get_committee_or_deny, get_review_or_deny
from ..models import ProposalRound, QuotaGroup, QuotaRaise, ReviewCycle, UnitReview, UnitReviewState
from ..rules import Level, Subject
from ..selectors import counts
from ..selectors.history import flag_lines, flagged_members
from ..services import quota
from ..services.decisions import DECIDABLE, Decision, decidable_ratings
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
    raise_record = QuotaRaise.objects.filter(root_id=cycle.root_id_or_self, unit=unit).first()
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
            "lines": _lines(board, cycle, can_approve),
            "own_review": any(row.is_self and row.review for row in board.rows),
            "unit": unit,
            "ancestors": above,
            "can_approve": can_approve,
            "decidable": DECIDABLE,
            "chart": _chart(board.levels),
            "quota_raise": raise_record,
            "may_raise": can_approve and rules.raised_quota_ratio is not None and raise_record is None,
            "rules": rules,
            "panels": object_panels("dashboard_panels", request, (cycle, unit)),  # the summary report (reports)
        },
    )


@dataclass
class Line:
    """One row of the dashboard's table, its text ready: a ward's sixty cells render plain attributes, with no
    url tag, translation or level table per row (those were most of the page's rendering; bench/national.py)."""

    name: str
    is_self: bool
    single: bool  # a cell or the committee's own line: one work item, shown by its state
    link: str  # "" when the name is not a link
    state: str  # a single line's state
    states: list[tuple[str, int]]  # a branch's (state label, count) of the states present
    filed: str  # self-reviews filed of members expected, "12/40"
    meeting: str
    levels: str  # "HTXSNV 1 → 0" per level proposed or decided, as HTML (escaped here)
    late: list[str]  # what is late, one text each
    pick: str = ""  # "id:revision" when the unit can be picked for bulk approval
    review_pk: int = 0
    pick_label: str = ""


def _url_of(name: str, *args) -> Callable[[int], str]:
    """A URL pattern ending in an id, reversed once for the page: every row's URL is it with its id."""
    before, after = reverse(name, args=[*args, 0]).rsplit("0", 1)
    return lambda pk: f"{before}{pk}{after}"


def _lines(board: counts.Dashboard, cycle: ReviewCycle, can_approve: bool) -> list[Line]:
    decision_url = _url_of("appraisal:decision")
    unit_review_url = _url_of("appraisal:unit_review", cycle.pk)
    dashboard_url = _url_of("appraisal:dashboard_unit", cycle.pk)
    held, not_held, pick = _("Đã họp"), _("Chưa họp"), _("Chọn %(name)s")
    late_single = (_("Gửi đề nghị"), _("Chờ quyết định"), _("Chưa có kết quả khi đến hạn báo cáo"))
    late_many = (
        _("Gửi đề nghị: %(n)s"),
        _("Chờ quyết định: %(n)s"),
        _("Chưa có kết quả khi đến hạn báo cáo: %(n)s"),
    )
    late_self_reviews, late_meeting = _("Bản kiểm điểm"), _("Hội nghị")
    level_titles = [(level.value, str(level.label), level.short) for level in Level]
    state_labels = [(state.value, str(state.label)) for state in UnitReviewState]  # as Row.state_counts
    lines = []
    for row in board.rows:
        unit, review, single = row.unit, row.review, row.single
        states = [(label, row.states[value]) for value, label in state_labels if row.states[value]]
        if row.is_self:
            link = ""
        elif unit.is_cell:
            link = decision_url(review.pk) if can_approve and review else unit_review_url(unit.pk) if review else ""
        else:
            link = dashboard_url(unit.pk)
        if row.is_self:
            meeting = ""
        elif unit.is_cell:
            meeting = held if row.meetings_held else not_held
        else:
            meeting = _("%(n)s/%(total)s đã họp") % {"n": row.meetings_held, "total": row.total}
        people = row.levels[counts.PEOPLE]
        shown = [
            (title, short, people.proposed[value], people.decided[value])
            for value, title, short in level_titles
            if people.proposed[value] or people.decided[value]
        ]
        levels = format_html_join("", '<span class="me-2" title="{}">{} {} → {}</span>', shown) if shown else ""
        late = row.late
        texts = [late_self_reviews] if late.self_reviews else []
        if late.meeting:
            texts.append(late_meeting)
        for n, one, many in zip(
            (late.proposals, late.decisions, late.missing_at_report), late_single, late_many, strict=True
        ):
            if n:
                texts.append(one if single else many % {"n": n})
        line = Line(
            name=unit.name,
            is_self=row.is_self,
            single=single,
            link=link,
            state="".join(str(label) for label, _count in states),
            states=states,
            filed="" if row.is_self else f"{row.self_reviews_done}/{row.members_expected}",
            meeting=meeting,
            levels=levels,
            late=texts,
        )
        if can_approve and review and not row.is_self and review.state in DECIDABLE:
            line.pick, line.review_pk = f"{review.pk}:{review.revision}", review.pk
            line.pick_label = pick % {"name": unit.name}
        lines.append(line)
    return lines


BAR_MAX = 240  # px of the longest bar


def _chart(levels: dict[str, counts.LevelCounts]) -> list[dict]:
    """Bars for the SVG chart (drawn in the template, no script): per kind of subject, per level, the
    proposed and decided counts scaled to the largest."""
    peak = max([1, *[max([*c.proposed.values(), *c.decided.values(), 0]) for c in levels.values()]])
    groups = []
    for kind, title in ((counts.PEOPLE, _("Đảng viên")), (counts.ORGANISATIONS, _("Tổ chức đảng, tập thể"))):
        data = levels[kind]
        bars = []
        for i, level in enumerate(Level):
            p, d = data.proposed[level.value], data.decided[level.value]
            bars.append(
                {
                    "label": level.short,
                    "title": level.label,
                    "proposed": p,
                    "decided": d,
                    "proposed_w": round(BAR_MAX * p / peak),
                    "decided_w": round(BAR_MAX * d / peak),
                    "y": 10 + i * 44,
                    # the SVG's other coordinates, ready (no ``add`` filter per bar in the template)
                    "label_y": 24 + i * 44,
                    "proposed_text_x": round(BAR_MAX * p / peak) + 68,
                    "proposed_text_y": 23 + i * 44,
                    "decided_y": 28 + i * 44,
                    "decided_text_x": round(BAR_MAX * d / peak) + 68,
                    "decided_text_y": 41 + i * 44,
                }
            )
        groups.append({"title": title, "bars": bars, "height": 10 + len(bars) * 44})
    return groups


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
    groups = quota.tallies(
        root_id=review.root_id,
        base=review.unit.parent,
        rules=rules,
        deciding=review,
        deciding_levels=levels,
        deciding_ratings=ratings,
    )
    rows = [
        {
            "rating": rating,
            "typed": typed.get(rating.pk, {"level": rating.decided_level or rating.proposed_level, "reason": ""}),
            "votes": _votes(rating),
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
            "rounds": ProposalRound.objects.filter(unit_review=review).select_related("submitted_by", "outcome_by"),
            "level_choices": LEVEL_CHOICES,
            "decidable": review.state in DECIDABLE,
            "approved": review.state == UnitReviewState.APPROVED,
            "has_unit_rating": has_unit_rating,
            "posted": request.POST if request.method == "POST" else {},
            "panels": object_panels("decision_panels", request, review),  # Mẫu 03 (reports)
        },
    )


def _votes(rating) -> str:
    """The tally as reports write it: "HTXSNV 15/19, HTTNV 4/19" (the level's short name, then the count)."""
    votes = rating.votes or {}
    total = sum(v for v in votes.values() if isinstance(v, int))
    parts = []
    for level in Level:
        count = votes.get(level.value)
        if isinstance(count, int) and count:
            parts.append(f"{level.short} {count:02d}/{total:02d}")
    return ", ".join(parts)


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
            "groups": QuotaGroup.objects.filter(root=root, committee=unit),
            "subjects": [(s.value, s.label) for s in Subject],
            "rules": root.rules(),
            "posted": posted,
        },
    )
