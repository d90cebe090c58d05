"""Admin for superusers. Day-to-day changes go through the members pages, which check rights and audit them;
the admin's own writes are audited too (audit.admin.AuditedAdminMixin)."""

from django.contrib import admin

from audit.admin import AuditedAdminMixin

from .models import Member, Membership, MemberStatus


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)


class MemberStatusInline(admin.TabularInline):
    model = MemberStatus
    extra = 0


@admin.register(Member)
class MemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_names = {"memberstatus": "status"}
    list_display = ("full_name", "date_of_birth", "card_number", "party_post", "admitted_on", "full_member_on")
    list_filter = ("party_post", "gender", "in_political_system")
    search_fields = ("name_key", "full_name", "card_number")
    autocomplete_fields = ("user",)
    inlines = [MembershipInline, MemberStatusInline]
