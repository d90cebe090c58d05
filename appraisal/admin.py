"""Admin: the central documents (no local issuing unit) are registered here; cycles are read-only, since
their changes go through the audited services and pages."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_log, diff, snapshot

from .models import GuidanceDocument, ReviewCycle, UnitReview
from .services import DOCUMENT_FIELDS


@admin.register(GuidanceDocument)
class GuidanceDocumentAdmin(admin.ModelAdmin):
    list_display = ("code", "issued_on", "issuing_unit", "summary")
    list_filter = ("doc_type", "year")
    search_fields = ("code", "summary", "issuing_unit__name")
    autocomplete_fields = ("issuing_unit", "implements")
    list_select_related = ("issuing_unit",)
    fields = ("issuing_unit", "code", "issued_on", "summary", "file", "implements")

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = snapshot(GuidanceDocument.objects.get(pk=obj.pk), DOCUMENT_FIELDS)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = snapshot(obj, DOCUMENT_FIELDS)
            old, new = diff(before, after) if change else (None, after)
            action = "guidance_document.updated" if change else "guidance_document.created"
            audit_log(actor=request.user, action=action, obj=obj, before=old, after=new, note="admin")

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewCycle)
class ReviewCycleAdmin(ReadOnlyAdmin):
    list_display = ("title", "issuing_unit", "year", "rule_set_name", "state", "parent")
    list_filter = ("state", "year")
    search_fields = ("title", "issuing_unit__name")
    list_select_related = ("issuing_unit", "parent")

    @admin.display(description=_("bộ quy tắc"))
    def rule_set_name(self, cycle: ReviewCycle) -> str:
        return cycle.rule_set_name


@admin.register(UnitReview)
class UnitReviewAdmin(ReadOnlyAdmin):
    list_display = ("unit", "cycle", "state")
    list_filter = ("state",)
    search_fields = ("unit__name",)
    list_select_related = ("unit", "cycle")
