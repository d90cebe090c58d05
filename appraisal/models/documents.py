"""Guidance documents (văn bản hướng dẫn): plans, guidance and official letters kept in a unit's register."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import account_ref
from party_units.models import PartyUnit, nfc

from ..codes import DOC_TYPES, DocumentCodeError, body_matches_unit, parse_code
from ..validators import validate_document_file


def fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def document_upload_to(instance: GuidanceDocument, filename: str) -> str:
    year = instance.issued_on.year if instance.issued_on else "khac"
    return f"van-ban/{year}/{filename}"


class GuidanceDocument(models.Model):
    """A plan, guidance, official letter… (Kế hoạch 159-KH/QU, Công văn 163-CV/ĐU) kept in a unit's register.

    A central document (Hướng dẫn 25-HD/BTCTW, Quy định 124-QĐ/TW) has no local issuing unit: the central
    bodies are not units of the tree. Such documents are registered by an administrator and may be cited
    by any unit's documents and cycles.
    """

    issuing_unit = models.ForeignKey(
        PartyUnit,
        verbose_name=_("đơn vị ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guidance_documents",
        help_text=_("Để trống với văn bản của Trung ương."),
    )
    code = models.CharField(_("số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 163-CV/ĐU, 159-KH/QU."))
    number = models.PositiveIntegerField(_("số"), editable=False)
    # No model choices for the type and the rule set: the lists live in code (codes.py, the rules package)
    # and grow without a migration; clean() validates them.
    doc_type = models.CharField(_("loại văn bản"), max_length=8, editable=False)
    issuing_body = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=40, editable=False)
    issued_on = models.DateField(_("ngày ban hành"))
    year = models.PositiveSmallIntegerField(_("năm"), editable=False, db_index=True)
    summary = models.CharField(
        _("trích yếu"), max_length=500, help_text=_("Ví dụ: V/v Hướng dẫn kiểm điểm, đánh giá, xếp loại…")
    )
    file = models.FileField(
        _("tệp đính kèm"),
        upload_to=document_upload_to,
        blank=True,
        validators=[validate_document_file],
        help_text=_("PDF hoặc Word (.docx), tối đa 10 MB."),
    )
    implements = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện văn bản cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = account_ref()

    class Meta:
        verbose_name = _("văn bản hướng dẫn")
        verbose_name_plural = _("văn bản hướng dẫn")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # Numbers restart from 01 with each committee term, so a code is unique within a year, not forever.
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "doc_type", "number", "issuing_body"],
                condition=Q(issuing_unit__isnull=False),
                name="document_unique_per_unit_year",
                violation_error_message=_("Văn bản cùng số, ký hiệu trong năm đã có trong sổ văn bản của đơn vị."),
            ),
            models.UniqueConstraint(
                fields=["year", "doc_type", "number", "issuing_body"],
                condition=Q(issuing_unit__isnull=True),
                name="document_unique_central_year",
                violation_error_message=_("Văn bản cùng số, ký hiệu trong năm đã có trong sổ văn bản Trung ương."),
            ),
        ]
        indexes = [models.Index(fields=["issuing_unit", "year"], name="document_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.type_label} số {self.code} ngày {fmt(self.issued_on)}"

    @property
    def type_label(self) -> str:
        return DOC_TYPES.get(self.doc_type, self.doc_type)

    @property
    def is_central(self) -> bool:
        return self.issuing_unit_id is None

    @property
    def access_unit(self) -> PartyUnit | None:
        return self.issuing_unit

    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.summary = " ".join(nfc(self.summary).split())
        try:
            parsed = parse_code(self.code)
        except DocumentCodeError as exc:
            errors.setdefault("code", []).append(str(exc))
        else:
            self.code = parsed.code
            self.number, self.doc_type, self.issuing_body = parsed.number, parsed.doc_type, parsed.issuing_body
            unit = self.issuing_unit if self.issuing_unit_id else None
            if unit is not None and not body_matches_unit(parsed, unit.abbreviation):
                errors.setdefault("code", []).append(
                    _("Ký hiệu cơ quan ban hành «%(body)s» không khớp với ký hiệu văn bản của %(unit)s («%(abbr)s»).")
                    % {"body": parsed.issuing_body, "unit": unit.name, "abbr": unit.abbreviation}
                )
            if unit is None and not parsed.is_central:
                errors.setdefault("issuing_unit", []).append(
                    _("Chỉ văn bản của Trung ương (TW, BTCTW, VPTW…) mới được để trống đơn vị ban hành.")
                )
        if self.issued_on:
            self.year = self.issued_on.year
            if self.issued_on > timezone.localdate():
                errors.setdefault("issued_on", []).append(_("Ngày ban hành không được sau ngày hôm nay."))
        if self.implements_id is not None:
            self._clean_implements(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_implements(self, errors: dict) -> None:
        higher = self.implements
        unit = self.issuing_unit if self.issuing_unit_id else None
        if self.pk is not None and higher.pk == self.pk:
            errors.setdefault("implements", []).append(_("Văn bản không thể thực hiện chính nó."))
        elif not _is_higher(higher.issuing_unit, unit):
            errors.setdefault("implements", []).append(
                _("Văn bản được thực hiện phải do cấp trên ban hành (%(doc)s không phải văn bản cấp trên).")
                % {"doc": higher.code}
            )
        elif self.issued_on and higher.issued_on > self.issued_on:
            errors.setdefault("implements", []).append(
                _("Văn bản cấp trên %(doc)s ban hành ngày %(day)s, sau ngày ban hành của văn bản này.")
                % {"doc": higher.code, "day": fmt(higher.issued_on)}
            )


def _is_higher(higher: PartyUnit | None, lower: PartyUnit | None) -> bool:
    """A central document is higher than every unit's (and may implement another central document, as a
    guidance implements a regulation); otherwise the issuer must be a strict ancestor."""
    if higher is None:
        return True
    if lower is None:
        return False
    return lower.path.startswith(higher.path) and lower.pk != higher.pk
