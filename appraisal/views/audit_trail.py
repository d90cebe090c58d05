"""Audit-trail pages: a rating's full history, and a cycle's log filterable by unit, person, action and date,
paginated in the database. Labels come from the apps' registered actions (``audit.labels``); no raw ids."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from audit.labels import describe, label_of
from audit.models import AuditEntry
from party_units.access import Perm, can, get_object_or_deny
from party_units.models import PartyUnit

from ..access import get_rating_or_deny
from ..models import ReviewCycle
from ..selectors.audit import ACTIONS, cycle_log, log_units

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


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


@login_required
def cycle_audit(request, cycle_pk: int):
    cycle = get_object_or_deny(request.user, ReviewCycle.objects.select_related("issuing_unit"), Perm.VIEW, pk=cycle_pk)
    scope_unit = cycle.issuing_unit
    units = log_units(scope_unit)
    unit = scope_unit
    if request.GET.get("don_vi", "").isdigit():
        unit = get_object_or_404(PartyUnit, pk=int(request.GET["don_vi"]))
        if not unit.is_within(scope_unit) or not can(request.user, Perm.VIEW, unit):
            raise Http404
    errors = []
    person = " ".join(request.GET.get("nguoi", "").split())
    action = request.GET.get("hanh_dong", "")
    start, end = request.GET.get("tu_ngay", ""), request.GET.get("den_ngay", "")
    days = []
    for raw in (start, end):
        day = _date(raw) if raw.strip() else None
        if raw.strip() and day is None:
            errors.append(f"«{raw}» không phải ngày dạng dd/mm/yyyy.")
        days.append(day)
    entries = cycle_log(cycle.root_id_or_self, unit, person=person, action=action, start=days[0], end=days[1])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("trang"))
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
