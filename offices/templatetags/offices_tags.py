from django import template
from django.utils.translation import gettext as _

from offices.models import ServiceKind

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
    """Opening intervals as text: "09:00–12:00, 13:00–15:00", or "Closed"."""
    if not intervals:
        return _("Closed")
    return ", ".join(f"{i.opens}–{i.closes}" for i in intervals)


@register.filter
def service_hours(day, kind):
    """The intervals of one service on a ``DayHours``."""
    return day.services.get(kind, [])
