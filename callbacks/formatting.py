"""Dates and times of callback windows in the reader's language.

Finnish says "perjantaina 4. joulukuuta klo 14.30–15.00", Swedish "fredag 4 december
kl. 14.30–15.00", English "on Friday 4 December, 14:30–15:00": the formats are
translatable strings, so each catalogue decides.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from offices import hours


def _weekday_on(day):
    """The weekday as used after "on" ("on Friday"); Finnish needs the essive case."""
    names = [
        pgettext("on weekday", "Monday"),
        pgettext("on weekday", "Tuesday"),
        pgettext("on weekday", "Wednesday"),
        pgettext("on weekday", "Thursday"),
        pgettext("on weekday", "Friday"),
        pgettext("on weekday", "Saturday"),
        pgettext("on weekday", "Sunday"),
    ]
    return names[day.weekday()]


def format_time(at):
    """Local time of an aware instant, e.g. 14:30 (14.30 in Finnish and Swedish)."""
    local = timezone.localtime(at, hours.local_timezone())
    return date_format(local, pgettext("callback time format", "H:i"))


def format_day(day):
    """ "Friday 4 December" as a heading (nominative weekday)."""
    return date_format(day, pgettext("callback day format", "l j F"))


def describe_window(start, end):
    """Parts for "between {start} and {end} {day}": day is "on Friday 4 December"."""
    local = timezone.localtime(start, hours.local_timezone())
    day = local.date()
    on_day = pgettext("on weekday and date", "on %(weekday)s %(date)s") % {
        "weekday": _weekday_on(day),
        "date": date_format(day, pgettext("callback date format", "j F")),
    }
    return {"start": format_time(start), "end": format_time(end), "day": on_day}
