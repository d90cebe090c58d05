"""What the members app keeps for the pages, written in Python by the code that writes its rows.

- ``UnitMemberCount``: each unit's open official memberships (what the tree, the rosters and the dashboards sum
  over a subtree instead of counting memberships per request), and those of the units directly under it
  (``children_members``: a committee's cells', what the dashboards above a ward read).
- ``Membership.sort_key``: the member's sort key copied onto each of their memberships (the rosters' order).

A single row written through the model (``Membership.save``/``delete``, ``Member.save``: the services, the
admin, the demo) keeps both in the same transaction. A bulk writer (``bulk_create``, ``bulk_update``, a queryset
``update`` or ``delete``, the scale seeder's COPY) calls ``unit_counts_refresh`` for the units it touched and
``sort_keys_copy`` for the members it renamed, or ``member_counts_rebuild`` after a load. A recount must always
equal what is stored (``members/tests/test_official_counts.py``, ``test_membership_sort_key.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery

from party_units.models import PartyUnit

from .models import OPEN_OFFICIAL, Member, Membership, UnitMemberCount

BATCH_SIZE = 2000


def counted(unit_id: int | None, kind: str, end_date) -> bool:
    """Whether a membership with these values is counted: an open official one."""
    return unit_id is not None and kind == "official" and end_date is None


def unit_count_shift(unit_id: int, delta: int) -> None:
    """Add ``delta`` (1 or -1) to a unit's count and to its parent's count of its children's members: one
    UPDATE each, safe against a concurrent shift. A unit (or parent) without a row yet is counted from the
    memberships instead, this one included."""
    if not UnitMemberCount.objects.filter(unit_id=unit_id).update(official_members=F("official_members") + delta):
        unit_counts_refresh([unit_id])  # the parent's count of its children too
        return
    parent = PartyUnit.objects.filter(pk=unit_id).values("parent_id")[:1]
    shifted = UnitMemberCount.objects.filter(unit_id=Subquery(parent)).update(
        children_members=F("children_members") + delta
    )
    if not shifted:
        parent_id = PartyUnit.objects.filter(pk=unit_id).values_list("parent_id", flat=True).first()
        if parent_id is not None:
            unit_counts_refresh([parent_id])


def recount(unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Open official memberships per unit counted from the rows (the given units, or every unit holding any)."""
    rows = Membership.objects.filter(OPEN_OFFICIAL)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return dict(rows.values_list("unit_id").annotate(n=Count("id")).order_by())


def children_recount(unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Open official memberships of the units directly under each unit (the given units, or every parent)."""
    rows = Membership.objects.filter(OPEN_OFFICIAL, unit__parent__isnull=False)
    if unit_ids is not None:
        rows = rows.filter(unit__parent_id__in=list(unit_ids))
    return dict(rows.values_list("unit__parent_id").annotate(n=Count("id")).order_by())


def _write(ids: Iterable[int], official: dict[int, int], children: dict[int, int]) -> None:
    UnitMemberCount.objects.bulk_create(
        [
            UnitMemberCount(unit_id=pk, official_members=official.get(pk, 0), children_members=children.get(pk, 0))
            for pk in ids
        ],
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["official_members", "children_members"],
        batch_size=BATCH_SIZE,
    )


@transaction.atomic
def unit_counts_refresh(unit_ids: Iterable[int]) -> None:
    """Count the given units and their parents again from their memberships (after a bulk write touching
    them): their rows are locked first, so the counts read next see every concurrent write committed before."""
    given = set(unit_ids)
    if not given:
        return
    parents = PartyUnit.objects.filter(pk__in=sorted(given), parent__isnull=False).values_list("parent_id", flat=True)
    ids = sorted(given | set(parents))
    list(UnitMemberCount.objects.select_for_update().filter(unit_id__in=ids).values_list("unit_id", flat=True))
    _write(ids, recount(ids), children_recount(ids))


@transaction.atomic
def member_counts_rebuild() -> int:
    """Replace every unit's counts with a recount (after a bulk load); returns the number of units counted."""
    official, children = recount(), children_recount()
    UnitMemberCount.objects.all().delete()
    ids = sorted(set(official) | set(children))
    UnitMemberCount.objects.bulk_create(
        [
            UnitMemberCount(unit_id=pk, official_members=official.get(pk, 0), children_members=children.get(pk, 0))
            for pk in ids
        ],
        batch_size=BATCH_SIZE,
    )
    return len(official)


def sort_keys_copy(member_ids: Iterable[int] | None = None) -> int:
    """Copy the members' sort keys onto their memberships where they differ (the given members, or all)."""
    rows = Membership.objects.all()
    if member_ids is not None:
        rows = rows.filter(member_id__in=list(member_ids))
    key = Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("sort_key")[:1])
    return rows.exclude(sort_key=key).update(sort_key=key)
