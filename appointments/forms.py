"""The one booking form, shared by the public pages and the admin.

``AppointmentForm`` validates; the rules in ``appointments.rules`` write. Citizens
(``user=None``) and phone-service staff see the same errors on the same fields; only the
minimum notice and the horizon are for citizens alone.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices import hours
from offices.models import Topic
from offices.phone import FinnishPhoneNumberField

from . import rules
from .models import Appointment, Slot

TAKEN_MESSAGE = _("This time was just taken. Please choose another time.")
# Fields a staff edit writes as they are (slot and status go through the rules).
PLAIN_FIELDS = ("name", "phone", "email", "language", "topic", "note")
UNAVAILABLE_MESSAGE = _("This time can no longer be booked. Please choose another time.")


def slot_label(slot):
    """ "Tornio, ma 7.12.2026 9.00–9.30" in the active language."""
    return f"{slot.office}, {hours.format_when(slot.starts_at, slot.ends_at)}"


class SlotChoiceField(forms.ModelChoiceField):
    """A slot, labelled with its office and local time."""

    default_error_messages = {
        "invalid_choice": UNAVAILABLE_MESSAGE,
    }

    def label_from_instance(self, obj):
        return slot_label(obj)


class AppointmentForm(forms.ModelForm):
    """Book a slot (new instance) or change a booking (instance given, staff only).

    ``user`` is the staff member booking for a caller; None means a citizen on the web,
    for whom the minimum notice and the horizon apply. ``slot_queryset`` limits the slots
    accepted (default: all future slots; the free check is in ``clean``, so a slot taken
    meanwhile gets the "just taken" message rather than "not a valid choice").

    ``save()`` writes through the rules and returns the appointment, or None when the
    write failed at the last moment (the slot went to someone else): the form then holds
    the error on the slot field, ``is_valid()`` is False, and the typed data is kept.
    """

    class Meta:
        model = Appointment
        fields = ["slot", "name", "phone", "email", "language", "topic", "note"]
        field_classes = {"phone": FinnishPhoneNumberField, "slot": SlotChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, data=None, files=None, *, user=None, slot_queryset=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.user = user
        self.appointment = None
        if "slot" in self.fields:
            if slot_queryset is None:
                slot_queryset = Slot.objects.filter(starts_at__gt=timezone.now())
                if self.instance.pk:
                    slot_queryset = slot_queryset | Slot.objects.filter(pk=self.instance.slot_id)
            self.fields["slot"].queryset = slot_queryset.select_related("office")
        if "topic" in self.fields:
            topics = Topic.objects.filter(is_active=True)
            if self.instance.pk:
                topics = topics | Topic.objects.filter(pk=self.instance.topic_id)
            self.fields["topic"].queryset = topics
        if "note" in self.fields:
            self.fields["note"].max_length = Appointment.NOTE_MAX_LENGTH
            self.fields["note"].widget.attrs["maxlength"] = Appointment.NOTE_MAX_LENGTH

    @property
    def is_citizen(self):
        return self.user is None

    def _slot_changed(self, slot):
        return not self.instance.pk or slot.pk != self.instance.slot_id

    def clean_slot(self):
        slot = self.cleaned_data["slot"]
        if not self._slot_changed(slot):
            return slot
        if slot.is_blocked or slot.starts_at <= timezone.now():
            raise ValidationError(UNAVAILABLE_MESSAGE, code="slot_unavailable")
        if slot.booked_count >= slot.capacity:
            raise ValidationError(TAKEN_MESSAGE, code=rules.SLOT_TAKEN)
        if self.is_citizen:
            rules.check_notice(slot)
        return slot

    def save(self, commit=True):
        """Write through the rules (``commit`` is ignored: the rules always save)."""
        if self.errors:
            raise ValueError("The form has errors; save() needs a valid form.")
        if self.appointment is not None:
            return self.appointment
        try:
            if self.instance.pk:
                self.appointment = self._change()
            else:
                self.appointment = self._book()
        except ValidationError as error:
            self._add_write_error(error)
            return None
        return self.appointment

    def save_m2m(self):
        """Nothing to do: the booking has no many-to-many fields (the admin calls it)."""

    def _book(self):
        data = self.cleaned_data
        return rules.appointment_book(
            slot=data["slot"],
            name=data["name"],
            phone=data["phone"],
            topic=data["topic"],
            language=data.get("language") or Appointment.Language.FINNISH,
            email=data.get("email", ""),
            note=data.get("note", ""),
            booked_by=self.user,
            submission_token=data.get("submission_token") or None,
        )

    def _change(self):
        """Staff edit a booking: the slot through rebook, the status through set_status,
        the rest as plain fields. The whole change is one transaction."""
        data = self.cleaned_data
        appointment = self.instance
        with transaction.atomic():
            if "slot" in data and data["slot"].pk != self.initial.get("slot"):
                rules.appointment_rebook(
                    appointment=appointment, new_slot=data["slot"], by=self.user
                )
            status = data.get("status")
            if status and status != self.initial.get("status"):
                rules.appointment_set_status(appointment=appointment, status=status, by=self.user)
            plain = [f for f in PLAIN_FIELDS if f in data]
            for name in plain:
                setattr(appointment, name, data[name])
            appointment.updated_by = self.user
            appointment.save(update_fields=[*plain, "updated_by", "updated_at"])
            appointment.refresh_from_db()
        return appointment

    def _add_write_error(self, error):
        """Show a failed write on the field it concerns, or above the form."""
        code = getattr(error, "code", None)
        if code == rules.SLOT_TAKEN:
            error = ValidationError(TAKEN_MESSAGE, code=rules.SLOT_TAKEN)
        if code in {rules.SLOT_TAKEN, "slot_unavailable", "too_soon", "too_far"}:
            self.add_error("slot" if "slot" in self.fields else None, error)
        elif hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)
