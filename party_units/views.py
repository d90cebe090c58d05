from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .access import Perm, access_for, get_unit_or_deny
from .panels import home_panels
from .selectors import flatten, unit_tree


@login_required
def home(request):
    """Send each person to their work: staff and secretaries to their units, a member to their own record."""
    access = access_for(request.user)
    panels = home_panels(request)
    if not access.has_roles:
        member = getattr(request.user, "member", None)
        if member is not None and not panels:
            return redirect("members:detail", pk=member.pk)
        return render(request, "party_units/home_no_role.html", {"panels": panels})
    nodes = flatten(unit_tree(request.user))
    roots = [n for n in nodes if n.unit.path in set(access.root_paths(Perm.VIEW))] or nodes[:1]
    return render(request, "party_units/home.html", {"roots": roots, "kinds": access.kinds(), "panels": panels})


@login_required
def tree(request):
    access = access_for(request.user)
    if not access.has_roles:
        # A member account has no units to see; do not reveal the tree.
        return render(request, "party_units/home_no_role.html", status=403)
    return render(request, "party_units/tree.html", {"nodes": flatten(unit_tree(request.user))})


@login_required
def unit_detail(request, pk: int):
    unit = get_unit_or_deny(request.user, pk, Perm.VIEW)
    nodes = flatten(unit_tree(request.user, root=unit))
    return render(
        request,
        "party_units/unit_detail.html",
        {"unit": unit, "nodes": nodes, "ancestors": unit.ancestors(), "node": nodes[0] if nodes else None},
    )
