"""Slots and appointments in the Django admin (phone-service staff book here).

Every write that touches capacity goes through ``appointments.rules``: booking, moving
and cancelling from the admin keep ``Slot.booked_count`` right. The appointment pages use
the citizens' ``AppointmentForm``; its ``save()`` (the rule) is the one write
(``offices.admin_tools.RuleFormAdminMixin``).
"""

import datetime

import phonenumbers
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from access.admin_tools import AccessRecordAdminMixin
from notifications.admin import MessageInline
from offices import hours
from offices.admin_tools import (
    DefaultChoiceFilter,
    PlainCheckboxMixin,
    RuleFormAdminMixin,
    SafeAutocompleteMixin,
)
from offices.models import Office

from . import roles, rules
from .forms import AppointmentForm
from .models import Appointment, Slot

GENERATE_WEEKS = 8
SLOT_SEARCH_HELP = _("For example: Kemi 3.12. 12:30, Tornio tue, tomorrow, next week")


class LocalDateFilter(DefaultChoiceFilter):
    """The week from today by default: the useful view for people booking and serving,
    and a range of rows that does not grow with the years of data behind it (the list
    counts what it shows). A search looks at every date unless a range is chosen."""

    title = _("date")
    parameter_name = "when"
    default_value = "week"
    field = "starts_at"

    def __init__(self, request, params, model, model_admin):
        if request.GET.get(SEARCH_VAR) and self.parameter_name not in params:
            self.default_value = "all"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            ("week", _("Today and the next 6 days")),
            ("upcoming", _("Today and later")),
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("past", _("Past")),
            ("all", _("All")),
        ]

    def queryset(self, request, queryset):
        today = hours.localdate()
        midnight, tomorrow = hours.day_bounds(today)
        day_after = hours.day_bounds(today + datetime.timedelta(days=1))[1]
        value = self.value()
        field = self.field
        if value == "week":
            week_end = hours.day_bounds(today + datetime.timedelta(days=6))[1]
            return queryset.filter(**{f"{field}__gte": midnight, f"{field}__lt": week_end})
        if value == "upcoming":
            return queryset.filter(**{f"{field}__gte": midnight})
        if value == "today":
            return queryset.filter(**{f"{field}__gte": midnight, f"{field}__lt": tomorrow})
        if value == "tomorrow":
            return queryset.filter(**{f"{field}__gte": tomorrow, f"{field}__lt": day_after})
        if value == "past":
            return queryset.filter(**{f"{field}__lt": midnight})
        return queryset


class AppointmentDateFilter(LocalDateFilter):
    field = "slot__starts_at"


@admin.register(Slot)
class SlotAdmin(PlainCheckboxMixin, admin.ModelAdmin):
    list_display = [
        "office",
        "start",
        "end",
        "capacity",
        "booked_count",
        "remaining_places",
        "is_blocked",
        "is_closed",
        "book_link",
    ]
    list_filter = ["office", LocalDateFilter, "is_blocked", "is_closed"]
    list_select_related = ["office"]
    # Words of a search are office names, dates (3.12. / 2026-12-03) and times (9:30).
    search_fields = ["office__name", "office__slug"]
    search_help_text = SLOT_SEARCH_HELP
    actions = ["block_slots", "unblock_slots", "generate_slots"]
    fields = [
        "office",
        "starts_at",
        "ends_at",
        "capacity",
        "booked_count",
        "is_blocked",
        "is_closed",
    ]
    readonly_fields = ["booked_count", "is_closed"]
    list_per_page = 100
    # No count of the whole table on every page (a million rows at national scale).
    show_full_result_count = False

    @admin.display(description=_("starts"), ordering="starts_at")
    def start(self, obj):
        return hours.format_datetime(obj.starts_at)

    @admin.display(description=_("ends"), ordering="ends_at")
    def end(self, obj):
        return hours.format_time(obj.ends_at)

    @admin.display(description=_("free places"))
    def remaining_places(self, obj):
        return obj.free_places

    @admin.display(description=_("book"))
    def book_link(self, obj):
        if rules.slot_problem(obj, citizen=False):
            return ""
        url = reverse("admin:appointments_appointment_add") + f"?slot={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Book"))

    def get_readonly_fields(self, request, obj=None):
        # A slot with bookings keeps its office and times: the citizens were told them.
        if obj is not None and obj.booked_count:
            return ["office", "starts_at", "ends_at", "booked_count", "is_closed"]
        return self.readonly_fields

    def get_object(self, request, object_id, from_field=None):
        # The change view runs in a transaction: lock the row on POST so that the
        # capacity check in Slot.clean sees a booked count no booking can change before
        # the save (PostgreSQL; SQLite's IMMEDIATE transactions serialise writers).
        obj = super().get_object(request, object_id, from_field)
        if (
            obj is not None
            and request.method == "POST"
            and transaction.get_connection().in_atomic_block
        ):
            obj = self.get_queryset(request).select_for_update(of=("self",)).get(pk=obj.pk)
        return obj

    def get_search_results(self, request, queryset, search_term):
        """Search by office, date and time words; from the appointment form's slot
        picker, only free future slots."""
        if self._from_appointment_picker(request):
            queryset = rules.bookable_slots(queryset, citizen=False)
        queryset = rules.slots_search(queryset, search_term)
        return queryset, False

    @staticmethod
    def _from_appointment_picker(request):
        return (
            request.GET.get("app_label") == "appointments"
            and request.GET.get("model_name") == "appointment"
            and request.GET.get("field_name") == "slot"
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("office")

    # --- Actions -----------------------------------------------------------------

    @admin.action(description=_("Block selected slots"), permissions=["change"])
    def block_slots(self, request, queryset):
        count = rules.slots_set_blocked(slots=queryset, blocked=True)
        self.message_user(
            request,
            ngettext("%(count)d slot blocked.", "%(count)d slots blocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unblock selected slots"), permissions=["change"])
    def unblock_slots(self, request, queryset):
        count = rules.slots_set_blocked(slots=queryset, blocked=False)
        self.message_user(
            request,
            ngettext("%(count)d slot unblocked.", "%(count)d slots unblocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Generate slots for the next 8 weeks (no selection needed)"),
        permissions=["add"],
    )
    def generate_slots(self, request, queryset):
        offices = Office.objects.active()
        office_id = request.GET.get("office__id__exact")
        if office_id and office_id.isdigit():
            offices = offices.filter(pk=office_id)
        today = hours.localdate()
        count = rules.slots_generate(
            start=today,
            end=today + datetime.timedelta(weeks=GENERATE_WEEKS),
            offices=list(offices),
        )
        self.message_user(
            request,
            ngettext("%(count)d new slot created.", "%(count)d new slots created.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        # "Generate" works on the offices, not on selected slots: let it run with
        # nothing ticked (Django's actions otherwise ask for a selection).
        if (
            request.method == "POST"
            and request.POST.get("action") == "generate_slots"
            and not request.POST.getlist(ACTION_CHECKBOX_NAME)
        ):
            post = request.POST.copy()
            post["select_across"] = "1"
            post.setlist(ACTION_CHECKBOX_NAME, ["0"])
            request.POST = post
        return super().changelist_view(request, extra_context)

    # --- Deleting: only slots without bookings -------------------------------------

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.appointments.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.appointments.exists():
            self.message_user(request, self._undeletable_message(1), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:appointments_slot_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            # Lock first: a booking that commits meanwhile is seen, not overrun.
            pks = list(queryset.select_for_update().values_list("pk", flat=True))
            locked = Slot.objects.filter(pk__in=pks)
            kept = locked.filter(appointments__isnull=False).distinct().count()
            unbooked = locked.filter(appointments__isnull=True)
            rules.availability_changed(unbooked.values_list("office_id", flat=True))
            unbooked.delete()
        if kept:
            self.message_user(request, self._undeletable_message(kept), messages.ERROR)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        previous = form.initial.get("office") if change else None
        rules.slot_changed(obj, previous_office_id=previous)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Slot.objects.filter(pk=obj.pk))

    @staticmethod
    def _undeletable_message(count):
        return ngettext(
            "%(count)d slot has bookings and was not deleted. Block it instead, "
            "or cancel or move its bookings first.",
            "%(count)d slots have bookings and were not deleted. Block them instead, "
            "or cancel or move their bookings first.",
            count,
        ) % {"count": count}


@admin.register(Appointment)
class AppointmentAdmin(
    AccessRecordAdminMixin,
    PlainCheckboxMixin,
    RuleFormAdminMixin,
    SafeAutocompleteMixin,
    admin.ModelAdmin,
):
    form = AppointmentForm
    list_display = [
        "reference",
        "time",
        "office",
        "name",
        "phone_number",
        "topic",
        "channel",
        "status",
    ]
    list_filter = [
        "slot__office",
        AppointmentDateFilter,
        "status",
        "channel",
        ("affected_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["slot__office", "topic"]
    search_fields = ["reference", "phone", "name"]
    search_help_text = _("Reference, phone number or name")
    # Dates through AppointmentDateFilter (a range by default), not a date hierarchy:
    # its year and month links are aggregates over every slot there is.
    show_full_result_count = False
    autocomplete_fields = ["slot"]
    inlines = [MessageInline]
    actions = ["cancel_appointments"]
    audit_fields = [
        "reference",
        "channel",
        "booked_by_display",
        "created_at",
        "updated_by",
        "updated_at",
        "cancelled_at",
        "reminder_sent_at",
        "affected_at",
        "cap_override_reason",
    ]
    add_fieldsets = [
        (None, {"fields": ["slot", "topic"]}),
        (_("Customer"), {"fields": ["name", "phone", "email", "language", "note"]}),
    ]

    @staticmethod
    def access_office(obj):
        return obj.slot.office.slug

    @admin.display(description=_("time"), ordering="slot__starts_at")
    def time(self, obj):
        return hours.format_datetime(obj.slot.starts_at)

    @admin.display(description=_("office"), ordering="slot__office")
    def office(self, obj):
        return obj.slot.office

    @admin.display(description=_("phone number"), ordering="phone")
    def phone_number(self, obj):
        return obj.phone.as_national if obj.phone else ""

    @admin.display(description=_("booked by"))
    def booked_by_display(self, obj):
        return obj.booked_by or _("The customer, on the web")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            if request.user.has_perm(roles.OVERRIDE_CAP_PERMISSION):
                return [
                    *self.add_fieldsets,
                    (_("Limit per number"), {"fields": ["cap_override_reason"]}),
                ]
            return self.add_fieldsets
        return [
            (None, {"fields": ["slot", "status", "topic"]}),
            (_("Customer"), {"fields": ["name", "phone", "email", "language", "note"]}),
            (_("Record"), {"fields": self.audit_fields}),
        ]

    def get_inlines(self, request, obj):
        # The messages to the citizen, once there is a booking to have them.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not obj.is_active:
            # A cancelled booking is history: it is not reopened or moved.
            return ["slot", "status", *self.audit_fields]
        return self.audit_fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """No add/change/delete shortcuts beside the time and topic: a booking is no
        place to create slots or edit the topic list."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("slot", "topic") and formfield is not None:
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class RequestAppointmentForm(base):
            def __init__(self, *args, **form_kwargs):
                form_kwargs.setdefault("user", user)
                super().__init__(*args, **form_kwargs)
                if "slot" in self.fields:
                    # The picker searches by office, date and time words (SlotAdmin).
                    self.fields["slot"].help_text = SLOT_SEARCH_HELP

        return RequestAppointmentForm

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("language", Appointment.Language.FINNISH)
        return initial

    def has_delete_permission(self, request, obj=None):
        # Bookings are cancelled (which frees the place), never deleted; personal data
        # is removed by the retention purge.
        return False

    def get_search_results(self, request, queryset, search_term):
        unsearched = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # "040 123 4567" finds +358401234567.
        try:
            number = phonenumbers.parse(search_term, "FI")
        except phonenumbers.NumberParseException:
            return queryset, may_have_duplicates
        if phonenumbers.is_possible_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            queryset |= unsearched.filter(phone=e164)
        return queryset, may_have_duplicates

    @admin.action(description=_("Cancel selected appointments"), permissions=["change"])
    def cancel_appointments(self, request, queryset):
        count = 0
        for appointment in queryset.filter(status=Appointment.Status.BOOKED):
            rules.appointment_cancel(appointment=appointment, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d appointment cancelled.", "%(count)d appointments cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )
