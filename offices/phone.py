"""Citizens' phone numbers: Finnish formats accepted, stored as E.164.

The one home of the phone-number rule. Every entry point asks here: forms through
``FinnishPhoneNumberField``, the rules (for callers that bypass forms) through
``parse_phone``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python

PHONE_EXAMPLE = "040 123 4567"

PHONE_LETTERS = "phone_letters"
PHONE_INVALID = "invalid"
MESSAGES = {
    PHONE_LETTERS: _("Use only digits in the phone number, for example %(example)s."),
    PHONE_INVALID: _("Enter a valid phone number, for example 040 123 4567 or +358 40 123 4567."),
}
HELP_TEXT = _("For example 040 123 4567 or +358 40 123 4567.")


def _error(code):
    return ValidationError(MESSAGES[code], code=code, params={"example": PHONE_EXAMPLE})


class CheckedPhoneNumber(PhoneNumber):
    """A ``PhoneNumber`` that checks its validity once. django-phonenumber-field asks
    ``is_valid()``, a full check against the numbering plan, on every ``str()``,
    ``len()`` and truth test of a number: about twenty times in one booking POST, a
    tenth of its Python time. Any change to the number forgets the answer."""

    def is_valid(self):
        valid = self.__dict__.get("_valid")
        if valid is None:
            valid = self.__dict__["_valid"] = super().is_valid()
        return valid

    def __setattr__(self, name, value):
        self.__dict__.pop("_valid", None)
        super().__setattr__(name, value)

    @classmethod
    def of(cls, number):
        """``number`` as a CheckedPhoneNumber (anything else as it is)."""
        if not isinstance(number, PhoneNumber) or isinstance(number, cls):
            return number
        checked = cls()
        checked.merge_from(number)
        return checked


def validate_no_letters(value):
    """Refuse letters before the parser sees them: it reads them as keypad digits
    ("+3584OOOOOOO" with the letter O would become a valid number)."""
    if value and any(char.isalpha() for char in str(value)):
        raise _error(PHONE_LETTERS)


def parse_phone(value, *, field=None):
    """A valid ``PhoneNumber`` from user input (Finnish formats accepted), or a
    ValidationError with the code ``phone_letters`` or ``invalid`` (as ``field``'s
    error when given: the rules name the model field)."""
    try:
        validate_no_letters(value)
        number = CheckedPhoneNumber.of(to_python(value, region="FI")) if value else None
        if number is None or not number.is_valid():
            raise _error(PHONE_INVALID)
    except ValidationError as error:
        if field is None:
            raise
        raise ValidationError({field: error}) from None
    return number


class FinnishPhoneNumberField(PhoneNumberField):
    """A phone number form field (Finnish formats, region FI) that refuses letters."""

    default_error_messages = {PHONE_INVALID: MESSAGES[PHONE_INVALID]}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", HELP_TEXT)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        validate_no_letters(value)
        return CheckedPhoneNumber.of(super().to_python(value))


def tel_url(value):
    """A ``tel:`` link for a number as staff typed it ("020 692 210" ->
    "tel:+35820692210"): E.164 when it parses (Finnish formats), else its digits."""
    value = str(value or "").strip()
    if not value:
        return ""
    number = to_python(value, region="FI")
    if number is not None and number.is_valid():
        return f"tel:{number.as_e164}"
    return "tel:" + "".join(char for char in value if char.isdigit() or char == "+")
