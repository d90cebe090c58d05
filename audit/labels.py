"""How an audit entry reads to a person: each app names its own actions and the fields they record.

An app declares its actions in an ``audit_actions.py`` module (found by ``AuditConfig.ready`` through Django's
autodiscovery, so this app imports none of them)::

    register(
        {"member.created": _("Thêm đảng viên"), ...},
        fields={"unit": _("chi bộ"), "start_date": _("từ ngày")},
        values={"gender": Gender},  # a choices class or a function value -> text
    )

``field_labels(Member, "full_name", ...)`` takes the labels of keys that are model fields from their
``verbose_name``, so a field is named the same on its form and in the audit trail.

``describe(entry)`` gives the label, the actor's name and the changes as (field label, before, after) text,
with dates as dd/mm/yyyy, yes/no for booleans and choice labels; keys that hold raw ids are never shown.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

_ACTIONS: dict[str, Any] = {}
_FIELDS: dict[str, dict[str, Any]] = {}  # per action: labels of the keys its entries record
_VALUES: dict[str, dict[str, Callable[[Any], str]]] = {}  # per action: how to show a key's value
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _formatter(spec) -> Callable[[Any], str]:
    choices = getattr(spec, "choices", None)
    if choices is not None:  # a TextChoices class
        labels = dict(choices)
        return lambda value: str(labels.get(value, value))
    return spec


def register(
    actions: Mapping[str, Any],
    *,
    fields: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> None:
    """Name actions (dotted name -> label); ``fields`` and ``values`` apply to the actions of this call."""
    formatters = {key: _formatter(spec) for key, spec in (values or {}).items()}
    for action, label in actions.items():
        _ACTIONS[action] = label
        _FIELDS[action] = dict(fields or {})
        _VALUES[action] = formatters


def field_labels(model: type[models.Model], *names: str) -> dict[str, Any]:
    """The ``verbose_name`` of each named field of ``model``, as ``register``'s ``fields`` want them."""
    return {name: model._meta.get_field(name).verbose_name for name in names}


def label_of(action: str) -> str:
    """The action's label, or its dotted name when no app registered it."""
    return str(_ACTIONS.get(action, action))


def is_registered(action: str) -> bool:
    return action in _ACTIONS


def _hidden(key: str) -> bool:
    return key == "id" or key.endswith("_id") or key == "sha256"


def show_value(value: Any) -> str:
    """A recorded value as text: dates dd/mm/yyyy, booleans Có/Không, nothing as an em dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items())
    return str(value)


def actor_name(entry) -> str:
    """Who acted, as the entry recorded it at the time (the account may be gone); "hệ thống" for the system."""
    return entry.actor_label


@dataclass
class EntryView:
    entry: Any
    label: str
    actor: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def describe(entry) -> EntryView:
    """An entry as a person reads it (no raw ids)."""
    labels = _FIELDS.get(entry.action, {})
    formatters = _VALUES.get(entry.action, {})
    before, after = entry.before, entry.after
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    changes = []
    for key in dict.fromkeys([*before, *after]):
        if _hidden(key):
            continue
        show = formatters.get(key)

        def text(side: dict, key=key, show=show) -> str:
            if key not in side or side[key] in (None, ""):
                return "—"
            return show(side[key]) if show else show_value(side[key])

        changes.append((str(labels.get(key, key.replace("_", " "))), text(before), text(after)))
    return EntryView(entry=entry, label=label_of(entry.action), actor=actor_name(entry), changes=changes)
