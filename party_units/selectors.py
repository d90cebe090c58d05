"""Reads of the organisation tree shared by pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .access import Perm, access_for
from .models import PartyUnit


@dataclass
class TreeNode:
    unit: PartyUnit
    direct_members: int = 0
    total_members: int = 0
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(user, *, root: PartyUnit | None = None) -> list[TreeNode]:
    """The units the user may see (or those under `root`), as a forest, each with its member counts.

    Two queries whatever the depth or size: the units by path prefix, annotated with their current official
    members (the reverse relation `memberships` comes from the members app); subtree totals are summed here.
    """
    units = PartyUnit.objects.subtree_of(root) if root is not None else access_for(user).units(Perm.VIEW)
    units = (
        units.filter(is_active=True)
        .annotate(
            direct_count=Count(
                "memberships",
                filter=Q(memberships__end_date__isnull=True, memberships__kind="official"),
            )
        )
        .order_by("path")
    )
    nodes: dict[int, TreeNode] = {}
    forest: list[TreeNode] = []
    for unit in units:  # ordered by path: a parent always comes before its children
        node = TreeNode(unit=unit, direct_members=unit.direct_count, total_members=unit.direct_count)
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
