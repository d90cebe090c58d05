"""The admin writes through the audit log too.

`AuditedAdminMixin` records every write a ModelAdmin allows — add, change (with its many-to-many fields and
inline rows), delete one, delete selected — with the values before and after, in the same transaction, as
``<model>.created/updated/deleted`` with the note "admin". A delete also records every row the database deletes
with it (a member's memberships and statuses…) and every row it changes (a foreign key set to NULL). An admin
that does not use the mixin must allow no write: `tests` check every registered admin for it.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models.deletion import Collector

from .models import AuditEntry
from .services import audit_entry, diff, snapshot

NOTE = "admin"


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that allows no write at all (add, change, delete): it shows, and needs no audit entry."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Mix into a ModelAdmin (before admin.ModelAdmin). ``audit_name``: the action prefix (default: the model
    name); ``audit_fields``: the fields recorded (default: every concrete field); ``audit_exclude``: fields never
    written to the log (a password hash) — only that they changed."""

    audit_name: str = ""
    audit_names: dict[str, str] = {}  # {"memberstatus": "status"}: prefixes of inline and cascaded models
    audit_fields: list[str] | tuple[str, ...] | None = None
    audit_exclude: tuple[str, ...] = ()

    # -- what is recorded --------------------------------------------------------------------------------------

    def audit_action(self, model: type[models.Model], verb: str) -> str:
        if model is self.model and self.audit_name:
            return f"{self.audit_name}.{verb}"
        default = re.sub(r"(?<!^)(?=[A-Z])", "_", model._meta.object_name).lower()  # PartyUnit → party_unit
        return f"{self.audit_names.get(model._meta.model_name, default)}.{verb}"

    def audit_snapshot(self, obj: models.Model) -> dict[str, Any]:
        own = type(obj) is self.model
        data = snapshot(obj, self.audit_fields if own and self.audit_fields else None)
        for name in self.audit_exclude if own else ():
            data[name] = "***"  # never the value; a change is shown as such (see save_related)
        for field in obj._meta.many_to_many if own and obj.pk else ():
            if self.audit_fields and field.name not in self.audit_fields:
                continue
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        return data

    def _stored(self, obj: models.Model) -> tuple[dict[str, Any], dict[str, Any]] | None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
        if stored is None:
            return None
        return self.audit_snapshot(stored), {name: getattr(stored, name) for name in self.audit_exclude}

    def _write(self, request, entries: list[AuditEntry]) -> None:
        if entries:
            AuditEntry.objects.bulk_create(entries)

    def _entry(self, request, obj, verb, before=None, after=None) -> AuditEntry:
        return audit_entry(
            actor=request.user,
            action=self.audit_action(type(obj), verb),
            obj=obj,
            before=before,
            after=after,
            note=NOTE,
        )

    # -- add and change ----------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        obj._audit_before = self._stored(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # As ModelAdmin.save_related, with the object's own entry written once its many-to-many are saved.
        form.save_m2m()
        obj = form.instance
        after = self.audit_snapshot(obj)
        stored = getattr(obj, "_audit_before", None)
        if change and stored is not None:
            before, secrets = stored
            old, new = diff(before, after)
            for name, value in secrets.items():
                if getattr(obj, name) != value:
                    old[name], new[name] = "***", "*** (đã đổi)"
            if new:
                self._write(request, [self._entry(request, obj, "updated", old, new)])
        else:
            self._write(request, [self._entry(request, obj, "created", None, after)])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        stored = {o.pk: snapshot(o) for o in model._default_manager.filter(pk__in=pks)}
        super().save_formset(request, form, formset, change)
        entries = []
        for obj in formset.new_objects:
            entries.append(self._entry(request, obj, "created", None, snapshot(obj)))
        for obj, _fields in formset.changed_objects:
            old, new = diff(stored.get(obj.pk), snapshot(obj))
            if new:
                entries.append(self._entry(request, obj, "updated", old, new))
        for obj in formset.deleted_objects:
            entries.append(self._entry(request, obj, "deleted", stored.get(obj.pk) or snapshot(obj), None))
        self._write(request, entries)

    # -- delete ------------------------------------------------------------------------------------------------

    def _deletion_entries(self, request, objs) -> list[AuditEntry]:
        """Entries for everything deleting ``objs`` removes or changes: the rows themselves, the rows the
        database deletes with them, and the foreign keys it sets to NULL."""
        objs = list(objs)
        if not objs:
            return []
        collector = Collector(using=router.db_for_write(self.model))
        collector.collect(objs)
        entries = []
        for model, instances in collector.data.items():
            if model is AuditEntry:
                continue
            for obj in instances:
                entries.append(self._entry(request, obj, "deleted", self.audit_snapshot(obj), None))
        for rows in collector.fast_deletes:
            for obj in rows:
                entries.append(self._entry(request, obj, "deleted", snapshot(obj), None))
        for (field, value), groups in collector.field_updates.items():
            for obj in (row for rows in groups for row in rows):
                entries.append(
                    self._entry(
                        request, obj, "updated", {field.attname: getattr(obj, field.attname)}, {field.attname: value}
                    )
                )
        return entries

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(self.model)):
            entries = self._deletion_entries(request, [obj])
            super().delete_model(request, obj)
            self._write(request, entries)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            entries = self._deletion_entries(request, queryset)
            super().delete_queryset(request, queryset)
            self._write(request, entries)


def allows_writes(model_admin: admin.ModelAdmin, request) -> bool:
    """Whether an admin lets anyone add, change or delete (a superuser asking)."""
    return bool(
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
        or any(
            inline.has_add_permission(request, None)
            or inline.has_change_permission(request)
            or inline.has_delete_permission(request)
            for inline in model_admin.get_inline_instances(request)
        )
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "object_repr", "note")
    list_filter = ("action",)
    search_fields = ("object_repr", "action", "actor_name")
    date_hierarchy = "at"

    @admin.display(description="Người thực hiện", ordering="actor_name")
    def actor_label(self, obj):
        return obj.actor_label
