"""Template helpers of the offices app: service names and the time engine's written
style of times (dates and single times: Django's ``date`` and ``time`` filters without
an argument, which read ``offices/formats``)."""

from django import template
from django.utils.translation import gettext as _

from offices import hours
from offices.models import ServiceKind
from offices.phone import tel_url

register = template.Library()


@register.filter
def service_label(kind):
    """The translated name of a kind of service ("self_service" -> "Self-service computers")."""
    try:
        return ServiceKind(kind).label
    except ValueError:
        return kind


@register.filter
def intervals_text(intervals):
    """Opening intervals as text: "9.00–12.00, 13.00–15.00", or "Closed"."""
    if not intervals:
        return _("Closed")
    return ", ".join(hours.format_time_range(i.start, i.end) for i in intervals)


@register.filter
def service_hours(day, kind):
    """The intervals of one service on a ``DayHours``."""
    return day.services.get(kind, [])


@register.simple_tag
def time_range(start, end):
    """ "9.00–9.30" in the active language."""
    return hours.format_time_range(start, end)


@register.simple_tag
def when(start, end):
    """ "ti 1.12.2026 9.00–9.30" in the active language."""
    return hours.format_when(start, end)


@register.filter
def tel(number):
    """The ``tel:`` link of a phone number as staff typed it."""
    return tel_url(number)


@register.filter
def place_names(offices):
    """ "Tornio and Kemi" ("Torniossa ja Kemissä" in Finnish) of the offices given."""
    names = [office.place_name for office in offices]
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


@register.filter
def service_of(entry, kind):
    """One service (``offices.services.Service``) of an office's entry, or None."""
    return entry.get(kind)
