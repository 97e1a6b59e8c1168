"""Messages in the admin: read-only, the text of sensitive ones hidden, failed ones can be
retried. ``MessageInline`` lists an object's messages on its own admin page:

    class AppointmentAdmin(admin.ModelAdmin):
        inlines = [MessageInline]
"""

import datetime

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import kinds
from .models import DELIVERY_FINAL, Message
from .outbox import messages_retry
from .sms import e164, sms_capable


class CreatedFilter(admin.SimpleListFilter):
    """Messages of the last 7 days by default: a range that does not grow with the
    outbox's history (the list counts what it shows). The same shape as
    ``offices.admin_tools.DefaultChoiceFilter``, which this floor may not import."""

    title = _("created")
    parameter_name = "created"
    default_value = "7"

    def lookups(self, request, model_admin):
        return [
            ("1", _("Last 24 hours")),
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("all", _("All")),
        ]

    def value(self):
        return super().value() or self.default_value

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        days = {"1": 1, "7": 7, "30": 30}.get(self.value())
        if days is None:
            return queryset
        return queryset.filter(created_at__gte=timezone.now() - datetime.timedelta(days=days))


class DeliveryStatusFilter(admin.SimpleListFilter):
    """GatewayAPI's final delivery states (a fixed list: no scan of the table for
    the values there are)."""

    title = _("delivery status")
    parameter_name = "delivery_status"

    def lookups(self, request, model_admin):
        return [(state, state) for state in sorted(DELIVERY_FINAL)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(delivery_status=self.value())
        return queryset


class EventFilter(admin.SimpleListFilter):
    """The kind of event: "moved:123" and "moved:456" are both "moved". The kinds are
    those the apps declare (``notifications.kinds``): no scan of the outbox."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(kind, kind) for kind in kinds.declared()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(event=self.value()) | Q(event__startswith=f"{self.value()}:"))
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "event",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "delivery_status",
        "about",
    ]
    list_filter = ["channel", "status", EventFilter, DeliveryStatusFilter, CreatedFilter]
    list_select_related = ["content_type"]
    show_full_result_count = False
    search_fields = ["recipient"]
    actions = ["retry"]
    fields = [
        "about",
        "event",
        "channel",
        "recipient",
        "language",
        "subject",
        "text",
        "attachment_names",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "provider_id",
        "reference",
        "delivery_status",
        "delivery_status_at",
        "expires_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.retry_message")

    def get_search_results(self, request, queryset, search_term):
        """A phone number typed in any Finnish format finds the stored +358... one."""
        term = search_term.strip()
        if term and sms_capable(term):
            return queryset.filter(recipient=e164(term)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("about"))
    def about(self, message):
        return f"{message.content_type.name} {message.object_id}"

    @admin.display(description=_("text"))
    def text(self, message):
        if message.sensitive:
            return _("Hidden: it holds a code or a private link.")
        return message.body

    @admin.display(description=_("attachments"))
    def attachment_names(self, message):
        return ", ".join(a["filename"] for a in message.attachments) or "—"

    @admin.action(description=_("Retry the selected failed messages now"), permissions=["retry"])
    def retry(self, request, queryset):
        count = messages_retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed message queued again.",
                "%(count)d failed messages queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


class MessageInline(GenericTabularInline):
    """An object's messages and their status, for that object's admin page. Staff need
    the ``notifications.view_message`` permission to see it."""

    model = Message
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = [
        "created_at",
        "event",
        "channel",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "delivery_status",
        "last_error",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("message")
    verbose_name_plural = _("messages to the citizen")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
