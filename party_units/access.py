"""The one access helper: "may this user do this on this unit or record?"

Every view asks here. A role is held on a unit and covers its whole subtree; the check is a path prefix
test against the user's roles, which are loaded once per request (one query) and cached on the user.
A record (a member, a cycle's work item…) answers through two optional attributes:
``access_unit`` (the unit whose roles govern it) and ``owner_user_id`` (the account it belongs to, if any).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from audit.services import Actor as Actor  # the acting user type, re-exported for the apps above

from .models import PartyUnit, RoleKind


class Perm(StrEnum):
    VIEW = "view"  # see the unit, its tree, its roster and cycles
    MANAGE_MEMBERS = "manage_members"  # add, edit, transfer, import members
    HOLD_MEETING = "hold_meeting"  # enter the cell meeting's results and proposals
    MANAGE_CYCLES = "manage_cycles"  # create, open, close review cycles issued by the unit
    MANAGE_DOCUMENTS = "manage_documents"  # keep the unit's register of guidance documents
    APPROVE = "approve"  # approve, return or adjust the ratings proposed by lower units
    SELF_REVIEW = "self_review"  # file one's own self-review (owner only)
    LINK_ACCOUNTS = "link_accounts"  # link a login account to a member (committee staff, never a cell)


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    RoleKind.SECRETARY: frozenset({Perm.VIEW, Perm.MANAGE_MEMBERS, Perm.HOLD_MEETING}),
    RoleKind.WARD_STAFF: frozenset(
        {Perm.VIEW, Perm.MANAGE_MEMBERS, Perm.MANAGE_CYCLES, Perm.MANAGE_DOCUMENTS, Perm.APPROVE, Perm.LINK_ACCOUNTS}
    ),
    RoleKind.HIGHER_STAFF: frozenset(
        {Perm.VIEW, Perm.MANAGE_MEMBERS, Perm.MANAGE_CYCLES, Perm.MANAGE_DOCUMENTS, Perm.APPROVE, Perm.LINK_ACCOUNTS}
    ),
}
# What the account a record belongs to may do with it, whatever its roles.
OWNER_PERMS = frozenset({Perm.VIEW, Perm.SELF_REVIEW})


@dataclass(frozen=True)
class Grant:
    kind: str
    unit_id: int
    path: str
    perms: frozenset[Perm]


@dataclass
class Access:
    user_id: int | None
    is_superuser: bool
    grants: list[Grant] = field(default_factory=list)

    def can(self, perm: Perm, target) -> bool:
        if target is None:
            return False
        owner = getattr(target, "owner_user_id", None)
        if perm in OWNER_PERMS and owner is not None and owner == self.user_id:
            return True
        unit = target if isinstance(target, PartyUnit) else getattr(target, "access_unit", None)
        if unit is None:
            return self.is_superuser
        if self.is_superuser:
            return True
        return any(perm in g.perms and unit.path.startswith(g.path) for g in self.grants)

    def root_paths(self, perm: Perm = Perm.VIEW) -> list[str]:
        """The top-most unit paths where the user holds `perm` (nested grants folded into their parent)."""
        paths = sorted({g.path for g in self.grants if perm in g.perms})
        roots: list[str] = []
        for path in paths:
            if not any(path.startswith(r) for r in roots):
                roots.append(path)
        return roots

    def units(self, perm: Perm = Perm.VIEW):
        """A queryset of every unit where the user holds `perm`."""
        if self.is_superuser:
            return PartyUnit.objects.all()
        return PartyUnit.objects.under_any(self.root_paths(perm))

    @property
    def has_roles(self) -> bool:
        return self.is_superuser or bool(self.grants)

    def kinds(self) -> set[str]:
        return {g.kind for g in self.grants}


def access_for(user) -> Access:
    """The user's grants, loaded once and cached on the user object for the rest of the request."""
    cached = getattr(user, "_party_access", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        access = Access(user_id=None, is_superuser=False)
    else:
        grants = [
            Grant(kind=kind, unit_id=unit_id, path=path, perms=ROLE_PERMS[kind])
            for kind, unit_id, path in user.party_roles.filter(unit__is_active=True).values_list(
                "kind", "unit_id", "unit__path"
            )
        ]
        access = Access(user_id=user.pk, is_superuser=user.is_superuser, grants=grants)
    user._party_access = access
    return access


def can(user, perm: Perm, target) -> bool:
    return access_for(user).can(perm, target)


def require(user, perm: Perm, target) -> None:
    """Refuse with 404 when the user may not even see the target (its existence is not revealed),
    with 403 when they may see it but not do this."""
    access = access_for(user)
    if access.can(perm, target):
        return
    if perm != Perm.VIEW and access.can(Perm.VIEW, target):
        raise PermissionDenied
    raise Http404


def require_actor(actor: Actor, perm: Perm, target) -> None:
    """The re-check a service makes before it writes: PermissionDenied unless `actor` may do `perm` on `target`.

    ``actor=None`` is the system itself (demo data, an operator's management command); a ``target`` of None
    (e.g. a central document with no issuing unit) is for superusers only.
    """
    if actor is None:
        return
    allowed = can(actor, perm, target) if target is not None else getattr(actor, "is_superuser", False)
    if not allowed:
        raise PermissionDenied


def get_unit_or_deny(user, pk: int, perm: Perm = Perm.VIEW) -> PartyUnit:
    """Fetch a unit and check the user's right to it in the same step."""
    unit = get_object_or_404(PartyUnit, pk=pk)
    require(user, perm, unit)
    return unit


def get_object_or_deny(user, queryset, perm: Perm = Perm.VIEW, **lookup):
    """Fetch any record that exposes ``access_unit``/``owner_user_id`` and check the right in one step."""
    obj = get_object_or_404(queryset, **lookup)
    require(user, perm, obj)
    return obj
