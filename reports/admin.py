from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "unit", "status", "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("unit", "requested_by")
    readonly_fields = [f.name for f in ReportJob._meta.fields]
