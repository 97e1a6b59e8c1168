"""The staff login (password, then the second factor) and the enrolment of an app."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.forms import OTPAuthenticationFormMixin

from . import devices

CODE_WIDGET_ATTRS = {"autocomplete": "one-time-code", "spellcheck": "false"}


class StaffLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's login form with a verification code: the code of the user's
    authenticator app, or one of their backup codes.

    The code is required when the user has a confirmed device. Without one (a new
    account, or one whose devices an admin deleted) the password logs in, but the
    session is not verified: every staff and admin page then sends the user to the
    enrolment of an app (``accounts.middleware.SecondFactorRequiredMiddleware``).

    Which device a code is for follows from its shape (``devices.device_for_code``), so
    the user never picks one and a code is tried against one device only (a wrong code
    counts against that device's throttle alone)."""

    otp_token = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=32,
        help_text=_(
            "The six digits your authenticator app shows, or one of your backup codes. "
            "On your first login, before you have set up the app, leave it empty."
        ),
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Type the code your authenticator app shows, or a backup code."),
        "invalid_token": _("The verification code is not right. Type the newest code."),
        "device_required": _("The verification code is not right. Type the newest code."),
        "verification_not_allowed": _("Codes cannot be checked now. Try again in a minute."),
        "n_failed_attempts": ngettext_lazy(
            "Too many wrong codes (%(failure_count)d). Wait a moment and try again.",
            "Too many wrong codes (%(failure_count)d). Wait a moment and try again.",
            "failure_count",
        ),
    }

    def clean_otp_token(self):
        return devices.normalise_code(self.cleaned_data["otp_token"])

    def clean(self):
        super().clean()  # the password (django-axes refuses a locked-out login here)
        user = self.get_user()
        if user is not None and devices.has_device(user):
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user):
        return devices.device_for_code(user, self.cleaned_data.get("otp_token") or "")

    def _update_form(self, user):
        """django-otp would write the password back into the page; leave it empty."""


class EnrolForm(forms.Form):
    """The code the newly set up app shows; ``save()`` confirms the app and returns the
    backup codes, or None with the refusal on the field."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=32,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "inputmode": "numeric"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = devices.normalise_code(self.cleaned_data["code"])
        if not devices.APP_CODE.fullmatch(code):
            raise ValidationError(_("Type the six digits the app shows."), code="format")
        return code

    def save(self):
        try:
            self.device, codes = devices.device_enrol(
                device=self.device, code=self.cleaned_data["code"]
            )
        except ValidationError as error:
            self.add_error("code", error)
            return None
        return codes
