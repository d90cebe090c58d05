"""Writing to the audit log. Call inside the same transaction as the change it records."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, Unpack

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The acting user a service is given: a signed-in account, or None for the system (demo data, management
# commands, a worker acting on its own). Defined here, the lowest layer; party_units.access re-exports it.
Actor: TypeAlias = "AbstractBaseUser | AnonymousUser | None"


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # checked before anything that would touch .url (it raises when empty)
        return value.name or None
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of obj (foreign keys as ids), ready for JSON."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose value changed (both sides), so entries stay short."""
    if not before or not after:
        return before, after
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def actor_display_name(user) -> str:
    """The name an entry keeps for its actor: "Full Name (login)", or the login alone."""
    full = " ".join(user.get_full_name().split()) if hasattr(user, "get_full_name") else ""
    username = user.get_username()
    return (f"{full} ({username})" if full else username)[:300]


class EntryDetails(TypedDict, total=False):
    """What an entry records besides who did what: the object, its values before and after, a note."""

    obj: models.Model | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


def audit_entry(*, actor: Actor, action: str, **details: Unpack[EntryDetails]) -> AuditEntry:
    """One entry, not yet saved: for writers that append many at once with ``AuditEntry.objects.bulk_create``
    (the content type lookup is cached, so building costs no query)."""
    signed_in = getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        actor=actor if signed_in else None,
        actor_name=actor_display_name(actor) if signed_in else "",
        action=action,
        before=_jsonable(details.get("before")),
        after=_jsonable(details.get("after")),
        note=details.get("note", ""),
    )
    obj = details.get("obj")
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    return entry


def audit_log(*, actor: Actor, action: str, **details: Unpack[EntryDetails]) -> AuditEntry:
    """Append one entry: who (actor, may be None for the system), a dotted action name, the object, before/after."""
    entry = audit_entry(actor=actor, action=action, **details)
    entry.save()
    return entry
