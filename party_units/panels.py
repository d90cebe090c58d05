"""The home page's panels: each app says what its user should do next, without this layer importing it.

An ``AppConfig`` may define ``home_panels(request) -> list[Panel]`` (as it may define ``seed_demo``); the home
page asks every app, lowest layer first, and includes each panel's template with its context. A panel must
keep its own query count constant (it runs on every visit to the home page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100  # lower first


def home_panels(request) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "home_panels", None)
        if contribute is not None:
            panels.extend(contribute(request))
    return sorted(panels, key=lambda panel: panel.order)


def object_panels(hook: str, request, obj) -> list[Panel]:
    """Panels the apps above add to a lower layer's page about ``obj`` (e.g. ``member_panels(request, member)``
    on a member's page, so the members app shows ratings without importing appraisal)."""
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, hook, None)
        if contribute is not None:
            panels.extend(contribute(request, obj))
    return sorted(panels, key=lambda panel: panel.order)
