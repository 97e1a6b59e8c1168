"""Forms of the citizen's booking pages (the details step uses the shared AppointmentForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from offices.models import Office, ServiceKind, Topic
from offices.phone import FinnishPhoneNumberField
from offices.references import REFERENCE_ALPHABET, REFERENCE_LENGTH

from .forms import AppointmentForm
from .models import SUBMISSION_TOKEN_MAX_LENGTH, Appointment


def bookable_offices():
    """Active offices with an appointment service (the service points and the phone service)."""
    return (
        Office.objects.active()
        .filter(periods__rules__service=ServiceKind.APPOINTMENTS)
        .distinct()
        .order_by("ordering", "name")
    )


class LinkedRadioSelect(forms.RadioSelect):
    """Radios whose error-summary link (``id_for_label``) goes to the first option."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, office):
        if office.is_phone_service:
            return _("By phone: a Kela expert calls you at the time you choose")
        address = ", ".join(part for part in (office.street_address, office.city) if part)
        return _("%(office)s service point, %(address)s") % {
            "office": office.display_name,
            "address": address,
        }


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, topic):
        return topic.name


class WhereForm(forms.Form):
    """Step 1: where (an office or the phone service) and what about. Sent with GET."""

    office = OfficeChoiceField(
        label=_("Where would you like to be served?"),
        queryset=Office.objects.none(),
        to_field_name="slug",
        widget=LinkedRadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose where you would like to be served.")},
    )
    topic = TopicChoiceField(
        label=_("What is your matter about?"),
        queryset=Topic.objects.filter(is_active=True),
        widget=LinkedRadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what your matter is about.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = bookable_offices()
        invalid = _("Choose one of the options.")
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = invalid


def normalise_reference(value):
    return "".join(value.split()).upper()


class FindBookingForm(forms.Form):
    """Find a booking by its reference AND the phone number it was booked with."""

    reference = forms.CharField(
        label=_("Booking reference"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = FinnishPhoneNumberField(label=_("Phone number given in the booking"))

    NOT_FOUND = _(
        "We found no booking with this reference and phone number. Check both and try again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = _(
            "%(length)d letters and numbers, for example %(example)s."
        ) % {"length": REFERENCE_LENGTH, "example": "K7QX4MPA"}

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if len(reference) != REFERENCE_LENGTH or set(reference) - set(REFERENCE_ALPHABET):
            raise forms.ValidationError(
                _("A booking reference has %(length)d letters and numbers.")
                % {"length": REFERENCE_LENGTH},
                code="invalid",
            )
        return reference

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.appointment = (
            Appointment.objects.filter(reference=cleaned["reference"], phone=cleaned["phone"])
            .only("manage_token")
            .first()
        )
        if self.appointment is None:
            raise forms.ValidationError(self.NOT_FOUND, code="not_found")
        return cleaned


class ChosenSlotInput(forms.HiddenInput):
    """The slot travels hidden; its errors link to the summary of the chosen time."""

    def id_for_label(self, id_):
        return "chosen-time"


class BookingForm(AppointmentForm):
    """The shared AppointmentForm as the citizen sees it: the slot and the topic chosen
    in the earlier steps travel hidden, the rest with labels and autocomplete hints.
    ``submission_token`` is the confirm page's token (see ``rules.appointment_book``)."""

    submission_token = forms.CharField(
        required=False, max_length=SUBMISSION_TOKEN_MAX_LENGTH, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("user", None)
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["slot"].widget = ChosenSlotInput()
        fields["topic"].widget = forms.HiddenInput()
        fields["name"].label = _("Your name")
        fields["name"].widget.attrs.update(autocomplete="name")
        fields["phone"].label = _("Phone number")
        fields["email"].label = _("Email (optional)")
        fields["email"].help_text = _(
            "If you give your email, we send you a confirmation with a calendar file "
            "and a reminder the day before."
        )
        fields["email"].widget.attrs.update(autocomplete="email")
        fields["language"].label = _("Language of service")
        fields["language"].widget = LinkedRadioSelect(choices=fields["language"].choices)
        fields["note"].label = _("Anything the expert should know beforehand? (optional)")
        fields["note"].help_text = _(
            "At most %(count)d characters. Please do not write your personal identity code."
        ) % {"count": Appointment.NOTE_MAX_LENGTH}
        fields["name"].error_messages["required"] = _("Enter your name.")
        fields["phone"].error_messages["required"] = _("Enter your phone number.")
