from django import forms
from django.utils.translation import gettext_lazy as _

from .rules import CODE_LENGTH


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
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == CODE_LENGTH):
            raise forms.ValidationError(
                _("The code has 6 digits, for example 123456."), code="invalid"
            )
        return code


class ActionForm(forms.Form):
    """Which button of a citizen's multi-step form was pressed (``name="action"``)."""

    BOOK, EDIT, PROVE, RESEND = "book", "edit", "prove", "resend"
    action = forms.ChoiceField(
        required=False, choices=[(a, a) for a in (BOOK, EDIT, PROVE, RESEND)]
    )

    def chosen(self):
        """The button's action, or "" (a first POST, or anything unknown)."""
        return self.cleaned_data.get("action", "") if self.is_valid() else ""
