"""Notices to users: ``notify`` writes them (once a day per dedupe key) and queues their e-mail.

The e-mail goes through Django's configured e-mail backend in a Celery task (``appraisal.tasks``), queued
after the transaction commits; with no broker configured the task runs in-process, and when the broker cannot be
reached the e-mails are sent in the request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from party_units.access import Actor
from party_units.models import nfc

from ..models import Notification

MAX_TEXT = 2000
logger = logging.getLogger(__name__)


def _user_ids(users: Iterable) -> list[int]:
    ids = []
    for user in users:
        pk = user if isinstance(user, int) else user.pk
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def notify(
    *,
    actor: Actor,
    users: Iterable,
    kind: str,
    text: str,
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Give each of ``users`` (accounts or their ids) a notice; returns the notices created.

    With a ``dedupe_key``, a user who already has a notice with that key today (local date) gets none, so the
    same reminder is never created twice the same day. ``url`` must be a path inside the site. The caller has
    checked the actor's right to notify these users; ``actor`` is kept for the signature's sake and the audit
    entry the caller writes.
    """
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError(_("Thông báo cần có nội dung."))
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValidationError(_("Đường dẫn của thông báo phải là một trang trong hệ thống."))
    ids = _user_ids(users)
    if not ids:
        return []
    today = timezone.localdate()
    with transaction.atomic():
        if dedupe_key:
            already = set(
                Notification.objects.filter(user_id__in=ids, dedupe_key=dedupe_key, created_on=today).values_list(
                    "user_id", flat=True
                )
            )
            ids = [pk for pk in ids if pk not in already]
        created = []
        for pk in ids:
            notice = Notification(
                user_id=pk, kind=kind, text=text[:MAX_TEXT], url=url, dedupe_key=dedupe_key, created_on=today
            )
            try:
                # A savepoint per notice: a concurrent reminder that wrote the same key first wins quietly.
                with transaction.atomic():
                    notice.save()
            except IntegrityError:
                continue
            created.append(notice)
        if email and created:
            notice_ids = [notice.pk for notice in created]
            transaction.on_commit(lambda: _queue_email(notice_ids))
    return created


def _queue_email(notice_ids: list[int]) -> None:
    """Queue the e-mails; when the queue cannot be reached they are sent here, in the request, so no reminder is
    lost (sending is idempotent: a notice is marked as it goes)."""
    from kombu.exceptions import OperationalError as BrokerUnreachable

    from ..tasks import email_notifications

    try:
        email_notifications.delay(notice_ids)
    except BrokerUnreachable:
        logger.warning("task queue unreachable: %d notice e-mails sent in the request", len(notice_ids))
        email_notices(notice_ids=notice_ids)


def email_notices(*, notice_ids: list[int]) -> int:
    """Send each notice not yet e-mailed to its user's address (when they have one); returns how many went.

    Idempotent: a notice is marked ``emailed_at`` as it goes, so a retried task sends nothing twice.
    """
    from django.conf import settings
    from django.core.mail import send_mail

    sent = 0
    notices = Notification.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).select_related("user")
    for notice in notices:
        address = (notice.user.email or "").strip()
        if not address:
            continue
        link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{notice.url}" if notice.url else ""
        body = notice.text + (f"\n\n{link}" if link else "")
        send_mail(
            subject=_("[Kiểm điểm] %(text)s") % {"text": notice.text.splitlines()[0][:80]},
            message=body,
            from_email=None,
            recipient_list=[address],
        )
        Notification.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        sent += 1
    return sent


def notification_mark_read(*, actor: Actor, notification: Notification | None = None) -> int:
    """Mark one of the actor's notices read, or all of them (``notification=None``); returns how many changed."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if notification is not None and notification.user_id != actor.pk:
        raise PermissionDenied
    unread = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def unread_notices(user, limit: int = 5) -> tuple[int, list[Notification]]:
    """The user's unread count and the newest few unread notices (two queries)."""
    if not getattr(user, "is_authenticated", False):
        return 0, []
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    count = unread.count()
    return count, list(unread[:limit]) if count else []


__all__ = ["email_notices", "notification_mark_read", "notify", "unread_notices"]
