"""Writing a valid plan: bulk operations in one transaction, one audit entry per changed member and one for the
import (`apply_plan`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_entry, audit_log, snapshot
from party_units.access import Perm, can

from ..counts import unit_counts_refresh
from ..models import Member, Membership
from .plan import NEW, UNCHANGED, UPDATABLE, UPDATED, ImportPlan

BATCH_SIZE = 1000
FEW_VALUES = 20  # up to this many distinct new values of a field: one UPDATE … WHERE id IN (…) per value


# ---------------------------------------------------------------------------------------------------------------
# Writing


def _snapshot(member: Member) -> dict[str, Any]:
    return snapshot(member, ["full_name", *UPDATABLE])


@transaction.atomic
def apply_plan(plan: ImportPlan, *, actor) -> dict[str, int]:
    """Write a valid plan with bulk operations; returns the counts of each fate."""
    if not plan.is_valid:
        raise ValueError("An import plan with errors cannot be applied.")
    if any(not can(actor, Perm.MANAGE_MEMBERS, r.cell) for r in plan.rows if r.fate != UNCHANGED):
        raise PermissionDenied
    today = timezone.localdate()
    now = timezone.now()
    entries: list[AuditEntry] = []

    new_rows = [r for r in plan.rows if r.fate == NEW]
    new_members = []
    for row in new_rows:
        member = Member(full_name=row.full_name, **{k: row.values[k] for k in UPDATABLE if k in row.values})
        member.normalise()
        member.created_at = member.updated_at = now
        new_members.append(member)
    Member.objects.bulk_create(new_members, batch_size=BATCH_SIZE)
    memberships = [
        Membership(
            member=member,
            unit=row.cell,
            sort_key=member.sort_key,
            start_date=row.values.get("start_date") or row.values.get("admitted_on") or today,
            note=_("Nhập từ tệp %(f)s") % {"f": plan.file_name[:200]},
        )
        for row, member in zip(new_rows, new_members, strict=True)
    ]
    for row, member in zip(new_rows, new_members, strict=True):
        entries.append(
            audit_entry(
                actor=actor,
                action="member.imported",
                obj=member,
                after={**_snapshot(member), "unit_id": row.cell.pk, "unit": row.cell.name},
                note=plan.file_name[:200],
            )
        )

    updated_rows = [r for r in plan.rows if r.fate == UPDATED]
    changed_fields: dict[str, list[Member]] = defaultdict(list)
    closed: list[Membership] = []
    for row in updated_rows:
        member = row.member
        before = _snapshot(member)
        for key in UPDATABLE:
            if key in row.values:
                setattr(member, key, row.values[key])
        member.normalise()
        member.updated_at = now
        after = _snapshot(member)
        changed = [k for k in after if after[k] != before[k]]
        for key in changed:
            changed_fields[key].append(member)
        audit_before = {k: before[k] for k in changed}
        audit_after = {k: after[k] for k in changed}
        if row.transfer:
            on = row.values.get("start_date") or today
            if row.current is not None:
                row.current.end_date = on - datetime.timedelta(days=1)
                closed.append(row.current)
                audit_before |= {"unit_id": row.current.unit_id, "unit": row.current.unit.name}
            audit_after |= {"unit_id": row.cell.pk, "unit": row.cell.name, "start_date": on.isoformat()}
            memberships.append(
                Membership(
                    member=member,
                    unit=row.cell,
                    sort_key=member.sort_key,
                    start_date=on,
                    note=_("Chuyển đến (nhập từ tệp)"),
                )
            )
        entries.append(
            audit_entry(
                actor=actor,
                action="member.import_updated",
                obj=member,
                before=audit_before,
                after=audit_after,
                note=plan.file_name[:200],
            )
        )
    touched = {m.pk for members in changed_fields.values() for m in members}
    for key, members in changed_fields.items():
        _update_field(Member, members, key)
    if touched:
        Member.objects.filter(pk__in=touched).update(updated_at=now)
    _update_field(Membership, closed, "end_date")
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    # Written in bulk: the cells' stored counts of official members are counted again.
    unit_counts_refresh({m.unit_id for m in closed} | {m.unit_id for m in memberships})
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    counts = plan.counts
    audit_log(
        actor=actor,
        action="members.import",
        obj=plan.unit,
        after={"file": plan.file_name, "sha256": plan.digest, **counts},
    )
    return counts


def _update_field(model, objs: list, field_name: str) -> None:
    """Write one field of many rows: one UPDATE per distinct value when there are few (a post set for everyone,
    one transfer date), else a batched CASE update. Either way a bounded number of queries."""
    if not objs:
        return
    by_value: dict[Any, list[int]] = defaultdict(list)
    for obj in objs:
        by_value[getattr(obj, field_name)].append(obj.pk)
    if len(by_value) <= FEW_VALUES:
        for value, pks in by_value.items():
            model.objects.filter(pk__in=pks).update(**{field_name: value})
    else:
        model.objects.bulk_update(objs, [field_name], batch_size=BATCH_SIZE)
