"""The record of staff's attempts to identify callers, for administrators: read only."""

from django.contrib import admin

from offices.admin_tools import SafeDateHierarchyMixin

from .models import IdentifyAttempt


@admin.register(IdentifyAttempt)
class IdentifyAttemptAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["at", "user", "outcome", "citizen"]
    list_filter = ["outcome", ("at", admin.DateFieldListFilter)]
    list_select_related = ["user", "citizen"]
    search_fields = ["user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
