"""The citizen's side of appointments: the booking wizard and the manage-by-link pages.

No login, no JavaScript and no session state: the wizard's choices travel in GET
parameters (office, topic, day, slot) and, once personal data is typed, in POSTed
fields. Every step reads its input through a form (``appointments.forms``) and
validates everything again; a missing or bad value sends the citizen back to the step
that can fix it, with a message. The booking itself goes through ``BookingForm.save``
and ``rules.appointment_book`` (which emails the citizen); a random token on the confirm
page makes a second click of "Book" find the booking the first one made. The private
manage link (a random token) is the secret that lets a citizen see, cancel or move a
booking.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from citizens import identity
from citizens.forms import ActionForm
from citizens.views import phone_proof
from offices import hours
from offices.models import Office, Topic

from .. import rules
from ..forms import (
    BookingForm,
    ChosenForm,
    DayForm,
    FindBookingForm,
    MoveDayForm,
    MoveForm,
    SlotForm,
    WhereForm,
    day_picker,
    free_times_label,
    time_picker,
)
from ..models import Appointment, Slot, new_submission_token

STEPS = [
    ("start", _("Place and topic")),
    ("days", _("Day")),
    ("times", _("Time")),
    ("details", _("Your details")),
    ("confirm", _("Check and confirm")),
]
# How many other free times a citizen who lost a race is offered on the details page.
ALTERNATIVES = 8


@dataclass
class Choice:
    """What the citizen has chosen so far in the wizard."""

    office: Office | None = None
    topic: Topic | None = None
    day: datetime.date | None = None
    slot: Slot | None = None

    @classmethod
    def of(cls, data):
        """The choice made by a form's valid data."""
        slot = data.get("slot")
        day = hours.localdate(slot.starts_at) if slot else data.get("day")
        return cls(office=data.get("office"), topic=data.get("topic"), day=day, slot=slot)

    def params(self, *names):
        values = {
            "office": self.office.slug if self.office else None,
            "topic": self.topic.pk if self.topic else None,
            "day": self.day.isoformat() if self.day else None,
            "slot": self.slot.pk if self.slot else None,
        }
        return {name: values[name] for name in names if values[name] is not None}

    def url(self, step, *names):
        query = urlencode(self.params(*names))
        return reverse(f"appointments:{step}") + (f"?{query}" if query else "")


def _back(request, form):
    """Send the citizen back to the step that can fix the first problem of ``form``
    (a wizard input form), keeping the valid choices, with a message."""
    choice = Choice.of(form.valid_data())
    if form.has_error("office") or form.has_error("topic"):
        url = choice.url("start", "office", "topic")
        message = _("Please choose the place and the topic first.")
    elif form.has_error("day"):
        url = choice.url("days", "office", "topic")
        message = _("Please choose a day.")
    else:
        url = choice.url("days", "office", "topic")
        message = _("That time is no longer available. Please choose another time.")
    messages.error(request, message)
    return redirect(url)


def _steps(current, choice):
    """The step indicator: earlier steps link back with the choices made so far."""
    keys = [key for key, _label in STEPS]
    params_for = {
        "start": ("office", "topic"),
        "days": ("office", "topic", "day"),
        "times": ("office", "topic", "day", "slot"),
        "details": ("office", "topic", "slot"),
    }
    steps = []
    for number, (key, label) in enumerate(STEPS, start=1):
        url = None
        if keys.index(key) < keys.index(current) and key in params_for:
            url = choice.url(key, *params_for[key])
        steps.append({"number": number, "label": label, "url": url, "current": key == current})
    return {
        "steps": steps,
        "step_number": keys.index(current) + 1,
        "step_count": len(STEPS),
        "step_label": STEPS[keys.index(current)][1],
    }


def _bookable(office):
    return rules.bookable_slots(Slot.objects.for_office(office))


def _free_days(slots):
    """[{date, count}] of the local dates with free times among ``slots`` (1 query)."""
    starts = slots.values_list("starts_at", flat=True)
    free = Counter(hours.localdate(start) for start in starts)
    return [{"date": day, "count": count} for day, count in sorted(free.items())]


def _phone_office(office):
    """The phone service to suggest when ``office`` has no free times (None for itself)."""
    if office.is_phone_service:
        return None
    return rules.bookable_offices().filter(kind=Office.Kind.PHONE_SERVICE).first()


# --- The wizard ----------------------------------------------------------------------


@require_GET
def start(request):
    """Step 1: where and what about. ``?office=<slug>`` preselects a place."""
    initial = WhereForm(request.GET).valid_data() if request.GET else {}
    form = WhereForm(initial=initial)
    return _render_start(request, form, Choice(office=initial.get("office")))


def _render_start(request, form, choice):
    context = {"form": form, **_steps("start", choice)}
    return render(request, "appointments/public/start.html", context)


@require_GET
def days(request):
    """Step 2: the days with free times in the booking window."""
    form = WhereForm(request.GET)
    if not form.is_valid():
        return _render_start(request, form, Choice())
    choice = Choice.of(form.cleaned_data)
    free_days = _free_days(_bookable(choice.office))
    context = {
        "choice": choice,
        "picker": day_picker(
            free_days,
            carried=choice.params("office", "topic"),
            chosen=ChosenForm(request.GET).chosen("day"),
        ),
        "horizon_weeks": settings.APPOINTMENT_HORIZON_WEEKS,
        "phone_office": _phone_office(choice.office),
        **_steps("days", choice),
    }
    return render(request, "appointments/public/days.html", context)


@require_GET
def times(request):
    """Step 3: the free times of the chosen day."""
    form = DayForm(request.GET)
    if not form.is_valid():
        return _back(request, form)
    choice = Choice.of(form.cleaned_data)
    slots = list(_bookable(choice.office).on_date(choice.day))
    if not slots:
        messages.error(request, _("There are no free times left on that day. Choose another day."))
        return redirect(choice.url("days", "office", "topic"))
    context = {
        "choice": choice,
        "picker": time_picker(
            slots,
            label=free_times_label(choice.day),
            carried=choice.params("office", "topic"),
            chosen=ChosenForm(request.GET).chosen("slot"),
        ),
        **_steps("times", choice),
    }
    return render(request, "appointments/public/times.html", context)


def _render_details(request, form, choice):
    """The details step; with an error on the chosen time (taken meanwhile) answered
    409 and with other free times to pick without losing what was typed."""
    alternatives = None
    status = 200
    if form.is_bound and form.has_error("slot"):
        status = 409
        # The chosen time went: offer the next free times right here, so that nothing
        # typed is lost.
        day_start, _day_end = hours.day_bounds(choice.day)
        alternatives = time_picker(
            _bookable(choice.office).filter(starts_at__gte=day_start)[:ALTERNATIVES],
            label=_("Choose another time"),
            chosen="",  # none preselected, even when there is just one
            with_date=True,
            auto_id="alternative_%s",
        )
    context = {
        "form": form,
        "choice": choice,
        "alternatives": alternatives,
        "horizon_weeks": settings.APPOINTMENT_HORIZON_WEEKS,
        "phone_office": _phone_office(choice.office),
        **_steps("details", choice),
    }
    return render(request, "appointments/public/details.html", context, status=status)


@require_GET
def details(request):
    """Step 4: name, phone, email, language and a note for the chosen time."""
    form = SlotForm(request.GET)
    if not form.is_valid():
        return _back(request, form)
    choice = Choice.of(form.cleaned_data)
    initial = {"slot": choice.slot, "topic": choice.topic, "language": get_language()[:2]}
    if citizen := identity.current(request):
        initial["name"] = citizen.name  # identified: the name is known
    booking = BookingForm(initial=initial)
    return _render_details(request, booking, choice)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request):
    """Step 5 and the booking. A POST from the details page is checked and shown for
    confirmation; a POST with ``action=book`` books; ``action=edit`` goes back to the
    details with everything kept."""
    if request.method == "GET":
        messages.error(request, _("Please fill in your details again."))
        return redirect("appointments:start")
    # The slot must exist at the chosen office; whether it is still free is the
    # booking form's business, so that a lost race keeps what the citizen typed.
    where = SlotForm(request.POST, bookable=False)
    if not where.is_valid():
        return _back(request, where)
    choice = Choice.of(where.cleaned_data)
    form = BookingForm(request.POST, identified=identity.current(request))
    action = ActionForm(request.POST).chosen()
    if action == ActionForm.EDIT or not form.is_valid():
        # A double click on "Book" after the first one booked: that booking.
        if action == ActionForm.BOOK and (appointment := form.booked_from_this_page()):
            return redirect("appointments:booked", token=appointment.manage_token)
        return _render_details(request, form, choice)
    # Nothing is stored for a number not proven in this session: the code step first.
    proof = phone_proof(request, form.cleaned_data["phone"], action=action)
    if not proof.proven:
        context = {"form": form, "choice": choice, "proof": proof, **_steps("confirm", choice)}
        return render(request, "appointments/public/code.html", context)
    if action == ActionForm.BOOK:
        appointment = form.save()
        # Lost the race for the last place, or (a double click) this very page booked
        # already: then that booking is the answer.
        appointment = appointment or form.booked_from_this_page()
        if appointment is None:
            return _render_details(request, form, choice)
        return redirect("appointments:booked", token=appointment.manage_token)
    context = {
        "form": form,
        "choice": choice,
        "summary": _summary(form.cleaned_data),
        "submission_token": new_submission_token(),
        **_steps("confirm", choice),
    }
    return render(request, "appointments/public/confirm.html", context)


def _summary(data):
    """What the confirm page shows of the cleaned details."""
    return {
        "name": data["name"],
        "phone": data["phone"].as_national,
        "email": data.get("email"),
        "language": Appointment.Language(data["language"]).label,
        "note": data.get("note"),
    }


def _appointment(token):
    """The booking whose private link this is (looked up by the token's hash); 404
    for anything else."""
    found = Appointment.objects.select_related("slot__office", "topic").by_token(token[:64])
    return get_object_or_404(found).opened_with(token)


@never_cache
@require_GET
def booked(request, token):
    """The confirmation after the booking (POST-redirect-GET): reference and manage link."""
    appointment = _appointment(token)
    if not appointment.is_active:
        return redirect(appointment)
    context = {
        "appointment": appointment,
        "manage_url": request.build_absolute_uri(appointment.get_absolute_url()),
    }
    return render(request, "appointments/public/booked.html", context)


# --- Manage by link ------------------------------------------------------------------


@require_GET
def short_link(request, token):
    """/m/<token>/: the private link as an SMS carries it (short, no language prefix),
    to the booking's page in the language the citizen chose."""
    appointment = _appointment(token)
    with translation.override(appointment.language):
        return redirect(appointment)


def _refusal_text(appointment):
    refusal = rules.change_refusal(appointment)
    return " ".join(refusal.messages) if refusal else None


@never_cache
@require_GET
def manage(request, token):
    appointment = _appointment(token)
    context = {
        "appointment": appointment,
        "locked_reason": _refusal_text(appointment),
        "manage_url": request.build_absolute_uri(appointment.get_absolute_url()),
    }
    return render(request, "appointments/public/manage.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """Cancel: a confirmation page (GET), then the POST frees the slot at once."""
    appointment = _appointment(token)
    if reason := _refusal_text(appointment):
        messages.error(request, reason)
        return redirect(appointment)
    if request.method == "POST":
        try:
            appointment = rules.appointment_cancel(appointment=appointment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(appointment)
        messages.success(request, _("Your booking has been cancelled."))
        return redirect(appointment)
    return render(request, "appointments/public/cancel.html", {"appointment": appointment})


@never_cache
@require_http_methods(["GET", "POST"])
def move(request, token):
    """Move the booking to another free time of the same place: choose a day, a time,
    then POST. If the new time cannot be taken, the booking keeps its old time."""
    appointment = _appointment(token)
    if reason := _refusal_text(appointment):
        messages.error(request, reason)
        return redirect(appointment)
    move_url = reverse("appointments:move", kwargs={"token": token})
    if request.method == "POST":
        return _move(request, appointment, move_url)

    free_slots = _bookable(appointment.slot.office).exclude(pk=appointment.slot_id)
    context = {"appointment": appointment, "move_url": move_url}
    if "day" in request.GET:
        form = MoveDayForm(request.GET)
        if form.is_valid():
            day = form.cleaned_data["day"]
            slots = list(free_slots.on_date(day))
            if slots:
                context["picker"] = time_picker(slots, label=free_times_label(day))
                return render(request, "appointments/public/move_times.html", context)
            messages.error(request, _("There are no free times left on that day."))
        else:
            messages.error(request, " ".join(form.errors["day"]))
    context["picker"] = day_picker(_free_days(free_slots))
    context["horizon_weeks"] = settings.APPOINTMENT_HORIZON_WEEKS
    return render(request, "appointments/public/move_days.html", context)


def _move(request, appointment, move_url):
    form = MoveForm(request.POST, appointment=appointment)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["slot"]))
        return redirect(move_url)
    new_slot = form.cleaned_data["slot"]
    if form.save() is None:
        messages.error(
            request,
            _("%(error)s Your booking still has its old time.")
            % {"error": " ".join(error for errors in form.errors.values() for error in errors)},
        )
        day = hours.localdate(new_slot.starts_at).isoformat()
        return redirect(f"{move_url}?{urlencode({'day': day})}")
    messages.success(request, _("Your booking has been moved to the new time."))
    return redirect(appointment)


@never_cache
@require_http_methods(["GET", "POST"])
def find(request):
    """Find a booking: the reference alone is not enough, the phone number is needed too."""
    form = FindBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(form.appointment)
    return render(request, "appointments/public/find.html", {"form": form})
