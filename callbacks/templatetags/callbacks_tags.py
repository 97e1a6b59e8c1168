import datetime

from django import template
from django.utils import timezone

from callbacks.formatting import format_day, format_time
from offices import hours

register = template.Library()


@register.filter
def callback_day(value):
    """A date or aware datetime as "Friday 4 December" in the active language."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, hours.local_timezone()).date()
    return format_day(value)


@register.filter
def time_local(value):
    """An aware datetime's local time, 14:30 (14.30 in Finnish and Swedish)."""
    return format_time(value)
