"""What the superior committee records besides the ratings themselves (issue 10):

- ``QuotaGroup``: from 2023 the "excellent" quota is counted over groups of subjects with similar roles; a
  committee may define its groups for a cycle (by default members are grouped by their self-review form, and
  organisations by kind);
- ``QuotaRaise``: under the 2025 guidance the competent committee may raise the ratio (20% → 25%) for a unit
  with outstanding results — a recorded decision with its reason, never a checkbox;
- ``PastRating``: a member's or a unit's rating from a year before the system, entered by staff or imported, so
  the flags (two years not completed, five years excellent) can read the whole history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.models import account_ref
from members.models import Member
from party_units.models import InUnit, PartyUnit, UnitKind

from .cycles import ReviewCycle
from .ratings import SUBJECT_CHOICES
from .self_reviews import LEVEL_CHOICES


class QuotaGroup(models.Model):
    """A group of similar subjects defined by a committee for one cascade (``root`` cycle): the ratings of the
    subject kind whose form code (members, leading individuals) or unit kind (organisations) is in ``codes``."""

    root = models.ForeignKey(ReviewCycle, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(
        PartyUnit, verbose_name=_("cấp ủy quyết định"), on_delete=models.CASCADE, related_name="quota_groups"
    )
    subject = models.CharField(_("đối tượng"), max_length=24, choices=SUBJECT_CHOICES)
    name = models.CharField(_("tên nhóm"), max_length=200)
    codes = models.JSONField(_("mẫu bản kiểm điểm hoặc loại tổ chức"), default=list)
    created_by = account_ref()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhóm đối tượng tính tỷ lệ")
        verbose_name_plural = _("nhóm đối tượng tính tỷ lệ")
        ordering = ["committee", "subject", "name"]
        constraints = [
            models.UniqueConstraint(fields=["root", "committee", "subject", "name"], name="quota_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_unit(self) -> PartyUnit:
        return self.committee


class QuotaRaise(InUnit):
    """The competent committee's decision to raise the excellent ratio for a unit with outstanding results
    (2025: up to 25%), for the groups counted in that unit (``unit`` is the committee whose decisions are
    counted together, e.g. the ward for its cells and members)."""

    root = models.ForeignKey(ReviewCycle, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(PartyUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do (kết quả nổi bật)"))
    decided_by = account_ref()
    decided_at = models.DateTimeField(_("ngày quyết định"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định nâng tỷ lệ hoàn thành xuất sắc")
        verbose_name_plural = _("quyết định nâng tỷ lệ hoàn thành xuất sắc")
        constraints = [models.UniqueConstraint(fields=["root", "unit"], name="quota_raise_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.root}"


class PastRatingSource(models.TextChoices):
    ENTERED = "entered", _("Cán bộ nhập")
    IMPORTED = "imported", _("Nhập từ tệp")


class PastRating(models.Model):
    """A final rating from a year before the system (a member's or a unit's), for the rating history."""

    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        PartyUnit, verbose_name=_("tổ chức đảng"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("xếp loại"), max_length=8, choices=LEVEL_CHOICES)
    source = models.CharField(_("nguồn"), max_length=10, choices=PastRatingSource.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = account_ref()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xếp loại những năm trước")
        verbose_name_plural = _("xếp loại những năm trước")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, unit__isnull=True) | Q(member__isnull=True, unit__isnull=False),
                name="past_rating_member_or_unit",
            ),
            models.UniqueConstraint(
                fields=["member", "year"], condition=Q(member__isnull=False), name="past_rating_one_per_member_year"
            ),
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(unit__isnull=False), name="past_rating_one_per_unit_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.unit} – {self.year}"

    @property
    def access_unit(self) -> PartyUnit | None:
        return self.member.access_unit if self.member_id else self.unit


UNIT_KIND_CODES = [(kind.value, kind.label) for kind in UnitKind]
