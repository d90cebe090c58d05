"""Celery tasks of the appraisal app: thin adapters that take ids and call a service."""

from celery import shared_task

from .services.notifications import email_notices


@shared_task(name="appraisal.email_notifications", acks_late=True)
def email_notifications(notice_ids: list[int]) -> int:
    return email_notices(notice_ids=notice_ids)
