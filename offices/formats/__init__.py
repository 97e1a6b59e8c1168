"""Per-language date and time formats (``FORMAT_MODULE_PATH``): one written style per
language for every page, e-mail and admin list. Code formats through
``offices.hours.format_*``; templates use Django's ``date`` and ``time`` filters without
an argument (or ``offices_tags``' ``time_range``).

Swedish on Finnish pages abbreviates weekdays with two letters (må, ti, on, ...), as
Finland Swedish does; Django's catalogue has Sweden's (mån, tis, ...). These msgids are
Django's own, marked here so that the offices catalogue keeps its Swedish entries,
which take precedence over Django's.
"""

from django.utils.translation import gettext_noop

WEEKDAY_ABBREVIATIONS = [
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
]
