"""Keep the private manage and cancel links out of logs.

Whoever holds such a link can cancel or move a citizen's booking, so neither the access
log (gunicorn.conf.py) nor Django's request log ("Not Found: /appointments/manage/...")
may carry one.
"""

import logging
import re

# /appointments/manage/<token>/, /appointments/booked/<token>/, /callbacks/<ref>/<token>/,
# and /m/<token>/ (a booking's link in an SMS)
SECRET_PATHS = re.compile(
    r"(?P<prefix>/(?:appointments/(?:manage|booked)|callbacks/[A-Za-z0-9]+|m))/[^/?\s\"]+"
)


def mask_secrets(text):
    return SECRET_PATHS.sub(r"\g<prefix>/***", text)


class MaskSecretsFilter(logging.Filter):
    """A logging filter that masks private links in a record's arguments."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(
                mask_secrets(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = mask_secrets(record.msg)
        return True
