"""Admin of the tree, the roles and the accounts. Every write is audited (audit.admin.AuditedAdminMixin)."""

from axes.models import AccessAttempt, AccessLog
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from audit.admin import AuditedAdminMixin, ReadOnlyAdmin
from audit.services import audit_log

from .models import PartyUnit, Role

User = get_user_model()


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(PartyUnit)
class PartyUnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "party_unit"
    list_display = ("indented_name", "level_label", "kind", "abbreviation", "place_name", "is_active")
    list_filter = ("kind", "level_label", "is_active")
    search_fields = ("name", "short_name", "abbreviation")
    autocomplete_fields = ("parent",)
    inlines = [RoleInline]
    ordering = ("path",)

    @admin.display(description="Tên đơn vị", ordering="path")
    def indented_name(self, obj):
        return "— " * obj.depth + obj.name


@admin.register(Role)
class RoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "kind", "unit", "granted_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit")


# -- accounts -------------------------------------------------------------------------------------------------

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    audit_name = "user"
    audit_exclude = ("password",)
    inlines = [RoleInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # roles are granted once the account exists

    def user_change_password(self, request, id, form_url=""):  # noqa: A002 - Django's signature
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User._default_manager.get(pk=id)
                audit_log(actor=request.user, action="user.password_set", obj=user, note="admin")
        return response


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    audit_name = "group"


# -- login throttling (django-axes) ---------------------------------------------------------------------------


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Failed logins per account and address. "Mở khóa" (or deleting) lets the account or address in again."""

    audit_name = "login"
    list_display = ("attempt_time", "username", "ip_address", "failures_since_start")
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    actions = ["unlock"]
    fields = ("username", "ip_address", "user_agent", "attempt_time", "failures_since_start")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Mở khóa đăng nhập cho các dòng đã chọn", permissions=["delete"])
    def unlock(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset)
            for attempt in rows:
                audit_log(
                    actor=request.user,
                    action="login.unlocked",
                    obj=attempt,
                    before={"username": attempt.username, "ip_address": attempt.ip_address},
                    note="admin",
                )
            AccessAttempt.objects.filter(pk__in=[a.pk for a in rows]).delete()
        self.message_user(request, f"Đã mở khóa {len(rows)} dòng.", messages.SUCCESS)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Successful logins, read only."""

    list_display = ("attempt_time", "logout_time", "username", "ip_address")
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
