from django.contrib import admin

from .models import OralApplication, Visit


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["arrived_at", "office", "topic", "called_at", "finished_at", "outcome"]
    list_filter = ["office", "outcome"]
    readonly_fields = [f.name for f in Visit._meta.fields]

    def has_add_permission(self, request):
        return False  # visits are registered at the desk


@admin.register(OralApplication)
class OralApplicationAdmin(admin.ModelAdmin):
    list_display = ["taken_on", "office", "channel", "topic", "case_reference", "taken_by"]
    list_filter = ["channel", "office", "taken_on"]
    search_fields = ["case_reference"]
    raw_id_fields = ["attempt"]
    exclude = ["visit", "taken_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.taken_by = request.user
        super().save_model(request, obj, form, change)
