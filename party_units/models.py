"""The organisation tree: one model for every level, and the roles users hold on it."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

# Each level of the materialised path is the unit's id, zero-padded, then a dot: "0000001.0000004.".
# Fixed width keeps prefix queries exact (no "1." matching "12.") and sorts a subtree depth-first.
PATH_STEP = 8
MAX_DEPTH = 255 // PATH_STEP  # as many levels as the path column holds


def nfc(value: str) -> str:
    """Vietnamese arrives as NFC or NFD depending on the input method; store and compare NFC."""
    return unicodedata.normalize("NFC", value or "").strip()


def fold(value: str) -> str:
    """Lower case without diacritics, single spaces, as people type on phones: "Quyết Thắng" → "quyet thang"."""
    decomposed = unicodedata.normalize("NFD", nfc(value).casefold().replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", _("Cấp ủy (có tổ chức đảng trực thuộc)")
    CELL = "cell", _("Chi bộ")


class PartyUnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: PartyUnit, *, include_self: bool = True) -> PartyUnitQuerySet:
        """All units under `unit` at any depth: one indexed prefix query."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def under_any(self, paths: list[str]) -> PartyUnitQuerySet:
        q = models.Q(pk__in=[])
        for path in paths:
            q |= models.Q(path__startswith=path)
        return self.filter(q)

    def cells(self) -> PartyUnitQuerySet:
        return self.filter(kind=UnitKind.CELL)

    def lineage(self, pk: int) -> PartyUnitQuerySet:
        """The unit ``pk`` and every unit above it, root first, in one query (a page that shows a unit with its
        breadcrumb): each is found through the unique path index by a prefix of the unit's path, one step of
        ``PATH_STEP`` characters per level; empty when there is no such unit. The prefixes come from one
        subquery over a list of widths (SQL the same in PostgreSQL and SQLite), not from one ORM expression per
        level: building 31 of those cost about 10 ms of CPU per page, ten times the query itself."""
        prefixes = RawSQL(_LINEAGE_PREFIXES, [pk])  # noqa: S611 (constant SQL, the id a parameter)
        return self.filter(path__in=prefixes).order_by("path")


# Every prefix of a unit's path, one per level (``VALUES`` names its column ``column1`` in both databases).
_LINEAGE_PREFIXES = (
    "SELECT SUBSTR(u.path, 1, w.column1) FROM party_units_partyunit u, (VALUES "  # noqa: S608 (constants only)
    + ", ".join(f"({steps * PATH_STEP})" for steps in range(1, MAX_DEPTH + 1))
    + ") w WHERE u.id = %s AND w.column1 <= LENGTH(u.path)"
)


class PartyUnit(models.Model):
    """A party organisation at any level: Thành ủy, Quận ủy, Đảng ủy phường, Chi bộ… The levels are data."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("cấp trên trực tiếp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("loại"), max_length=12, choices=UnitKind.choices, default=UnitKind.CELL)
    level_label = models.CharField(
        _("cấp"), max_length=60, help_text=_("Ví dụ: Thành ủy, Quận ủy, Đảng ủy phường, Chi bộ.")
    )
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    abbreviation = models.CharField(
        _("ký hiệu văn bản"), max_length=20, help_text=_("Dùng trong số hiệu văn bản, ví dụ: ĐU, QU, CB.")
    )
    place_name = models.CharField(
        _("địa danh"), max_length=120, help_text=_("Địa danh ở dòng ngày tháng văn bản, ví dụ: Quyết Thắng.")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # unique=True gives the btree index; on PostgreSQL Django adds its varchar_pattern_ops twin ("_like"),
    # which serves the LIKE 'prefix%' of subtree queries under any collation.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The name folded (no tone marks, lower case) so "quyet thang" finds "Quyết Thắng" with a plain LIKE on
    # PostgreSQL and SQLite alike; kept by save(), set it yourself in a bulk_create.
    search_name = models.CharField(max_length=400, default="", editable=False)

    objects = PartyUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]
        indexes = [
            # The committees of a subtree without its cells (a dashboard's branches: one row per committee).
            models.Index(
                fields=["path"],
                condition=models.Q(kind="committee"),
                name="unit_committee_path_idx",
                opclasses=["varchar_pattern_ops"],
                include=["id"],  # PostgreSQL: read from the index alone
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        for field in ("name", "short_name", "abbreviation", "place_name", "level_label"):
            setattr(self, field, nfc(getattr(self, field)))
        self.search_name = fold(f"{self.name} {self.short_name}")
        if kwargs.get("update_fields") is not None and {"name", "short_name"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        with transaction.atomic():
            if self.pk is None:
                self.path = f"tmp-{id(self)}"
                super().save(*args, **kwargs)
                self._set_path()
                PartyUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                return
            old = PartyUnit.objects.filter(pk=self.pk).values_list("path", "parent_id").first()
            super().save(*args, **kwargs)
            if old and old[1] != self.parent_id:
                self._move_subtree(old[0])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        for field in ("name", "short_name", "abbreviation", "place_name", "level_label"):
            setattr(self, field, nfc(getattr(self, field)))
        if self.parent_id and self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("Không thể đặt một đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.")})
        if self.parent_id and self.parent.kind == UnitKind.CELL:
            raise ValidationError({"parent": _("Chi bộ không có tổ chức đảng trực thuộc.")})

    def _set_path(self) -> None:
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.pk:0{PATH_STEP - 1}d}."
        self.depth = self.path.count(".") - 1

    def _move_subtree(self, old_path: str) -> None:
        """Re-parenting rewrites the path prefix of the whole subtree in one UPDATE."""
        self._set_path()
        shift = (len(self.path) - len(old_path)) // PATH_STEP
        PartyUnit.objects.filter(path__startswith=old_path).update(
            path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=models.F("depth") + shift,
        )

    @property
    def is_cell(self) -> bool:
        return self.kind == UnitKind.CELL

    @property
    def level_display(self) -> str:
        """The level as a reader names it: "Chi bộ", "Đảng ủy phường"; the kind is added only when the level
        label does not already say it (a cell labelled "Chi bộ" would otherwise read "Chi bộ (Chi bộ)")."""
        if self.is_cell and "chi bộ" not in self.level_label.casefold():
            return f"{self.level_label} ({UnitKind.CELL.label.lower()})"
        return self.level_label

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, read off the path (no query)."""
        return [int(step) for step in self.path.split(".") if step]

    def ancestors(self) -> PartyUnitQuerySet:
        return PartyUnit.objects.filter(pk__in=self.ancestor_ids()[:-1]).order_by("path")

    def is_within(self, other: PartyUnit) -> bool:
        return self.path.startswith(other.path)


class InUnit(models.Model):
    """Abstract, no fields of its own: a record that belongs to one unit (its ``unit``), whose roles govern it
    (``access_unit``, read by party_units.access)."""

    unit: PartyUnit

    class Meta:
        abstract = True

    @property
    def access_unit(self) -> PartyUnit:
        return self.unit


class RoleKind(models.TextChoices):
    HIGHER_STAFF = "higher_staff", _("Cán bộ cấp ủy cấp trên")
    WARD_STAFF = "ward_staff", _("Cán bộ đảng ủy cơ sở")
    SECRETARY = "secretary", _("Bí thư chi bộ")


class Role(models.Model):
    """A role granted to a user on a unit; it holds for the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="party_roles"
    )
    unit = models.ForeignKey(PartyUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("vai trò"), max_length=20, choices=RoleKind.choices)
    granted_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "kind"], name="role_unique_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} – {self.unit}"
