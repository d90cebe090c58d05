"""Start a report job (queued on commit) and run it (in a Celery worker, or in-process without a broker)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_log
from party_units.access import Actor
from party_units.models import PartyUnit

from .models import JobStatus, ReportJob
from .renderers import RENDERERS


class ReportError(Exception):
    pass


def job_start(*, actor: Actor, kind: str, unit: PartyUnit, params: dict | None = None) -> ReportJob:
    if kind not in RENDERERS:
        raise ReportError(f"Không có loại văn bản “{kind}”.")
    from .tasks import run_report_job

    with transaction.atomic():
        job = ReportJob.objects.create(kind=kind, unit=unit, params=params or {}, requested_by=actor)
        audit_log(
            actor=actor, action="report.requested", obj=job, after={"kind": kind, "unit_id": unit.pk, "unit": unit.name}
        )
        # The worker must never see a job row before it is committed.
        transaction.on_commit(lambda: run_report_job.delay(job.pk))
    return job


def job_run(*, job_id: int) -> ReportJob:
    """Render and store one job. Safe to call twice: a job already started is left alone."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().select_related("unit").get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return job
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        _label, render = RENDERERS[job.kind]
        rendered = render(job.unit, job.params)
    except Exception as exc:  # noqa: BLE001 - any renderer failure is shown on the job page
        job.status = JobStatus.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    with transaction.atomic():
        job.file.save(rendered.filename, ContentFile(rendered.content), save=False)
        job.filename = rendered.filename
        job.content_type = rendered.content_type
        job.size = len(rendered.content)
        job.checksum = hashlib.sha256(rendered.content).hexdigest()
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
        job.save()
    return job
