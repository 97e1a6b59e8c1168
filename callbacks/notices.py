"""What citizens are told about their callback request, by SMS through the outbox
(``notifications.notify``), in the language they chose, in the transaction of the
change: the confirmation with its window, and a notice when a change of the
phone-service hours removed the window. Only Finnish mobile numbers get an SMS; the
confirmation page shows the window anyway, and staff see the affected requests."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.models import Channel
from notifications.outbox import notify, withdraw
from notifications.sms import sms_capable
from offices import hours

CONFIRMED = "confirmed"
AFFECTED = "affected"
LINK = "link"
kinds.declare(CONFIRMED, AFFECTED, LINK)

SMS_TEXTS = {
    CONFIRMED: _("Kela calls you %(date)s between %(start)s and %(end)s. Ref %(reference)s"),
    AFFECTED: _(
        "Kela cannot call you %(date)s at %(start)s: the phone service is closed. "
        "Please ask for a new time: %(link)s"
    ),
    LINK: _("Your Kela callback request %(reference)s: %(link)s"),
}


def sms_text(callback, event):
    """GSM-7, one SMS in every language (call inside the citizen's language)."""
    return SMS_TEXTS[event] % {
        "date": hours.format_date(callback.window_start),
        "start": hours.format_time(callback.window_start),
        "end": hours.format_time(callback.window_end),
        "reference": callback.reference,
        "link": settings.SITE_URL
        + (callback.get_absolute_url() if event == LINK else reverse("callbacks:request")),
    }


def notify_citizen(callback, event):
    """Queue the SMS about ``event`` if the number gets SMS; return whether it did."""
    if not sms_capable(callback.phone):
        return False
    with translation.override(callback.language):
        notify(
            obj=callback,
            event=event,
            channel=Channel.SMS,
            to=callback.phone,
            body=sms_text(callback, event),
            language=callback.language,
            expires_at=callback.window_end,
        )
    return True


def withdraw_affected(callback):
    withdraw(obj=callback, event=AFFECTED)
