"""Party members, their cell memberships over time, and the dated statuses a rating depends on."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from party_units.models import PartyUnit, nfc

from .text import SORT_KEY_LENGTH, canonical_tones, card_key, fold, sort_key_text


def name_key(value: str) -> str:
    """The search/uniqueness key of a name: NFC, case-folded, single spaces, tone marks in one place — so NFC
    and NFD input match, and so do old- and new-style tone placement ("Thủy" = "Thuỷ", "Hòa" = "Hoà")."""
    return canonical_tones(" ".join(nfc(value).casefold().split()))


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class PartyPost(models.TextChoices):
    NONE = "", _("Đảng viên")
    SECRETARY = "secretary", _("Bí thư")
    DEPUTY_SECRETARY = "deputy_secretary", _("Phó Bí thư")
    COMMITTEE_MEMBER = "committee_member", _("Cấp ủy viên")


class Member(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Derived from full_name on save; indexed for search and for "the same person" checks.
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    given_name = models.CharField(max_length=40, editable=False)  # Vietnamese lists sort by the given name
    # Derived on save (bulk writes call normalise()): the Vietnamese order as an indexed string (text.sort_key_text),
    # so rosters sort and page in the database; and the name without marks for search ("duc" finds "Đức").
    sort_key = models.CharField(max_length=SORT_KEY_LENGTH, db_index=True, editable=False, default="")
    search_key = models.CharField(max_length=120, db_index=True, editable=False, default="")
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices, blank=True)
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    admitted_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    full_member_on = models.DateField(
        _("ngày chính thức"), null=True, blank=True, help_text=_("Để trống nếu đang là đảng viên dự bị.")
    )
    government_post = models.CharField(_("chức vụ chính quyền"), max_length=200, blank=True)
    union_post = models.CharField(_("chức vụ đoàn thể"), max_length=200, blank=True)
    workplace = models.CharField(_("đơn vị công tác"), max_length=200, blank=True)
    party_post = models.CharField(_("chức vụ Đảng"), max_length=20, choices=PartyPost.choices, blank=True)
    holds_leadership_post = models.BooleanField(
        _("giữ chức vụ lãnh đạo, quản lý"),
        default=False,
        help_text=_("Quyết định mẫu bản kiểm điểm (02B năm 2023, 2A năm 2025)."),
    )
    in_political_system = models.BooleanField(
        _("làm việc trong hệ thống chính trị"),
        default=True,
        help_text=_("Bỏ chọn với đảng viên nghỉ hưu, sinh viên, làm việc ngoài khu vực nhà nước (mẫu 2C năm 2025)."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"], condition=~Q(card_number=""), name="member_card_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.normalise()
        stored = getattr(self, "_stored_sort_key", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if stored is not None and stored != self.sort_key:
                # A corrected name: its memberships carry the key the rosters are ordered by.
                self.memberships.exclude(sort_key=self.sort_key).update(sort_key=self.sort_key)
            self._stored_sort_key = self.sort_key

    def delete(self, *args, **kwargs):
        """Delete the member and their memberships (a cascade), then count their units again."""
        from .counts import unit_counts_refresh

        with transaction.atomic():
            units = list(self.memberships.filter(OPEN_OFFICIAL).values_list("unit_id", flat=True))
            deleted = super().delete(*args, **kwargs)
            unit_counts_refresh(units)
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values):
        member = super().from_db(db, field_names, values)
        member._stored_sort_key = member.__dict__.get("sort_key")
        return member

    def normalise(self) -> None:
        """Store text NFC and derive the keys; save() calls it, and bulk writes must call it themselves."""
        self.full_name = " ".join(nfc(self.full_name).split())
        self.name_key = name_key(self.full_name)
        self.given_name = self.name_key.rsplit(" ", 1)[-1][:40] if self.name_key else ""
        self.sort_key = sort_key_text(self.given_name, self.name_key)
        self.search_key = fold(self.full_name)[:120]
        self.card_number = card_key(self.card_number)
        for field in ("government_post", "union_post", "workplace"):
            setattr(self, field, nfc(getattr(self, field)))

    def is_probationary(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.full_member_on is None or self.full_member_on > on

    @property
    def owner_user_id(self) -> int | None:
        return self.user_id

    @property
    def access_unit(self) -> PartyUnit | None:
        """The unit whose roles govern this record: the current official cell (or the last one)."""
        membership = getattr(self, "current_membership", None)
        if membership is None:
            if not hasattr(self, "_last_official"):  # asked several times per request: look it up once
                self._last_official = (
                    self.memberships.filter(kind=MembershipKind.OFFICIAL)
                    .select_related("unit")
                    .order_by("-start_date")
                    .first()
                )
            membership = self._last_official
        return membership.unit if membership else None


# A member's own fields, the ones people type (the member form, in its order; the services' audit entries; the
# columns the scale seeder varies). Every other column is derived on save or kept by the system.
MEMBER_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "card_number",
    "admitted_on",
    "full_member_on",
    "party_post",
    "government_post",
    "union_post",
    "workplace",
    "holds_leadership_post",
    "in_political_system",
)


class MembershipKind(models.TextChoices):
    OFFICIAL = "official", _("Sinh hoạt chính thức")
    TEMPORARY = "temporary", _("Sinh hoạt tạm thời")


class MembershipQuerySet(models.QuerySet):
    def current(self) -> MembershipQuerySet:
        return self.filter(end_date__isnull=True)

    def official(self) -> MembershipQuerySet:
        return self.filter(kind=MembershipKind.OFFICIAL)

    def overlapping(self, start: datetime.date, end: datetime.date) -> MembershipQuerySet:
        return self.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


OPEN_OFFICIAL = Q(end_date__isnull=True, kind="official")


class Membership(models.Model):
    """A member's activity in a cell from start_date to end_date (open while current).

    One official membership is open at a time; a transfer closes it and opens the next. Temporary activity
    in another cell (sinh hoạt tạm thời) is a separate kind and does not change the official cell.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(PartyUnit, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(
        _("hình thức"), max_length=12, choices=MembershipKind.choices, default=MembershipKind.OFFICIAL
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # The member's ``sort_key``, copied here by ``save`` (and by ``Member.save`` when the name changes; bulk writers
    # call ``members.counts.sort_keys_copy``): a roster of a ward or a city is ordered and paged on the membership
    # table's own index, not by walking every member of the country in name order.
    sort_key = models.CharField(max_length=SORT_KEY_LENGTH, editable=False, default="")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(end_date__isnull=True, kind="official"),
                name="membership_one_open_official",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "kind", "end_date"], name="membership_unit_current_idx"),
            # Rosters: the open official memberships in name order, by cell (a ward: its cells' ranges, sorted) and
            # across cells (a city: the walk in name order, the cell read from the index).
            models.Index(fields=["unit", "sort_key", "member"], condition=OPEN_OFFICIAL, name="membership_roster_cell"),
            models.Index(fields=["sort_key", "member", "unit"], condition=OPEN_OFFICIAL, name="membership_roster_all"),
            # The members a cell had at a past cycle's end date are its stored count (UnitMemberCount) corrected
            # by the few memberships opened after that day or closed since (appraisal.selectors.counts): these find them
            # without reading every membership.
            models.Index(
                fields=["start_date"],
                condition=OPEN_OFFICIAL,
                name="membership_open_start_idx",
            ),
            models.Index(
                fields=["end_date"], condition=Q(kind="official", end_date__isnull=False), name="membership_closed_idx"
            ),
        ]

    def __str__(self) -> str:
        end = self.end_date.strftime("%d/%m/%Y") if self.end_date else "nay"
        return f"{self.member} – {self.unit} ({self.start_date:%d/%m/%Y} – {end})"

    def save(self, *args, **kwargs) -> None:
        """Write the row with its member's sort key and keep the units' counts of official members: the unit it
        left loses one, the unit it now counts in gains one, in the same transaction."""
        from .counts import unit_count_shift

        update_fields = kwargs.get("update_fields")
        if update_fields is None or "member" in update_fields or "member_id" in update_fields:
            self.sort_key = self.member.sort_key
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sort_key"}
        before, after = getattr(self, "_stored", None), self._counted_unit()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if before != after:
                if before is not None:
                    unit_count_shift(before, -1)
                if after is not None:
                    unit_count_shift(after, 1)
        self._stored = after

    def delete(self, *args, **kwargs):
        from .counts import unit_count_shift

        unit = self._counted_unit()
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            if unit is not None:
                unit_count_shift(unit, -1)
        self._stored = None
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values):
        membership = super().from_db(db, field_names, values)
        membership._stored = membership._counted_unit()
        return membership

    def _counted_unit(self) -> int | None:
        """The unit whose count of official members this row adds to, as the instance stands (None: none)."""
        values = self.__dict__
        if values.get("kind") == MembershipKind.OFFICIAL and "end_date" in values and values["end_date"] is None:
            return values.get("unit_id")
        return None

    @property
    def access_unit(self) -> PartyUnit:
        return self.unit

    def days_within(self, start: datetime.date, end: datetime.date) -> int:
        """Days of this membership that fall within [start, end]."""
        first = max(self.start_date, start)
        last = min(self.end_date or end, end)
        return max(0, (last - first).days + 1)


class UnitMemberCount(models.Model):
    """A unit's open official memberships, kept by the members app (``members.counts``) as memberships are
    written; the pages sum it over a subtree's units instead of counting memberships per request. A unit
    without a row holds none. ``children_members`` is the same count over the units directly under it (a
    ward's cells): a dashboard over a province or the country reads one row per committee, not one per cell."""

    unit = models.OneToOneField(PartyUnit, primary_key=True, on_delete=models.CASCADE, related_name="member_count")
    official_members = models.PositiveIntegerField(default=0, editable=False)
    children_members = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("số đảng viên của tổ chức")
        verbose_name_plural = _("số đảng viên của tổ chức")
        indexes = [  # the committees' rows alone (a dashboard above a ward reads those, not the cells')
            models.Index(fields=["unit"], condition=Q(children_members__gt=0), name="member_count_committees_idx")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.official_members}"


class StatusKind(models.TextChoices):
    EXEMPTED = "exempted", _("Miễn công tác và sinh hoạt đảng")
    SUSPENDED = "suspended", _("Đình chỉ sinh hoạt đảng")
    DISCIPLINED = "disciplined", _("Bị kỷ luật")
    SICK_LEAVE = "sick_leave", _("Nghỉ ốm dài ngày")
    MATERNITY_LEAVE = "maternity_leave", _("Nghỉ thai sản")


class DisciplineLevel(models.TextChoices):
    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    DISMISSAL = "dismissal", _("Cách chức")
    EXPULSION = "expulsion", _("Khai trừ")


class MemberStatusQuerySet(models.QuerySet):
    def in_period(self, start: datetime.date, end: datetime.date) -> MemberStatusQuerySet:
        """Statuses that held at some time in [start, end] (discipline: decided within it)."""
        return (
            self.filter(start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .exclude(kind=StatusKind.DISCIPLINED, start_date__lt=start)
        )


class MemberStatus(models.Model):
    """A dated fact about a member that a rule set reads (never a rating itself).

    For discipline, start_date is the date of the decision; level, decision reference and whether the member
    found and fixed the matter themselves are recorded. For sick leave, months is the total length.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="statuses")
    kind = models.CharField(_("loại"), max_length=20, choices=StatusKind.choices)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    discipline_level = models.CharField(
        _("hình thức kỷ luật"), max_length=12, choices=DisciplineLevel.choices, blank=True
    )
    decision_ref = models.CharField(_("số quyết định"), max_length=60, blank=True)
    duty_related = models.BooleanField(_("vi phạm liên quan đến chức trách, nhiệm vụ"), default=True)
    self_detected = models.BooleanField(_("tự phát hiện, tự khắc phục"), default=False)
    months = models.DecimalField(_("số tháng"), max_digits=4, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = MemberStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("tình trạng")
        verbose_name_plural = _("tình trạng")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="status_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="disciplined") | ~Q(discipline_level=""), name="status_discipline_has_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.start_date:%d/%m/%Y})"

    @property
    def access_unit(self) -> PartyUnit | None:
        return self.member.access_unit

    @property
    def owner_user_id(self) -> int | None:
        return self.member.user_id
