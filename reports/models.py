"""Generated files: a job is requested on a page, rendered by a Celery worker, stored with its checksum."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from party_units.models import PartyUnit


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReportJob(models.Model):
    kind = models.CharField(_("loại văn bản"), max_length=40)
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    unit = models.ForeignKey(PartyUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản được tạo")
        verbose_name_plural = _("văn bản được tạo")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def access_unit(self) -> PartyUnit:
        return self.unit

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
