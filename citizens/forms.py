from django import forms
from django.utils.translation import gettext_lazy as _

from offices.phone import FinnishPhoneNumberField

from .rules import CODE_LENGTH, check_provable


def six_digits(value):
    """A code as typed (spaces allowed) as its 6 digits, or the form error."""
    code = "".join(value.split())
    if not (code.isascii() and code.isdigit() and len(code) == CODE_LENGTH):
        raise forms.ValidationError(_("The code has 6 digits, for example 123456."), code="invalid")
    return code


class CodeForm(forms.Form):
    """The code from the text message. The view checks it with ``rules.code_check``."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=CODE_LENGTH + 4,  # room for spaces the citizen may type
        help_text=_("6 digits."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
        error_messages={"required": _("Type the code from the text message.")},
    )

    def clean_code(self):
        return six_digits(self.cleaned_data["code"])


class ActionForm(forms.Form):
    """Which button of a citizen's multi-step form was pressed (``name="action"``)."""

    BOOK, EDIT, PROVE, RESEND = "book", "edit", "prove", "resend"
    action = forms.ChoiceField(
        required=False, choices=[(a, a) for a in (BOOK, EDIT, PROVE, RESEND)]
    )

    def chosen(self):
        """The button's action, or "" (a first POST, or anything unknown)."""
        return self.cleaned_data.get("action", "") if self.is_valid() else ""


class IdentifyForm(forms.Form):
    """Phone-service staff identify a caller: the call code and the caller's birth date
    (``callcodes.caller_identify`` checks them)."""

    code = forms.CharField(
        label=_("Call code"),
        max_length=CODE_LENGTH + 4,
        help_text=_("The 6 digits the caller reads out."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 8}),
        error_messages={"required": _("Type the caller's code.")},
    )
    birth_date = forms.DateField(
        label=_("Caller's date of birth"),
        help_text=_("For example 31.12.1980."),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 12}),
        error_messages={
            "required": _("Type the caller's date of birth."),
            "invalid": _("Type the date of birth as day.month.year, for example 31.12.1980."),
        },
    )

    def clean_code(self):
        return six_digits(self.cleaned_data["code"])


class PhoneForm(forms.Form):
    """A number an identified citizen proves on their page, to see what was booked with
    it without logging in."""

    phone = FinnishPhoneNumberField(
        label=_("Phone number"),
        help_text=_("A Finnish mobile number, for example 040 123 4567."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        check_provable(phone)
        return phone
