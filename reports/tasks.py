"""Thin Celery adapters: take an id, call the service. Late acknowledgement with reject-on-worker-lost: a worker
killed mid-render leaves its message to be delivered again, and the redelivered task finishes the job."""

from celery import shared_task

from .services import TRANSIENT_ERRORS, job_fail, job_run

MAX_RETRIES = 3


@shared_task(
    bind=True, name="reports.run_report_job", acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES
)
def run_report_job(self, job_id: int) -> str:
    try:
        return job_run(job_id=job_id, task_id=self.request.id or "").status
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            return job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}").status
        if self.request.is_eager:  # no broker (a laptop, the tests): try again here, at once
            return run_report_job.apply(args=[job_id], retries=self.request.retries + 1).get()
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
