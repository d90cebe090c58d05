"""The summary of decided levels under a committee (issue 13): counts and percentages per level, per unit
directly under it, read from the maintained tally — the same cost for a ward and for the whole country."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from party_units.replica import replica_reads

from ..access import get_review_or_deny
from ..rules import Level
from ..selectors import cycles as selectors


@login_required
@replica_reads
def level_summary(request, cycle_pk: int, unit_pk: int):
    review = get_review_or_deny(request.user, cycle=cycle_pk, unit=unit_pk)
    if review.unit.is_cell:
        raise Http404
    return render(
        request,
        "appraisal/summaries/level_summary.html",
        {
            "review": review,
            "unit": review.unit,
            "cycle": review.cycle,
            "page": selectors.level_summary_page(review.root_id, review.unit),
            "levels": [(level.short, level.label) for level in Level],
        },
    )
