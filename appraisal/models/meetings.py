"""The cell's review meeting (hội nghị kiểm điểm): when and where, who chaired and took the minutes, the
guests who attended and directed, every member's attendance. What the meeting proposed for each subject
lives in ``ratings.Rating``, which keeps every stage of a rating side by side."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .cycles import InUnitReview, UnitReview
from .documents import GuidanceDocument


class VoteMethod(models.TextChoices):
    SHOW_OF_HANDS = "show_of_hands", _("Biểu quyết giơ tay")
    SECRET_BALLOT = "secret_ballot", _("Bỏ phiếu kín")


class ReviewMeeting(InUnitReview):
    unit_review = models.OneToOneField(
        UnitReview, verbose_name=_("phần việc của chi bộ"), on_delete=models.CASCADE, related_name="meeting"
    )
    held_on = models.DateField(_("ngày họp"), null=True, blank=True)
    starts_at = models.TimeField(_("bắt đầu lúc"), null=True, blank=True)
    ends_at = models.TimeField(_("kết thúc lúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    chair = models.ForeignKey(
        Member, verbose_name=_("chủ trì"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minute_taker = models.ForeignKey(
        Member, verbose_name=_("thư ký"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vote_method = models.CharField(
        _("hình thức biểu quyết"), max_length=16, choices=VoteMethod.choices, default=VoteMethod.SECRET_BALLOT
    )
    conclusions = models.TextField(_("kết luận của hội nghị"), blank=True)
    # The guidance the meeting follows (among the cycle's documents): "Hội nghị đã thông qua Công văn số 163-CV/ĐU".
    guidance_documents = models.ManyToManyField(
        GuidanceDocument, verbose_name=_("văn bản hướng dẫn"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hội nghị kiểm điểm")
        verbose_name_plural = _("hội nghị kiểm điểm")


class MeetingGuest(models.Model):
    """A guest who attends and directs (dự và chỉ đạo): "Nguyễn Hải An – Thành ủy viên, Bí thư Đảng ủy phường"."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="guests")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    title = models.CharField(_("chức vụ"), max_length=255, blank=True)
    unit_name = models.CharField(_("đơn vị"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("đại biểu dự hội nghị")
        verbose_name_plural = _("đại biểu dự hội nghị")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return " – ".join(part for part in (self.full_name, self.title) if part)


class Attendance(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("có mặt"), default=True)
    absence_reason = models.CharField(_("lý do vắng"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {'có mặt' if self.present else 'vắng'}"
