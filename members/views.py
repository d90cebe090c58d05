from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from party_units.access import Perm, get_object_or_deny

from .models import Member


@login_required
def member_detail(request, pk: int):
    member = get_object_or_deny(request.user, Member.objects.all(), Perm.VIEW, pk=pk)
    memberships = member.memberships.select_related("unit").order_by("-start_date")
    return render(
        request,
        "members/member_detail.html",
        {"member": member, "memberships": memberships, "statuses": member.statuses.all()},
    )
