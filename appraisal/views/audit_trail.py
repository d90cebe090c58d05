"""Audit-trail pages: a rating's full history, and a cycle's log filterable by unit, person, action and date,
paginated in the database. Labels come from the apps' registered actions (``audit.labels``); no raw ids."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from audit.labels import describe
from party_units.access import Perm, can, get_object_or_deny
from party_units.models import PartyUnit

from ..access import get_rating_or_deny
from ..forms import AuditFilterForm
from ..models import ReviewCycle
from ..selectors.audit import action_choices, cycle_log, log_units, rating_entries

PAGE_SIZE = 50


@login_required
def rating_history(request, pk: int):
    rating = get_rating_or_deny(request.user, pk=pk)
    return render(
        request,
        "appraisal/decisions/rating_history.html",
        {"rating": rating, "entries": [describe(entry) for entry in rating_entries(rating)]},
    )


@login_required
def cycle_audit(request, cycle_pk: int):
    cycle = get_object_or_deny(request.user, ReviewCycle.objects.select_related("issuing_unit"), Perm.VIEW, pk=cycle_pk)
    scope_unit = cycle.issuing_unit
    form = AuditFilterForm(request.GET, actions=action_choices())
    unit = scope_unit
    if form.unit_pk() is not None:
        unit = get_object_or_404(PartyUnit, pk=form.unit_pk())
        if not unit.is_within(scope_unit) or not can(request.user, Perm.VIEW, unit):
            raise Http404
    filters = form.filters()
    page = Paginator(cycle_log(cycle.root_id_or_self, unit, **filters), PAGE_SIZE).get_page(form.page())
    return render(
        request,
        "appraisal/decisions/cycle_audit.html",
        {
            "cycle": cycle,
            "unit": unit,
            "units": log_units(scope_unit),
            "page": page,
            "rows": [describe(entry) for entry in page.object_list],
            "form": form,
            "unit_pk": unit.pk,
            "query": form.query(),
        },
    )
