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


PANELS = [notifications_panel]


def home_panels(request) -> list[Panel]:
    panels: list[Panel] = []
    for contribute in PANELS:
        panels.extend(contribute(request))
    return panels
