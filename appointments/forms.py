"""Every input of the appointment pages goes through a form here.

``AppointmentForm`` is the one booking form, shared by the citizen's pages
(``BookingForm``) and the admin: citizens (``user=None``) and phone-service staff see
the same errors on the same fields; only the booking window is for citizens alone. It
validates in ``clean`` and writes in ``save`` through ``appointments.rules``
(``offices.forms.RuleWriteMixin``). The wizard's steps read their GET parameters through
``WhereForm``, ``DayForm`` and ``SlotForm``; moving a booking, finding it and marking
arrivals have their own forms.
"""

import datetime

from django import forms
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citizens import rules as citizen_rules
from offices import hours
from offices.forms import ChoiceList, IdChoiceField, LocalDateField, Picker, RuleWriteMixin
from offices.models import Office, Topic
from offices.phone import FinnishPhoneNumberField
from offices.references import REFERENCE_ALPHABET, REFERENCE_LENGTH

from . import roles, rules
from .models import SUBMISSION_TOKEN_MAX_LENGTH, Appointment, Slot


def slot_label(slot):
    """ "Tornio, ma 7.12.2026 9.00–9.30" in the active language."""
    return f"{slot.office}, {hours.format_when(slot.starts_at, slot.ends_at)}"


class SlotChoiceField(IdChoiceField):
    """A slot, labelled with its office and local time."""

    default_error_messages = {"invalid_choice": rules.error[rules.SLOT_UNAVAILABLE]}

    def label_from_instance(self, obj):
        return slot_label(obj)


class TopicChoiceField(IdChoiceField):
    def label_from_instance(self, topic):
        return topic.name


class AppointmentForm(RuleWriteMixin, forms.ModelForm):
    """Book a slot (new instance) or change a booking (instance given, staff only).

    ``user`` is the staff member booking for a caller; None means a citizen on the web.
    ``slot_queryset`` limits the slots accepted (default: all; whether the slot can be
    booked is checked in ``clean_slot`` by ``rules.slot_check``, so that a slot taken
    meanwhile gets the "just taken" message rather than "not a valid choice").
    """

    write_error_fields = dict.fromkeys(rules.SLOT_ERRORS, "slot")

    class Meta:
        model = Appointment
        fields = [
            "slot",
            "name",
            "phone",
            "email",
            "language",
            "topic",
            "note",
            "cap_override_reason",
        ]
        field_classes = {
            "slot": SlotChoiceField,
            "topic": TopicChoiceField,
            "phone": FinnishPhoneNumberField,
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        data=None,
        files=None,
        *,
        user=None,
        slot_queryset=None,
        source=None,
        known=(),
        **kwargs,
    ):
        super().__init__(data, files, **kwargs)
        self.user = user
        self.source = source
        if "slot" in self.fields:
            slots = Slot.objects.all() if slot_queryset is None else slot_queryset
            self.fields["slot"].queryset = slots.select_related("office")
        if "topic" in self.fields:
            topics = Topic.objects.active()
            if self.instance.pk:
                topics = topics | Topic.objects.filter(pk=self.instance.topic_id)
            self.fields["topic"].queryset = topics
        # ``known``: the slot and topic this POST's other form read already, from any
        # slot and the active topics (the default querysets): not read twice.
        if known and slot_queryset is None and not self.instance.pk:
            for name, model in (("slot", Slot), ("topic", Topic)):
                if name in self.fields:
                    self.fields[name].known = {
                        str(obj.pk): obj for obj in known if isinstance(obj, model)
                    }
        if "note" in self.fields:
            self.fields["note"].max_length = Appointment.NOTE_MAX_LENGTH
            self.fields["note"].widget.attrs["maxlength"] = Appointment.NOTE_MAX_LENGTH
        if "cap_override_reason" in self.fields and not (
            user is not None and user.has_perm(roles.OVERRIDE_CAP_PERMISSION)
        ):
            del self.fields["cap_override_reason"]

    def _get_validation_exclusions(self):
        # The slot and the topic were read through their fields' querysets: the model's
        # validation need not ask the database again whether they exist.
        return {*super()._get_validation_exclusions(), "slot", "topic"}

    def clean_slot(self):
        slot = self.cleaned_data["slot"]
        if not self.instance.pk or slot.pk != self.instance.slot_id:
            rules.slot_check(slot, citizen=self.user is None)
        return slot

    def write(self):
        data = self.cleaned_data
        if self.instance.pk:
            changed = {name: data[name] for name in rules.PLAIN_FIELDS if name in data}
            return rules.appointment_update(
                appointment=self.instance,
                by=self.user,
                slot=data.get("slot"),
                status=data.get("status"),
                **changed,
            )
        return rules.appointment_book(
            slot=data["slot"],
            name=data["name"],
            phone=data["phone"],
            topic=data["topic"],
            language=data.get("language") or Appointment.Language.FINNISH,
            email=data.get("email", ""),
            note=data.get("note", ""),
            booked_by=self.user,
            source=self.source,
            submission_token=data.get("submission_token") or None,
            cap_override_reason=data.get("cap_override_reason", ""),
            citizen=getattr(self, "identified", None),
        )


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

    def __init__(self, *args, identified=None, **kwargs):
        kwargs["user"] = None
        super().__init__(*args, **kwargs)
        # The identified citizen booking (citizens.identity.current), or None.
        self.identified = identified
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
        fields["language"].widget = ChoiceList(choices=fields["language"].choices)
        fields["note"].label = _("Anything the expert should know beforehand? (optional)")
        fields["note"].help_text = _(
            "At most %(count)d characters. Please do not write your personal identity code."
        ) % {"count": Appointment.NOTE_MAX_LENGTH}
        fields["name"].error_messages["required"] = _("Enter your name.")
        fields["phone"].error_messages["required"] = _("Enter your phone number.")

    def clean_phone(self):
        # A citizen's number must be one we can prove by a text message.
        phone = self.cleaned_data["phone"]
        citizen_rules.check_provable(phone)
        return phone

    def booked_from_this_page(self):
        """The booking this page's token made already (a double click), or None."""
        self.is_valid()
        return rules.booked_with(self.cleaned_data.get("submission_token"))


# --- The wizard's steps --------------------------------------------------------------


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, office):
        if office.is_phone_service:
            return _("By phone: a Kela expert calls you at the time you choose")
        address = ", ".join(part for part in (office.street_address, office.city) if part)
        return _("%(office)s service point, %(address)s") % {
            "office": office.display_name,
            "address": address,
        }


class WhereForm(forms.Form):
    """Step 1: where (an office or the phone service) and what about; every later step
    carries these two (GET parameters, or hidden fields of the details POST)."""

    office = OfficeChoiceField(
        label=_("Where would you like to be served?"),
        queryset=Office.objects.none(),
        to_field_name="slug",
        widget=ChoiceList,
        empty_label=None,
        error_messages={"required": _("Choose where you would like to be served.")},
    )
    topic = TopicChoiceField(
        label=_("What is your matter about?"),
        queryset=Topic.objects.active(),
        widget=ChoiceList,
        empty_label=None,
        error_messages={"required": _("Choose what your matter is about.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = rules.bookable_offices()
        invalid = _("Choose one of the options.")
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = invalid

    def valid_data(self):
        """The values that passed validation (the others are left out)."""
        self.is_valid()
        return self.cleaned_data


class ChosenForm(forms.Form):
    """What a step shows already chosen when the citizen comes back to it: a day, a
    time. Only compared with what is offered, never trusted (no queries)."""

    day = LocalDateField(required=False)
    slot = forms.IntegerField(required=False, min_value=1)
    # The month the calendar shows ("2026-12").
    month = forms.DateField(required=False, input_formats=["%Y-%m"])

    def chosen(self, name):
        self.is_valid()
        return self.cleaned_data.get(name)


class BookingDayField(LocalDateField):
    """A day inside the citizen's booking window (``rules.booking_days``)."""

    default_error_messages = {
        "required": _("Please choose a day."),
        "invalid": _("Please choose a day."),
    }

    def validate(self, value):
        super().validate(value)
        first, last = rules.booking_days()
        if not first <= value <= last:
            raise forms.ValidationError(self.error_messages["invalid"], code="outside_window")


class DayForm(WhereForm):
    """Step 3's input: the place, the topic and a day inside the booking window."""

    day = BookingDayField()


class SlotForm(WhereForm):
    """Step 4's input (and the details POST's): the place, the topic and a slot of that
    place. With ``bookable`` the slot must still be bookable by a citizen; without it
    (the details POST) whether it is still free is ``BookingForm``'s question, so that a
    lost race keeps what was typed."""

    slot = IdChoiceField(queryset=Slot.objects.all())

    def __init__(self, *args, bookable=True, **kwargs):
        super().__init__(*args, **kwargs)
        slots = Slot.objects.select_related("office")
        self.fields["slot"].queryset = rules.bookable_slots(slots) if bookable else slots
        self.fields["slot"].error_messages["invalid_choice"] = rules.error[rules.SLOT_UNAVAILABLE]

    def clean(self):
        cleaned = super().clean()
        office, slot = cleaned.get("office"), cleaned.get("slot")
        if office and slot and slot.office_id != office.pk:
            self.add_error("slot", rules.error(rules.SLOT_UNAVAILABLE))
        return cleaned


def time_picker(slots, *, label, carried=None, chosen=None, with_date=False, auto_id="id_%s"):
    """Free times (slots) as a choice list; ``with_date`` when they span days."""
    describe = hours.format_when if with_date else hours.format_time_range
    choices = [(slot.pk, describe(slot.starts_at, slot.ends_at)) for slot in slots]
    return Picker(
        "slot",
        label=label,
        choices=choices,
        list_class="time-choices",
        carried=carried,
        chosen=chosen,
        auto_id=auto_id,
    )


def month_calendar(free_days, *, month, chosen, day_url, month_url):
    """The month table of the day-and-time page: weeks (Monday first) of ``month``, each
    day with its free times as a link (``day_url(date)``), and links to the months before
    and after that have free days (``month_url(first of month)``)."""
    free = {day["date"]: day["count"] for day in free_days}
    first = month.replace(day=1)
    start = first - datetime.timedelta(days=first.weekday())
    weeks = []
    day = start
    while day.month == first.month or day < first:
        week = []
        for _weekday in range(7):
            in_month = day.month == first.month
            count = free.get(day) if in_month else None
            label = None
            if count:
                label = "{}, {}".format(
                    hours.format_date(day),
                    ngettext("%(count)s free time", "%(count)s free times", count)
                    % {"count": count},
                )
            week.append(
                {
                    "date": day if in_month else None,
                    "url": day_url(day) if count else None,
                    "label": label,
                    "chosen": in_month and day == chosen,
                }
            )
            day += datetime.timedelta(days=1)
        weeks.append(week)
    months = sorted({free_day.replace(day=1) for free_day in free})
    before = [m for m in months if m < first]
    after = [m for m in months if m > first]
    monday = start - datetime.timedelta(days=start.weekday())
    return {
        "title": dateformat.format(first, "F Y"),
        "weekdays": [
            (
                dateformat.format(monday + datetime.timedelta(days=n), "D"),
                dateformat.format(monday + datetime.timedelta(days=n), "l"),
            )
            for n in range(7)
        ],
        "weeks": weeks,
        "previous": (month_url(before[-1]), dateformat.format(before[-1], "F Y"))
        if before
        else None,
        "next": (month_url(after[0]), dateformat.format(after[0], "F Y")) if after else None,
    }


def free_times_label(day):
    return _("Free times on %(day)s") % {"day": hours.format_date(day)}


# --- Managing a booking ------------------------------------------------------------------


class MoveDayForm(forms.Form):
    """Moving, step 1's input: a day inside the booking window."""

    day = BookingDayField()


class MoveForm(RuleWriteMixin, forms.Form):
    """Move ``appointment`` to another slot of its office, through
    ``rules.appointment_rebook`` (if the new time cannot be taken, the booking keeps
    its old time)."""

    slot = IdChoiceField(
        queryset=Slot.objects.none(),
        error_messages={
            "required": _("Please choose a new time."),
            "invalid_choice": _("Please choose a new time."),
        },
    )
    write_error_fields = dict.fromkeys(rules.SLOT_ERRORS, "slot")

    def __init__(self, *args, appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        self.fields["slot"].queryset = Slot.objects.for_office(appointment.slot.office_id)

    def write(self):
        return rules.appointment_rebook(
            appointment=self.appointment, new_slot=self.cleaned_data["slot"]
        )


def normalise_reference(value):
    return "".join(value.split()).upper()


class FindBookingForm(forms.Form):
    """Find a booking by its reference AND the phone number it was booked with."""

    reference = forms.CharField(
        label=_("Booking reference"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _(
                "Enter the booking reference. It is on the confirmation page and in the "
                "confirmation message we sent you."
            )
        },
    )
    phone = FinnishPhoneNumberField(
        label=_("Phone number given in the booking"),
        error_messages={
            "required": _(
                "Enter the phone number you gave when you booked, for example 040 123 4567."
            )
        },
    )

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
        # Only bookings whose link can still be shown (until they have ended).
        self.appointment = (
            Appointment.objects.filter(reference=cleaned["reference"], phone=cleaned["phone"])
            .exclude(manage_token_sealed="")
            .only("manage_token_sealed")
            .first()
        )
        if self.appointment is None:
            raise forms.ValidationError(self.NOT_FOUND, code="not_found")
        return cleaned


# --- Office staff ------------------------------------------------------------------------

MARKABLE = [Appointment.Status.ARRIVED, Appointment.Status.DONE, Appointment.Status.NO_SHOW]


class MarkForm(RuleWriteMixin, forms.Form):
    """Office staff mark one of the day's appointments arrived, done or no-show."""

    appointment = IdChoiceField(queryset=Appointment.objects.none())
    status = forms.ChoiceField(
        choices=[(status.value, status.label) for status in MARKABLE],
        error_messages={
            "required": _("Choose arrived, done or no-show."),
            "invalid_choice": _("Choose arrived, done or no-show."),
        },
    )

    def __init__(self, data=None, *args, appointments, user, **kwargs):
        if data is not None and "mark" in data:
            # The day list's one form: each button says "<appointment>:<status>".
            appointment, _colon, status = str(data["mark"]).partition(":")
            data = {"appointment": appointment, "status": status}
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.fields["appointment"].queryset = appointments

    def write(self):
        return rules.appointment_set_status(
            appointment=self.cleaned_data["appointment"],
            status=self.cleaned_data["status"],
            by=self.user,
        )
