"""Report jobs in the admin: read only; deleting one is audited and removes its file (reports/signals.py).
Committee terms are edited here, through the audit log; the number register is read only."""

from django.contrib import admin

from audit.admin import AuditedAdminMixin

from .models import CommitteeTerm, IssuedNumber, ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "report_job"
    list_display = ("id", "kind", "unit", "status", "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("unit", "requested_by")
    readonly_fields = [f.name for f in ReportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "committee_term"
    list_display = ("unit", "label", "starts_on", "ends_on")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)


@admin.register(IssuedNumber)
class IssuedNumberAdmin(admin.ModelAdmin):
    """The register is read-only here: numbers are given by issuing a document and never edited or deleted."""

    list_display = ("code", "title", "unit", "issued_on", "issued_by")
    list_filter = ("doc_type",)
    list_select_related = ("unit", "issued_by")
    readonly_fields = [f.name for f in IssuedNumber._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
