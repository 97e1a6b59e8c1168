import datetime

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import hours
from .admin_tools import DefaultChoiceFilter, SafeDateHierarchyMixin
from .forms import WeeklyRuleFormSet
from .models import DateException, HoursPeriod, Office, ServiceDescription, Topic, WeeklyRule


class HoursPeriodInline(admin.TabularInline):
    model = HoursPeriod
    extra = 0
    show_change_link = True
    fields = ["name", "valid_from", "valid_until"]


class ServiceDescriptionInline(admin.StackedInline):
    model = ServiceDescription
    extra = 0
    fields = ["service", "text_fi", "text_sv", "text_en"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "street_address", "phone", "is_active", "ordering"]
    list_filter = ["kind", "is_active"]
    list_editable = ["ordering"]
    search_fields = ["name", "city", "street_address", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceDescriptionInline, HoursPeriodInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_sv",
                    "name_fi_inessive",
                    "slug",
                    "kind",
                    "is_active",
                    "ordering",
                ]
            },
        ),
        (
            _("Contact details"),
            {"fields": ["street_address", "postal_code", "city", "phone", "email"]},
        ),
        (_("Staff"), {"fields": ["staff"]}),
    ]
    filter_horizontal = ["staff"]


class WeeklyRuleInline(admin.TabularInline):
    model = WeeklyRule
    formset = WeeklyRuleFormSet
    extra = 1
    fields = ["service", "weekday", "opens", "closes"]


class CurrentPeriodFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("current", _("Valid now or later")), ("past", _("Ended"))]

    def queryset(self, request, queryset):
        today = hours.localdate()
        if self.value() == "current":
            return queryset.not_over(today)
        if self.value() == "past":
            return queryset.filter(valid_until__lt=today)
        return queryset


@admin.register(HoursPeriod)
class HoursPeriodAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["name", "office", "valid_from", "valid_until"]
    list_filter = ["office", CurrentPeriodFilter]
    list_select_related = ["office"]
    search_fields = ["name", "office__name"]
    date_hierarchy = "valid_from"
    inlines = [WeeklyRuleInline]


class UpcomingDateFilter(DefaultChoiceFilter):
    """Defaults to today and later: past exceptions rarely matter."""

    title = _("date")
    parameter_name = "when"
    default_value = "upcoming"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Today and later")), ("past", _("Past")), ("all", _("All"))]

    def queryset(self, request, queryset):
        today = hours.localdate()
        if self.value() == "upcoming":
            return queryset.filter(date__gte=today)
        if self.value() == "past":
            return queryset.filter(date__lt=today)
        return queryset


@admin.register(DateException)
class DateExceptionAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["date", "weekday", "office", "service", "closed", "opens", "closes", "reason"]
    list_filter = [UpcomingDateFilter, "office", "service", "closed"]
    list_select_related = ["office"]
    search_fields = ["reason", "office__name"]
    date_hierarchy = "date"
    fields = ["office", "date", "service", "closed", "opens", "closes", "reason"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("date", hours.localdate() + datetime.timedelta(days=1))
        return initial


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "is_active", "ordering"]
    list_editable = ["is_active", "ordering"]
    list_filter = ["is_active"]
    search_fields = ["name_fi", "name_sv", "name_en"]
