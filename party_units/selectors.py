"""Reads of the organisation tree shared by pages."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from .access import Perm, access_for
from .models import PATH_STEP, PartyUnit, fold

# The stored count of a unit's current official members, read through the reverse relation ``member_count``
# (``members.UnitMemberCount``, kept by the members app as memberships are written; no row: none). Like
# ``memberships``, a relation the layer above defines: this app reads it without importing members.
DIRECT_MEMBERS = "member_count__official_members"


@dataclass
class TreeNode:
    unit: PartyUnit
    direct_members: int = 0
    total_members: int = 0
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(user, *, root: PartyUnit | None = None) -> list[TreeNode]:
    """The units the user may see (or those under `root`), as a forest, each with its member counts: the whole
    subtree, for the Excel export (pages show one level at a time through ``unit_rows``).

    One query whatever the depth or size: the units by path prefix, each with its stored count of current
    official members (``DIRECT_MEMBERS``); subtree totals are summed here.
    """
    units = PartyUnit.objects.subtree_of(root) if root is not None else access_for(user).units(Perm.VIEW)
    units = units.filter(is_active=True).annotate(direct=Coalesce(F(DIRECT_MEMBERS), 0)).order_by("path")
    nodes: dict[int, TreeNode] = {}
    forest: list[TreeNode] = []
    for unit in units:  # ordered by path: a parent always comes before its children
        node = TreeNode(unit=unit, direct_members=unit.direct, total_members=unit.direct)
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id)
        if parent is None:
            forest.append(node)
        else:
            parent.children.append(node)
    for unit in reversed(list(nodes.values())):  # deepest first: roll the totals up
        parent = nodes.get(unit.unit.parent_id)
        if parent is not None:
            parent.total_members += unit.total_members
    return forest


def flatten(forest: list[TreeNode]) -> list[TreeNode]:
    out: list[TreeNode] = []
    stack = list(reversed(forest))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


@dataclass
class UnitRow:
    """One unit shown on a page, with the size of its subtree: current official members and active units below."""

    unit: PartyUnit
    members: int = 0
    units_below: int = 0

    @property
    def has_children(self) -> bool:
        return self.units_below > 0


def _common_prefix(paths: list[str]) -> str:
    """The deepest ancestor path shared by ``paths`` (whole steps only): one indexed prefix covers them all."""
    prefix = os.path.commonprefix(paths)
    return prefix[: len(prefix) - len(prefix) % PATH_STEP]


def unit_rows(units: Iterable[PartyUnit]) -> list[UnitRow]:
    """``units`` (none inside another's subtree) with their subtree counts, computed in the database.

    One grouped query per distinct depth among ``units`` (siblings or the roots of one user: one depth) over the
    unit rows under one indexed path prefix, grouped by the first ``len(path)`` characters of the path: the
    members are the stored per-unit counts summed, so a city of 100,000 members reads its 3,500 unit rows.
    """
    rows = [UnitRow(unit=unit) for unit in units]
    by_width: dict[int, dict[str, UnitRow]] = defaultdict(dict)
    for row in rows:
        by_width[len(row.unit.path)][row.unit.path] = row
    for width, wanted in by_width.items():
        prefix = _common_prefix(list(wanted))
        active = PartyUnit.objects.filter(path__startswith=prefix, is_active=True).annotate(
            branch=Substr("path", 1, width)
        )
        if len(wanted) < 50:  # a few units under a wide prefix (a user's roots): name them
            active = active.filter(branch__in=list(wanted))
        counts = active.values_list("branch").annotate(n=Count("id"), members=Sum(DIRECT_MEMBERS)).order_by()
        for branch, n, members in counts:
            if branch in wanted:
                wanted[branch].units_below = n - 1
                wanted[branch].members = members or 0
    return rows


def with_direct_members(units: QuerySet[PartyUnit]) -> QuerySet[PartyUnit]:
    """``units`` each with ``direct_members``, its stored count of current official members (same query)."""
    return units.annotate(direct_members=Coalesce(F(DIRECT_MEMBERS), 0))


def with_children(units: Iterable[PartyUnit]) -> list[tuple[UnitRow, list[UnitRow]]]:
    """Each of ``units`` with its counts and the rows of its direct children. A parent's counts are summed from
    its children's (plus members held directly in it: ``direct_members`` when read ``with_direct_members``,
    else one more query): two queries whatever the size."""
    units = list(units)
    direct = {unit.pk: unit.direct_members for unit in units if hasattr(unit, "direct_members")}
    missing = [unit.pk for unit in units if unit.pk not in direct]
    if missing:
        direct |= dict(
            with_direct_members(PartyUnit.objects.filter(pk__in=missing)).values_list("pk", "direct_members")
        )
    children: dict[int, list[UnitRow]] = defaultdict(list)
    for row in unit_rows(children_of(units)):
        children[row.unit.parent_id].append(row)
    out = []
    for unit in units:
        rows = children.get(unit.pk, [])
        parent = UnitRow(
            unit=unit,
            members=(direct[unit.pk] if unit.is_active else 0) + sum(row.members for row in rows),
            units_below=sum(row.units_below + 1 for row in rows),
        )
        out.append((parent, rows))
    return out


def root_units(user) -> QuerySet[PartyUnit]:
    """The top-most active units the user may see (a superuser: the top of every tree)."""
    access = access_for(user)
    if access.is_superuser:
        roots = PartyUnit.objects.filter(parent__isnull=True)
    else:
        roots = PartyUnit.objects.filter(path__in=access.root_paths(Perm.VIEW))
    return with_direct_members(roots.filter(is_active=True).order_by("path"))


def children_of(units: Iterable[PartyUnit]) -> QuerySet[PartyUnit]:
    return PartyUnit.objects.filter(parent__in=list(units), is_active=True).order_by("path")


def search_units(user, text: str) -> QuerySet[PartyUnit]:
    """Units in the user's scope whose name holds every word of ``text``, tone marks and case ignored."""
    words = fold(text).split()
    units = access_for(user).units(Perm.VIEW).filter(is_active=True)
    if not words:
        return units.none()
    for word in words:
        units = units.filter(search_name__contains=word)
    return units.select_related("parent").order_by("path")
