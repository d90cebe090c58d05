"""Generated files: a job is requested on a page, rendered by a Celery worker, stored with its checksum."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import account_ref
from party_units.models import InUnit, PartyUnit


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReportJob(InUnit):
    kind = models.CharField(_("loại văn bản"), max_length=40)
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    unit = models.ForeignKey(PartyUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    requested_by = account_ref()
    # The account the document belongs to (a member's own self-review): it may see the job and its file besides
    # those who may see the unit (party_units.access reads ``owner_user_id``).
    owner = account_ref()
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(blank=True)
    # Each run that takes the job counts one attempt and writes its task id: a redelivered task (same id) may
    # take over a job left "running" by a worker that died, and only the latest attempt may finish the job.
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    # A bulk job (every cell's minutes of a cycle, as one zip) counts the documents done of the total.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # False while the request could not be handed to the queue (the broker was down): the job is kept and sent
    # again when its page is looked at or a worker starts (reports.services.send_pending).
    sent = models.BooleanField(_("đã chuyển vào hàng đợi"), default=True, editable=False)
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
    def owner_user_id(self) -> int | None:
        return self.owner_id

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def is_stale(self) -> bool:
        """Queued or running far longer than any render takes (``REPORTS_STALE_AFTER``): its worker died or
        its message was lost. The page shows it as failed and offers to run it again."""
        if self.is_finished:
            return False
        since = self.started_at or self.created_at
        return since is not None and timezone.now() - since > datetime.timedelta(seconds=settings.REPORTS_STALE_AFTER)


class CommitteeTerm(InUnit):
    """A committee's term of office (nhiệm kỳ): document numbers start again from 01 in each term."""

    unit = models.ForeignKey(PartyUnit, verbose_name=_("cấp ủy"), on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    label = models.CharField(_("nhiệm kỳ"), max_length=40, help_text=_("Ví dụ: 2020 – 2025."))

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["unit", "-starts_on"]
        constraints = [models.UniqueConstraint(fields=["unit", "starts_on"], name="committee_term_unique_start")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.label}"


class NumberSequence(models.Model):
    """The last number given to one document type by one issuing unit in one term: the row that is locked
    while the next number is taken, so two people issuing at once never get the same number."""

    unit = models.ForeignKey(PartyUnit, on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(max_length=8)  # BB, BC, QĐ…
    term_start = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "doc_type", "term_start"], name="number_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}/{self.unit_id} từ {self.term_start}: {self.last_number}"


class IssuedNumber(InUnit):
    """The register (sổ đăng ký văn bản): one row per issued document, kept for ever; a number is never reused."""

    unit = models.ForeignKey(PartyUnit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(_("loại văn bản"), max_length=8)
    term_start = models.DateField(_("nhiệm kỳ từ ngày"))
    number = models.PositiveIntegerField(_("số"))
    code = models.CharField(_("số, ký hiệu"), max_length=40)  # "12-BB/CB"
    subject = models.CharField(max_length=120)  # what was issued: "minutes:42" (a kind and its record's id)
    title = models.CharField(_("trích yếu"), max_length=300)
    issued_on = models.DateField(_("ngày ban hành"))
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = account_ref()

    class Meta:
        verbose_name = _("số văn bản đã cấp")
        verbose_name_plural = _("sổ đăng ký văn bản")
        ordering = ["unit", "doc_type", "term_start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "doc_type", "term_start", "number"], name="issued_number_unique"),
            models.UniqueConstraint(fields=["unit", "subject"], name="issued_number_once_per_subject"),
        ]

    def __str__(self) -> str:
        return f"Số {self.code}"
