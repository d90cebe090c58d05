"""Ratings from before the system: a member's past year entered by staff, or a unit's file imported."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.models import Member
from party_units.access import Perm, get_object_or_deny, get_unit_or_deny
from party_units.feedback import error_messages

from .. import services
from ..forms import PastImportForm, PastRatingForm
from ..rules import Level
from ..selectors.history import member_history
from ..services.past_ratings import HEADER, past_ratings_import


@login_required
def past_rating(request, member_pk: int):
    member = get_object_or_deny(request.user, Member.objects.all(), Perm.MANAGE_MEMBERS, pk=member_pk)
    form = PastRatingForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if form.is_bound:
        if not form.is_valid():
            errors = [message for field_errors in form.errors.values() for message in field_errors]
        else:
            try:
                services.past_rating_record(actor=request.user, member=member, **form.cleaned_data)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Đã ghi xếp loại năm %(year)s.") % {"year": form.cleaned_data["year"]})
                return redirect("members:detail", pk=member.pk)
    years, flags = member_history(member.pk)
    return render(
        request,
        "appraisal/decisions/past_rating.html",
        {
            "member": member,
            "years": years,
            "flags": flags,
            "levels": [(level.value, level.label) for level in Level],
            "posted": form.data,
            "errors": errors,
        },
    )


@login_required
def past_import(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.MANAGE_MEMBERS)
    result = None
    if request.method == "POST":
        form = PastImportForm(request.POST, request.FILES)
        if not form.is_valid():
            error_messages(request, ValidationError(form.errors.as_data()))
        else:
            upload = form.cleaned_data["file"]
            result = past_ratings_import(actor=request.user, unit=unit, data=upload.read(), file_name=upload.name)
            if not result.problems:
                messages.success(request, _("Đã ghi %(n)s dòng xếp loại những năm trước.") % {"n": result.written})
                return redirect("appraisal:past_import", unit_pk=unit.pk)
    return render(request, "appraisal/decisions/past_import.html", {"unit": unit, "result": result, "header": HEADER})
