"""The appraisal app's home-page panels (``AppraisalConfig.home_panels``): one function per panel, each with
a constant number of queries. Add a function to ``PANELS`` rather than editing the others."""

from __future__ import annotations

from party_units.panels import Panel


def notifications_panel(request) -> list[Panel]:
    from .services.notifications import unread_notices

    count, notices = unread_notices(request.user)
    if not count:
        return []
    return [Panel("appraisal/notifications/_panel.html", {"count": count, "notices": notices}, order=10)]


def meetings_panel(request) -> list[Panel]:
    """A secretary's cells whose review meeting is still to be entered, submitted or answered (one query)."""
    from party_units.access import Perm, access_for

    from .models import CycleState, UnitReview, UnitReviewState

    access = access_for(request.user)
    if access.is_superuser or not any(Perm.HOLD_MEETING in g.perms for g in access.grants):
        return []
    reviews = list(
        UnitReview.objects.filter(
            unit__in=access.units(Perm.HOLD_MEETING).filter(kind="cell", is_active=True),
            cycle__state=CycleState.OPEN,
        )
        .exclude(state=UnitReviewState.APPROVED)
        .select_related("unit", "cycle")
        .order_by("-cycle__start_date", "unit__path")[:10]
    )
    if not reviews:
        return []
    return [Panel("appraisal/meetings/_panel.html", {"reviews": reviews}, order=20)]


def self_review_panel(request) -> list[Panel]:
    """A member's form of the open cycle, one click from the home page, with its state and deadline."""
    member = getattr(request.user, "member", None) if request.user.is_authenticated else None
    if member is None:
        return []
    from .models import SelfReview
    from .services.self_reviews import current_unit_review

    unit_review = current_unit_review(member)
    review = SelfReview.objects.filter(unit_review=unit_review, member=member).first() if unit_review else None
    return [
        Panel(
            "appraisal/self_reviews/_home_panel.html",
            {"unit_review": unit_review, "review": review, "member": member},
            order=20,
        )
    ]


PANELS = [notifications_panel, meetings_panel, self_review_panel]


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
