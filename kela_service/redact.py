"""Keep private links and staff searches out of logs.

Whoever holds a private manage or cancel link can cancel or move a citizen's booking,
and the query strings of the admin and the staff pages carry what staff searched for
(``/admin/appointments/appointment/?q=040 123 4567``) and filtered by. Neither the
access log (gunicorn.conf.py) nor Django's logs (the ``mask_secrets`` filter of
settings.LOGGING: "Not Found: /appointments/manage/...", runserver's request lines)
may carry them.
"""

import logging
import re

# /appointments/manage/<token>/, /appointments/booked/<token>/, /callbacks/<ref>/<token>/,
# and /m/<token>/ (a booking's link in an SMS)
SECRET_PATHS = re.compile(
    r"(?P<prefix>/(?:appointments/(?:manage|booked)|callbacks/[A-Za-z0-9]+|m))/[^/?\s\"]+"
)
# The staff side: its query strings are masked whole (searches, filters, dates).
PRIVATE_QUERY_PATHS = ("/admin/", "/staff/")
PRIVATE_QUERIES = re.compile(r"(?P<path>/(?:admin|staff)(?:/[^?\s\"]*)?)\?[^\s\"]*")
MASK = "***"


def mask_secrets(text):
    """``text`` (a path, a request line, a URL, a log message) with private links
    and the query strings of admin and staff paths masked."""
    text = SECRET_PATHS.sub(rf"\g<prefix>/{MASK}", text)
    return PRIVATE_QUERIES.sub(rf"\g<path>?{MASK}", text)


def mask_query(path, query):
    """The query string ``query`` of a request for ``path``, as logs may show it."""
    if query and (path or "").startswith(PRIVATE_QUERY_PATHS):
        return MASK
    return query


class MaskSecretsFilter(logging.Filter):
    """A logging filter that masks private links and staff query strings in a record's
    message and arguments."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif type(record.args) is dict:
            record.args = {key: _masked(value) for key, value in record.args.items()}
        if isinstance(record.msg, str):
            record.msg = mask_secrets(record.msg)
        return True


def _masked(value):
    return mask_secrets(value) if isinstance(value, str) else value
