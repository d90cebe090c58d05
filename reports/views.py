from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.models import ReviewCycle, UnitReview
from party_units.access import Perm, get_object_or_deny, get_unit_or_deny

from .models import JobStatus, ReportJob
from .renderers import RENDERERS
from .services import ReportError, job_expire_if_stale, job_retry, job_start


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number < 2**31:
        raise Http404
    return number


def _params(request, kind: str, unit) -> dict:
    """The job's parameters from the form, each record fetched through the access check and tied to the unit,
    so nobody renders a record of a unit they may not see by changing an id."""
    params = {"format": request.POST.get("format") or RENDERERS[kind].formats[0]}
    needs = RENDERERS[kind].needs
    if "review" in needs:
        review = get_object_or_deny(
            request.user, UnitReview.objects.select_related("unit"), Perm.VIEW, pk=_int(request.POST.get("review"))
        )
        if review.unit_id != unit.pk:
            raise Http404
        params["review"] = review.pk
    if "cycle" in needs:
        cycle = get_object_or_deny(
            request.user,
            ReviewCycle.objects.select_related("issuing_unit"),
            Perm.VIEW,
            pk=_int(request.POST.get("cycle")),
        )
        params["cycle"] = cycle.pk
    if "member" in needs:
        params["member"] = _int(request.POST.get("member"))
    return params


@login_required
@require_POST
def job_create(request, unit_pk: int, kind: str):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    try:
        if kind not in RENDERERS:
            raise ReportError(_("Không có loại văn bản “%(kind)s”.") % {"kind": kind})
        job = job_start(actor=request.user, kind=kind, unit=unit, params=_params(request, kind, unit))
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("party_units:detail", pk=unit.pk)
    return redirect("reports:job", pk=job.pk)


def _state(job: ReportJob) -> dict:
    return {
        "status": job.status,
        "finished": job.is_finished,
        "label": job.get_status_display(),
        "error": job.error if job.status == JobStatus.FAILED else "",
        "progress": [job.progress_done, job.progress_total] if job.progress_total else None,
        "download": reverse("reports:download", args=[job.pk]) if job.status == JobStatus.DONE else None,
        "filename": job.filename,
    }


@login_required
def job_detail(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    job = job_expire_if_stale(job)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(_state(job))
    kind = RENDERERS.get(job.kind)
    label = kind.label if kind else job.kind
    return render(request, "reports/job_detail.html", {"job": job, "label": label})


@login_required
@require_POST
def job_again(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    try:
        job_retry(actor=request.user, job=job)
    except ReportError as exc:
        messages.error(request, str(exc))
    return redirect("reports:job", pk=job.pk)


@login_required
def job_download(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type)
