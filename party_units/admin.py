from django.contrib import admin

from .models import PartyUnit, Role


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(PartyUnit)
class PartyUnitAdmin(admin.ModelAdmin):
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
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "unit", "granted_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit")
