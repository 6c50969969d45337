from django.contrib import admin

from .models import AdminUnit, AdminUnitLineage


class _ReadOnly:
    """Reference data loaded by migrations: browse only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PredecessorInline(_ReadOnly, admin.TabularInline):
    model = AdminUnitLineage
    fk_name = "successor"
    fields = ("predecessor", "kind", "effective_on")
    verbose_name = "đơn vị cũ được sắp xếp vào"
    verbose_name_plural = "các đơn vị cũ được sắp xếp vào"
    extra = 0


class SuccessorInline(_ReadOnly, admin.TabularInline):
    model = AdminUnitLineage
    fk_name = "predecessor"
    fields = ("successor", "kind", "effective_on")
    verbose_name = "đơn vị mới"
    verbose_name_plural = "các đơn vị mới tiếp nhận"
    extra = 0


@admin.register(AdminUnit)
class AdminUnitAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("code", "name", "unit_type", "level", "parent", "map_version", "valid_from", "valid_to")
    list_filter = ("map_version", "level", "unit_type")
    search_fields = ("code", "name", "name_norm")
    list_select_related = ("parent",)
    inlines = (PredecessorInline, SuccessorInline)
    show_full_result_count = False


@admin.register(AdminUnitLineage)
class AdminUnitLineageAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "effective_on")
    list_filter = ("kind", "predecessor__level")
    search_fields = ("predecessor__name_norm", "successor__name_norm", "predecessor__code", "successor__code")
    list_select_related = ("predecessor", "successor")
