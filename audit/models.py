"""The append-only audit log. It imports none of the project's apps: every app writes to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models.expressions import Combinable


def account_ref() -> models.ForeignKey[User | Combinable | None, User | None]:
    """A record's reference to an account that acted on it (created, submitted, decided, issued…): optional,
    emptied when the account is deleted, and no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def update(self, **kwargs):  # noqa: ARG002
        raise TypeError("Audit entries are append-only.")

    def delete(self):
        raise TypeError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """Who did what, when, to which object, with the values before and after."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    # The account, kept as a bare id: no database constraint and no ON DELETE action, because deleting a user must
    # not rewrite (UPDATE) the entries they wrote. `actor_name` keeps their name as written at the time, so an
    # entry still says who acted after the account is gone (then `actor` no longer resolves: read `actor_label`).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=300, blank=True)
    action = models.CharField(_("hành động"), max_length=80, db_index=True)  # dotted: "member.created"
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit entries are append-only.")

    @property
    def actor_label(self) -> str:
        """Who acted, as written at the time; "hệ thống" for the system. Never loads the account."""
        if self.actor_name:
            return self.actor_name
        return _("hệ thống") if self.actor_id is None else _("tài khoản #%(id)s") % {"id": self.actor_id}
