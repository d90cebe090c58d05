from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from party_units.access import Perm, get_object_or_deny, get_unit_or_deny

from .models import JobStatus, ReportJob
from .renderers import RENDERERS
from .services import ReportError, job_start


@login_required
@require_POST
def job_create(request, unit_pk: int, kind: str):
    unit = get_unit_or_deny(request.user, unit_pk, Perm.VIEW)
    try:
        job = job_start(actor=request.user, kind=kind, unit=unit)
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("party_units:detail", pk=unit.pk)
    return redirect("reports:job", pk=job.pk)


@login_required
def job_detail(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"status": job.status, "finished": job.is_finished})
    label = RENDERERS.get(job.kind, (job.kind,))[0]
    return render(request, "reports/job_detail.html", {"job": job, "label": label})


@login_required
def job_download(request, pk: int):
    job = get_object_or_deny(request.user, ReportJob.objects.select_related("unit"), Perm.VIEW, pk=pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type)
