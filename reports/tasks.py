from celery import shared_task

from .services import job_run


@shared_task(name="reports.run_report_job", acks_late=True)
def run_report_job(job_id: int) -> str:
    """Thin adapter: reload by id and run the service."""
    return job_run(job_id=job_id).status
