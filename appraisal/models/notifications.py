"""Notices to a user: shown on their home page and e-mailed once (reminders, returns, decisions…).

A notice may carry a ``dedupe_key``: the same key for the same user on the same local day is created only
once (a unique constraint), so a reminder sent twice the same day reaches nobody twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=40)  # dotted, e.g. "self_review.reminder"
    text = models.TextField(_("nội dung"))
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)  # a path inside the site
    created_at = models.DateTimeField(_("thời gian"), auto_now_add=True)
    created_on = models.DateField(_("ngày"), editable=False)  # the local day, for the daily de-duplication
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key", "created_on"],
                condition=~Q(dedupe_key=""),
                name="notification_once_a_day",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.text[:40]}"

    @property
    def owner_user_id(self) -> int:
        return self.user_id

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
