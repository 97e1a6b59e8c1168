from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.admin_tools import AccessRecordAdminMixin
from notifications.admin import MessageInline
from offices import hours
from offices.admin_tools import PlainCheckboxMixin, RuleFormAdminMixin

from .forms import StaffCallbackForm
from .models import CallbackAttempt, CallbackRequest


class WhenFilter(admin.SimpleListFilter):
    """Defaults to open requests: what the phone service still has to call."""

    title = _("requests")
    parameter_name = "show"

    def lookups(self, request, model_admin):
        return [
            (None, _("Open")),
            ("overdue", _("Overdue")),
            ("today", _("Today's windows")),
            ("all", _("All")),
        ]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup} if lookup else {}, [self.parameter_name]
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value == "overdue":
            return queryset.overdue()
        if value == "today":
            return queryset.between(*hours.day_bounds(hours.localdate()))
        return queryset.open()


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    can_delete = False
    fields = ["made_at", "made_by", "outcome", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CallbackRequest)
class CallbackRequestAdmin(
    AccessRecordAdminMixin, PlainCheckboxMixin, RuleFormAdminMixin, admin.ModelAdmin
):
    """Staff add a request for a caller with the citizens' form and rules (its save() is
    the one write); existing requests are worked in the queue (/staff/callbacks/), so
    they are view-only here."""

    list_display = [
        "reference",
        "window_start",
        "window_end",
        "phone",
        "topic",
        "language",
        "status",
        "overdue",
        "handled_by",
        "created_at",
    ]
    list_filter = [
        WhenFilter,
        "status",
        ("affected_at", admin.EmptyFieldListFilter),
        "language",
        "topic",
    ]
    list_select_related = ["topic", "handled_by"]
    search_fields = ["reference", "phone"]
    # The queue's order (the partial index callbacks_open_by_due_time); no date
    # hierarchy and no count of the whole table: both grow with the years of history.
    ordering = ["window_end", "created_at", "pk"]
    show_full_result_count = False
    inlines = [CallbackAttemptInline, MessageInline]
    readonly_fields = [
        "reference",
        "window_start",
        "window_end",
        "place",
        "phone",
        "topic",
        "language",
        "message",
        "status",
        "handled_by",
        "taken_at",
        "closed_at",
        "created_at",
        "updated_at",
        "anonymised_at",
        "affected_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffCallbackForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["window", "phone", "topic", "language", "message"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # Existing requests change only through the queue's rules.
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"language": "fi", **super().get_changeform_initial_data(request)}

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue(timezone.now())
