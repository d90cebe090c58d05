"""Admin for superusers. Day-to-day changes go through the members pages, which check rights and audit them;
the admin's own writes are audited too (audit.admin.AuditedAdminMixin)."""

from django.contrib import admin
from django.db import transaction

from audit.admin import AuditedAdminMixin

from .counts import unit_counts_refresh
from .models import OPEN_OFFICIAL, Member, Membership, MemberStatus


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

    def delete_queryset(self, request, queryset):
        """Several members deleted at once (a queryset delete, past ``Member.delete``): their cells are counted
        again. One member, and the memberships of the inline rows, keep the counts through the models."""
        with transaction.atomic():
            units = set(Membership.objects.filter(OPEN_OFFICIAL, member__in=queryset).values_list("unit_id", flat=True))
            super().delete_queryset(request, queryset)
            unit_counts_refresh(units)
