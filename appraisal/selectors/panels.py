"""The appraisal app's home-page panels (``AppraisalConfig.home_panels``): one function per panel, each with
a constant number of queries. Add a function to ``PANELS`` rather than editing the others."""

from __future__ import annotations

from django.utils import timezone

from party_units.panels import Panel


def notifications_panel(request) -> list[Panel]:
    from ..services.notifications import unread_notices

    count, notices = unread_notices(request.user)
    if not count:
        return []
    return [Panel("appraisal/notifications/_panel.html", {"count": count, "notices": notices}, order=10)]


def meetings_panel(request) -> list[Panel]:
    """A secretary's cells whose review meeting is still to be recorded, sent back or waiting for the committee,
    each with what to do next: record the meeting (by its deadline), correct a return (with the committee's
    reason), or wait for the decision (one query)."""
    from django.db.models import OuterRef, Subquery

    from party_units.access import Perm, access_for

    from ..models import CycleState, ProposalRound, RoundOutcome, UnitReview, UnitReviewState

    access = access_for(request.user)
    if access.is_superuser or not any(Perm.HOLD_MEETING in g.perms for g in access.grants):
        return []
    returned_reason = (
        ProposalRound.objects.filter(unit_review=OuterRef("pk"), outcome=RoundOutcome.RETURNED)
        .order_by("-number")
        .values("outcome_reason")[:1]
    )
    reviews = list(
        UnitReview.objects.filter(
            unit__in=access.units(Perm.HOLD_MEETING).filter(kind="cell", is_active=True),
            cycle__state=CycleState.OPEN,
        )
        .exclude(state=UnitReviewState.APPROVED)
        .annotate(returned_reason=Subquery(returned_reason))
        .select_related("unit", "cycle")
        .order_by("-cycle__start_date", "unit__path")[:10]
    )
    if not reviews:
        return []
    return [Panel("appraisal/meetings/_panel.html", {"reviews": reviews}, order=20)]


def decisions_panel(request) -> list[Panel]:
    """A committee's staff: how many units under the committee they work for wait for its decision in each open
    cycle, with a link to that cycle's dashboard and the decision deadline (one query, grouped)."""
    from django.db.models import Count

    from party_units.access import Perm, access_for

    from ..models import CycleState, UnitReview
    from ..services.decisions import DECIDABLE

    access = access_for(request.user)
    committees = sorted({g.unit_id for g in access.grants if Perm.APPROVE in g.perms})
    if not committees:
        return []
    rows = list(
        UnitReview.objects.filter(
            unit__parent_id__in=committees, unit__is_active=True, cycle__state=CycleState.OPEN, state__in=DECIDABLE
        )
        .values(
            "cycle_id", "cycle__title", "cycle__decisions_due", "unit__parent_id", "unit__parent__name", "unit__kind"
        )
        .annotate(n=Count("id"))
        .order_by("cycle__decisions_due", "cycle_id", "unit__parent__name", "unit__kind")
    )
    if not rows:
        return []
    waiting = [
        {
            "cycle_id": row["cycle_id"],
            "cycle_title": row["cycle__title"],
            "due": row["cycle__decisions_due"],
            "committee_id": row["unit__parent_id"],
            "committee": row["unit__parent__name"],
            "cells": row["unit__kind"] == "cell",
            "n": row["n"],
        }
        for row in rows
    ]
    return [Panel("appraisal/decisions/_home_panel.html", {"waiting": waiting}, order=15)]


def self_review_panel(request) -> list[Panel]:
    """A member's form of the open cycle, one click from the home page, with its state and deadline."""
    member = getattr(request.user, "member", None) if request.user.is_authenticated else None
    if member is None:
        return []
    from ..models import SelfReview
    from .self_reviews import current_unit_review

    unit_review = current_unit_review(member)
    review = SelfReview.objects.filter(unit_review=unit_review, member=member).first() if unit_review else None
    due = unit_review.cycle.self_review_due if unit_review else None
    if due is not None and review is not None and review.reopened_until and review.reopened_until > due:
        due = review.reopened_until  # the secretary let this member file late
    to_file = unit_review is not None and (review is None or review.is_editable_by_member)
    return [
        Panel(
            "appraisal/self_reviews/_home_panel.html",
            {
                "unit_review": unit_review,
                "review": review,
                "member": member,
                "to_file": to_file,
                "due": due,
                "late": to_file and due is not None and due < timezone.localdate(),
            },
            order=20,
        )
    ]


PANELS = [notifications_panel, decisions_panel, meetings_panel, self_review_panel]


def home_panels(request) -> list[Panel]:
    panels: list[Panel] = []
    for contribute in PANELS:
        panels.extend(contribute(request))
    return panels


def member_panels(request, member) -> list[Panel]:
    """On a member's page: the rating by year (system and before it) and the flags read from it (two queries)."""
    from party_units.access import Perm, can

    from .history import member_history

    years, flags = member_history(member.pk)
    return [
        Panel(
            "appraisal/decisions/_member_panel.html",
            {
                "member": member,
                "years": years,
                "flags": flags,
                "can_enter": can(request.user, Perm.MANAGE_MEMBERS, member),
            },
            order=50,
        )
    ]
