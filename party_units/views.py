from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .access import Perm, access_for, get_object_or_deny
from .models import PartyUnit
from .panels import home_panels
from .selectors import root_units, search_units, unit_rows, with_children, with_direct_members

SEARCH_PAGE_SIZE = 50


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
    roots = unit_rows(root_units(request.user))
    return render(request, "party_units/home.html", {"roots": roots, "kinds": access.kinds(), "panels": panels})


@login_required
def tree(request):
    """The user's top units and the level below them, with counts; or the units found by name (?q=)."""
    access = access_for(request.user)
    if not access.has_roles:
        # A member account has no units to see; do not reveal the tree.
        return render(request, "party_units/home_no_role.html", status=403)
    query = request.GET.get("q", "").strip()
    if query:
        page = Paginator(search_units(request.user, query), SEARCH_PAGE_SIZE).get_page(request.GET.get("trang"))
        return render(request, "party_units/tree.html", {"query": query, "page": page})
    sections = with_children(root_units(request.user))
    return render(request, "party_units/tree.html", {"query": "", "sections": sections})


@login_required
def unit_detail(request, pk: int):
    """A unit and the units directly under it, with counts; each opens on its own page."""
    unit = get_object_or_deny(request.user, with_direct_members(PartyUnit.objects.all()), Perm.VIEW, pk=pk)
    ((row, rows),) = with_children([unit])
    return render(
        request,
        "party_units/unit_detail.html",
        {"unit": unit, "row": row, "rows": rows, "ancestors": unit.ancestors()},
    )
