"""Citizens' phone numbers: Finnish formats accepted, stored as E.164."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

PHONE_EXAMPLE = "040 123 4567"


def validate_no_letters(value):
    """Refuse letters before the parser sees them: it reads them as keypad digits
    ("+3584OOOOOOO" with the letter O would become a valid number)."""
    if value and any(char.isalpha() for char in str(value)):
        raise ValidationError(
            _("Use only digits in the phone number, for example %(example)s.")
            % {"example": PHONE_EXAMPLE},
            code="phone_letters",
        )


class FinnishPhoneNumberField(PhoneNumberField):
    """A phone number form field (Finnish formats, region FI) that refuses letters."""

    def to_python(self, value):
        validate_no_letters(value)
        return super().to_python(value)
