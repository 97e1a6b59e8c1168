"""Validators shared by the apps' models.

``refuse_identity_codes``: free text that citizens (and staff) type, such as a booking's
note or a callback request's message, must not carry a Finnish personal identity code
(henkilötunnus): it would sit in plain text wherever the text is shown, exported or
sent. A code is recognised by its shape (DDMMYY, a century sign, three digits and a
check character), a real date and a correct check character, so that other numbers
(dates, references, amounts) pass.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The check character: DDMMYYNNN as a number, modulo 31, indexes this alphabet.
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# The century sign: "+" 1800s; "-" and (since 2023) Y, X, W, V, U 1900s; A to F 2000s.
# Word processors turn "-" into a dash or a minus sign: those count as "-" too.
CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
IDENTITY_CODE = re.compile(
    rf"(?<![0-9A-Za-z])([0-9]{{2}})([0-9]{{2}})([0-9]{{2}})([-+A-FU-Y{DASHES}])"
    r"([0-9]{3})([0-9A-Y])(?![0-9A-Za-z])",
    re.IGNORECASE,
)
IDENTITY_CODE_MESSAGE = _(
    "Remove the personal identity code from the text. It is not needed here: we ask for "
    "it when we need it."
)


def is_identity_code(day, month, year, sign, number, check):
    """Whether these parts (as ``IDENTITY_CODE`` matches them) make a valid code: a
    real date of birth and the right check character."""
    sign = "-" if sign in DASHES else sign.upper()
    try:
        datetime.date(CENTURIES[sign] + int(year), int(month), int(day))
    except ValueError:
        return False
    return CHECK_CHARACTERS[int(day + month + year + number) % 31] == check.upper()


def identity_codes(text):
    """The Finnish personal identity codes in ``text`` (checksum-checked), as typed."""
    matches = IDENTITY_CODE.finditer(text or "")
    return [match[0] for match in matches if is_identity_code(*match.groups())]


def refuse_identity_codes(value):
    """A model field validator: free text with a personal identity code is refused."""
    if identity_codes(value):
        raise ValidationError(IDENTITY_CODE_MESSAGE, code="identity_code")
