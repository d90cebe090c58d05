"""Admin: the central documents (no local issuing unit) are registered here; cycles are read-only, since
their changes go through the audited services and pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin, ReadOnlyAdmin

from .models import GuidanceDocument, ReviewCycle, UnitReview
from .services import DOCUMENT_FIELDS


@admin.register(GuidanceDocument)
class GuidanceDocumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "guidance_document"
    audit_fields = DOCUMENT_FIELDS
    list_display = ("code", "issued_on", "issuing_unit", "summary")
    list_filter = ("doc_type", "year")
    search_fields = ("code", "summary", "issuing_unit__name")
    autocomplete_fields = ("issuing_unit", "implements")
    list_select_related = ("issuing_unit",)
    fields = ("issuing_unit", "code", "issued_on", "summary", "file", "implements")

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
