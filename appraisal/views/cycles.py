"""Pages of review cycles and guidance documents. Thin: check access, validate, call one service, redirect."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from party_units.access import Perm, access_for, can, get_object_or_deny, get_unit_or_deny
from party_units.feedback import error_messages
from party_units.replica import replica_reads

from .. import services
from ..access import get_review_or_deny
from ..forms import (
    CloseConfirmForm,
    CycleEditForm,
    CycleForm,
    CycleReopenForm,
    DocumentForm,
    DocumentSearchForm,
    add_errors,
)
from ..models import GuidanceDocument, ReviewCycle, deadline_rows
from ..selectors import cycles as selectors
from ..selectors.eligibility import cell_eligibility
from ..selectors.history import flag_lines, flagged_members


@login_required
def index(request):
    """The cycles the user's units issued and the work items of those units."""
    access = access_for(request.user)
    if not access.has_roles:
        raise Http404
    index = selectors.cycle_index(access)
    return render(
        request, "appraisal/index.html", {"roots": index.roots, "cycles": index.cycles, "reviews": index.reviews}
    )


@login_required
def cycle_list(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    return render(
        request,
        "appraisal/cycle_list.html",
        {
            "unit": unit,
            "cycles": selectors.cycles_issued_by(unit) if not unit.is_cell else [],
            "reviews": selectors.reviews_of(unit),
            "can_create": not unit.is_cell and can(request.user, Perm.MANAGE_CYCLES, unit),
            "can_import_past": can(request.user, Perm.MANAGE_MEMBERS, unit),
        },
    )


@login_required
def cycle_create(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.MANAGE_CYCLES)
    if unit.is_cell:
        raise Http404
    form = CycleForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(actor=request.user, issuing_unit=unit, **form.service_kwargs())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo kỳ đánh giá «%(title)s» (đang soạn).") % {"title": cycle.title})
            return redirect("appraisal:cycle_detail", pk=cycle.pk)
    return render(request, "appraisal/cycle_form.html", {"unit": unit, "form": form})


@login_required
def cycle_edit(request, pk: int):
    cycle = get_object_or_deny(request.user, _cycle_queryset(), Perm.MANAGE_CYCLES, pk=pk)
    if cycle.is_closed:
        messages.error(request, _("Kỳ đánh giá đã kết thúc: không sửa được nữa."))
        return redirect("appraisal:cycle_detail", pk=cycle.pk)
    form = CycleEditForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(actor=request.user, cycle=cycle, **form.service_kwargs())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kỳ đánh giá."))
            return redirect("appraisal:cycle_detail", pk=cycle.pk)
    return render(request, "appraisal/cycle_edit.html", {"unit": cycle.issuing_unit, "cycle": cycle, "form": form})


def _cycle_queryset():
    return ReviewCycle.objects.select_related("issuing_unit", "parent__issuing_unit")


@login_required
@replica_reads
def cycle_detail(request, pk: int):
    cycle = get_object_or_deny(request.user, _cycle_queryset(), Perm.VIEW, pk=pk)
    parent = cycle.parent
    progress = selectors.cascade_progress(cycle.root_id_or_self, cycle.issuing_unit)
    return render(
        request,
        "appraisal/cycle_detail.html",
        {
            "cycle": cycle,
            "unit": cycle.issuing_unit,
            "documents": selectors.cycle_documents(cycle),
            "deadlines": deadline_rows(cycle, timezone.localdate(), progress.totals),
            "progress": progress,
            "rules": cycle.rules(),
            "can_manage": can(request.user, Perm.MANAGE_CYCLES, cycle),
            "can_view_parent": parent is not None and can(request.user, Perm.VIEW, parent),
        },
    )


def _transition(request, pk: int, service, done: str):
    cycle = get_object_or_deny(request.user, _cycle_queryset(), Perm.MANAGE_CYCLES, pk=pk)
    try:
        result = service(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, done % {"count": result or 0, "title": cycle.title})
    return redirect("appraisal:cycle_detail", pk=cycle.pk)


@require_POST
@login_required
def cycle_open(request, pk: int):
    return _transition(
        request, pk, services.cycle_open, _("Đã mở kỳ đánh giá: %(count)s đơn vị trong phạm vi đã có phần việc.")
    )


@require_POST
@login_required
def cycle_sync(request, pk: int):
    return _transition(request, pk, services.cycle_sync_scope, _("Đã cập nhật phạm vi: thêm %(count)s đơn vị."))


@login_required
def cycle_close(request, pk: int):
    """Closing asks first: the page lists the units not yet approved, by state; only the confirmed form closes."""
    cycle = get_object_or_deny(request.user, _cycle_queryset(), Perm.MANAGE_CYCLES, pk=pk)
    if request.method == "POST":
        if CloseConfirmForm(request.POST).is_valid():
            return _transition(request, pk, services.cycle_close, _("Đã kết thúc kỳ đánh giá «%(title)s»."))
        return redirect("appraisal:cycle_close", pk=cycle.pk)
    if not cycle.is_open:
        messages.error(request, _("Chỉ kết thúc được kỳ đánh giá đang triển khai."))
        return redirect("appraisal:cycle_detail", pk=cycle.pk)
    unfinished = selectors.unfinished_units(cycle)
    return render(
        request,
        "appraisal/cycle_close.html",
        {
            "cycle": cycle,
            "unit": cycle.issuing_unit,
            "unfinished": unfinished,
            "unfinished_total": sum(entry.count for entry in unfinished),
        },
    )


@login_required
def cycle_reopen(request, pk: int):
    """The issuing committee (or one above) reopens a closed cycle with a reason."""
    cycle = get_object_or_deny(request.user, _cycle_queryset(), Perm.MANAGE_CYCLES, pk=pk)
    if not cycle.is_closed:
        messages.error(request, _("Chỉ mở lại được kỳ đánh giá đã kết thúc."))
        return redirect("appraisal:cycle_detail", pk=cycle.pk)
    form = CycleReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_reopen(actor=request.user, cycle=cycle, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã mở lại kỳ đánh giá «%(title)s».") % {"title": cycle.title})
            return redirect("appraisal:cycle_detail", pk=cycle.pk)
    return render(request, "appraisal/cycle_reopen.html", {"cycle": cycle, "unit": cycle.issuing_unit, "form": form})


@login_required
@replica_reads
def unit_review(request, cycle_pk: int, unit_pk: int):
    """A unit's part of a cycle: the cycle's documents and deadlines, the unit's progress and, for a cell,
    who reviews, who is rated, which form, caps and comments."""
    review = get_review_or_deny(request.user, cycle=cycle_pk, unit=unit_pk)
    unit, cycle = review.unit, review.cycle
    # Members the cell must consider (not completed two years running) or may propose for commendation.
    flagged = flagged_members(review.root_id, unit, cycle.year) if unit.is_cell else []
    return render(
        request,
        "appraisal/unit_review.html",
        {
            "review": review,
            "unit": unit,
            "cycle": cycle,
            "documents": selectors.cycle_documents(cycle),
            "deadlines": review.deadline_rows(timezone.localdate()),
            "eligibility": cell_eligibility(unit, cycle) if unit.is_cell else None,
            "progress": None if unit.is_cell else selectors.cascade_progress(review.root_id, unit),
            "can_view_cycle": can(request.user, Perm.VIEW, cycle),
            "flagged": flag_lines(flagged),
            "flagged_count": len(flagged),
            "can_decide": unit.parent_id is not None and can(request.user, Perm.APPROVE, unit.parent),
        },
    )


def _file_response(document: GuidanceDocument) -> FileResponse:
    if not document.file:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=PurePath(document.file.name).name)


@login_required
def unit_review_document(request, cycle_pk: int, unit_pk: int, document_pk: int):
    """A document of the cycle, downloaded from a unit's part of it (a cell's secretary reads the ward's
    guidance this way without seeing the ward's register)."""
    review = get_review_or_deny(request.user, cycle=cycle_pk, unit=unit_pk)
    document = get_object_or_404(selectors.cycle_documents(review.cycle), pk=document_pk)
    return _file_response(document)


@login_required
def document_register(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    search = DocumentSearchForm(request.GET)
    search.is_valid()  # a refused year is said and left out; the code still searches
    code, year = search.cleaned_data.get("ma", ""), search.cleaned_data.get("nam")
    page = Paginator(selectors.register(unit, code=code, year=year), 50).get_page(search.cleaned_data.get("trang"))
    return render(
        request,
        "appraisal/document_register.html",
        {
            "unit": unit,
            "page": page,
            "search": search,
            "code": code,
            "year": year or "",
            "can_add": can(request.user, Perm.MANAGE_DOCUMENTS, unit),
        },
    )


@login_required
def document_create(request, unit_pk: int):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.MANAGE_DOCUMENTS)
    form = DocumentForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=request.user, issuing_unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu %(document)s vào sổ văn bản.") % {"document": document})
            return redirect("appraisal:document_register", unit_pk=unit.pk)
    return render(request, "appraisal/document_form.html", {"unit": unit, "form": form})


@login_required
def document_file(request, pk: int):
    document = get_object_or_deny(
        request.user, GuidanceDocument.objects.select_related("issuing_unit"), Perm.VIEW, pk=pk
    )
    return _file_response(document)
