"""Audit-trail pages: a rating's full history, and a cycle's log filterable by unit, person, action and date,
paginated in the database. Labels come from the apps' registered actions (``audit.labels``); no raw ids."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from audit.labels import describe, label_of
from audit.models import AuditEntry
from party_units.access import Perm, can, get_object_or_deny
from party_units.models import PartyUnit

from ..access import get_rating_or_deny
from ..models import (
    ProposalRound,
    QuotaGroup,
    QuotaRaise,
    Rating,
    ReviewCycle,
    ReviewMeeting,
    SelfReview,
    UnitReview,
)

PAGE_SIZE = 50


@login_required
def rating_history(request, pk: int):
    rating = get_rating_or_deny(request.user, pk=pk)
    entries = AuditEntry.objects.for_object(rating).select_related("actor").order_by("at", "id")
    return render(
        request,
        "appraisal/decisions/rating_history.html",
        {"rating": rating, "entries": [describe(entry) for entry in entries]},
    )


def _ids(queryset):
    return queryset.annotate(text_pk=Cast("pk", CharField())).values("text_pk")


def cycle_entries(root_id: int, unit: PartyUnit):
    """Every audit entry about the work of ``unit``'s subtree in the cascade ``root_id`` (one queryset)."""
    path = unit.path
    in_reviews = {"unit_review__root_id": root_id, "unit_review__unit__path__startswith": path}
    scopes = [
        (UnitReview, UnitReview.objects.filter(root_id=root_id, unit__path__startswith=path)),
        (Rating, Rating.objects.filter(**in_reviews)),
        (ProposalRound, ProposalRound.objects.filter(**in_reviews)),
        (SelfReview, SelfReview.objects.filter(**in_reviews)),
        (ReviewMeeting, ReviewMeeting.objects.filter(**in_reviews)),
        (QuotaRaise, QuotaRaise.objects.filter(root_id=root_id, unit__path__startswith=path)),
        (QuotaGroup, QuotaGroup.objects.filter(root_id=root_id, committee__path__startswith=path)),
        (
            ReviewCycle,
            ReviewCycle.objects.filter(Q(pk=root_id) | Q(root_id=root_id), issuing_unit__path__startswith=path),
        ),
    ]
    condition = Q(pk__in=[])
    for model, queryset in scopes:
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=_ids(queryset))
    return AuditEntry.objects.filter(condition)


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


@login_required
def cycle_audit(request, cycle_pk: int):
    cycle = get_object_or_deny(request.user, ReviewCycle.objects.select_related("issuing_unit"), Perm.VIEW, pk=cycle_pk)
    scope_unit = cycle.issuing_unit
    units = PartyUnit.objects.filter(path__startswith=scope_unit.path, depth__lte=scope_unit.depth + 1).order_by("path")
    unit = scope_unit
    if request.GET.get("don_vi", "").isdigit():
        unit = get_object_or_404(PartyUnit, pk=int(request.GET["don_vi"]))
        if not unit.is_within(scope_unit) or not can(request.user, Perm.VIEW, unit):
            raise Http404
    entries = cycle_entries(cycle.root_id_or_self, unit).select_related("actor")
    errors = []
    person = " ".join(request.GET.get("nguoi", "").split())
    if person:
        entries = entries.filter(
            Q(actor__first_name__icontains=person)
            | Q(actor__last_name__icontains=person)
            | Q(actor__username__icontains=person)
        )
    action = request.GET.get("hanh_dong", "")
    if action:
        entries = entries.filter(action=action)
    start, end = request.GET.get("tu_ngay", ""), request.GET.get("den_ngay", "")
    for raw, lookup in ((start, "at__date__gte"), (end, "at__date__lte")):
        if raw.strip():
            day = _date(raw)
            if day is None:
                errors.append(f"«{raw}» không phải ngày dạng dd/mm/yyyy.")
            else:
                entries = entries.filter(**{lookup: day})
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("trang"))
    actions = sorted(ACTIONS, key=label_of)
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "appraisal/decisions/cycle_audit.html",
        {
            "cycle": cycle,
            "unit": unit,
            "units": units,
            "page": page,
            "rows": [describe(entry) for entry in page.object_list],
            "actions": [(name, label_of(name)) for name in actions],
            "filters": {"person": person, "action": action, "start": start, "end": end, "unit": unit.pk},
            "errors": errors,
            "query": query.urlencode(),
        },
    )


# The actions a cycle's log is filtered by (the dropdown): those of its work.
ACTIONS = [
    "review_cycle.created",
    "review_cycle.updated",
    "review_cycle.opened",
    "review_cycle.closed",
    "rating.created",
    "rating.decided",
    "rating.quota_exception",
    "rating.decision_withdrawn",
    "proposal_round.approved",
    "proposal_round.returned",
    "unit_review.approved",
    "unit_review.returned",
    "unit_review.reopened",
    "quota.raised",
    "quota_group.defined",
]
