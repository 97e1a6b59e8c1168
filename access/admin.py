"""The access record in the admin: read-only, for those with its view permission
(superusers). A phone number or an identity code typed in the search finds the rows
that showed that citizen, by its keyed hash."""

import re

import phonenumbers
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccessRecord
from .records import records_about

SEARCH_REGION = "FI"
# The shape of a Finnish personal identity code (whether it is one is offices' concern).
IDENTITY_CODE = re.compile(r"[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]", re.IGNORECASE)


def typed_phone(term):
    """The E.164 form of a phone number typed in the search ("040 123 4567"), or None
    (also for letters, which phonenumbers would read as a keypad's digits)."""
    if not term or any(c.isalpha() for c in term):
        return None
    try:
        number = phonenumbers.parse(term, SEARCH_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "username",
        "action",
        "office",
        "day",
        "model",
        "count",
        "short_references",
        "address",
    ]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
        "office",
        "model",
    ]
    list_select_related = ["user"]
    search_fields = ["username", "references"]
    search_help_text = _(
        "Phone number or personal identity code (finds whoever looked at that citizen's "
        "data), reference or user name"
    )
    # Counting every row of years of records on each page is slow and tells little.
    show_full_result_count = False
    fields = [
        "at",
        "action",
        "user",
        "username",
        "address",
        "page",
        "office",
        "day",
        "model",
        "count",
        "references",
    ]
    readonly_fields = fields

    @admin.display(description=_("references"))
    def short_references(self, obj):
        shown = obj.reference_list[:5]
        more = len(obj.reference_list) - len(shown)
        return ", ".join(shown) + (f" (+{more})" if more else "")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if IDENTITY_CODE.fullmatch(term):
            return queryset & records_about(identity=term), False
        if phone := typed_phone(term):
            return queryset & records_about(phone=phone), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Rows leave only by the retention purge (kela_service.jobs).
        return False
