"""The citizen's side of appointments: the booking wizard and the manage-by-link pages.

No login, no JavaScript and no session state: the wizard's choices travel in GET
parameters (office, topic, day, slot) and, once personal data is typed, in POSTed
fields. Every step validates everything again; a missing or bad value sends the citizen
back to the step that can fix it, with a message. The booking itself goes through the
shared ``AppointmentForm`` and ``rules.appointment_book`` (which emails the citizen);
a random token on the confirm page makes a second click of "Book" find the booking the
first one made. The private manage link (a random token) is the secret that lets a
citizen see, cancel or move a booking.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from offices import hours
from offices.models import Office, Topic

from . import rules
from .models import SUBMISSION_TOKEN_MAX_LENGTH, Appointment, Slot, new_submission_token
from .public_forms import BookingForm, FindBookingForm, WhereForm, bookable_offices

STEPS = [
    ("start", _("Place and topic")),
    ("days", _("Day")),
    ("times", _("Time")),
    ("details", _("Your details")),
    ("confirm", _("Check and confirm")),
]
# How many other free times a citizen who lost a race is offered on the details page.
ALTERNATIVES = 8
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
# Ids are positive integers that fit in a bigint.
MAX_ID_DIGITS = 18


class Restart(Exception):  # a control-flow signal, not an error
    """Raised by the parsers: redirect to ``url`` and show ``message``."""

    def __init__(self, url, message):
        super().__init__(message)
        self.url = url
        self.message = message


@dataclass
class Choice:
    """What the citizen has chosen so far in the wizard."""

    office: Office | None = None
    topic: Topic | None = None
    day: datetime.date | None = None
    slot: Slot | None = None

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


def _as_id(value):
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None


def _as_slug(value):
    value = (value or "").strip()
    return value if SLUG.fullmatch(value) else ""


def _as_date(value):
    try:
        return datetime.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def _window():
    """The first and last local dates of the booking window."""
    now = timezone.now()
    first = hours.localdate(
        now + datetime.timedelta(minutes=settings.APPOINTMENT_MIN_NOTICE_MINUTES)
    )
    last = hours.localdate(now + datetime.timedelta(weeks=settings.APPOINTMENT_HORIZON_WEEKS))
    return first, last


def _parse_where(data):
    """Office and topic, or Restart to step 1."""
    office = bookable_offices().filter(slug=_as_slug(data.get("office"))).first()
    topic_id = _as_id(data.get("topic"))
    topic = Topic.objects.filter(is_active=True, pk=topic_id).first() if topic_id else None
    if office is None or topic is None:
        choice = Choice(office=office, topic=topic)
        raise Restart(
            choice.url("start", "office", "topic"),
            _("Please choose the place and the topic first."),
        )
    return Choice(office=office, topic=topic)


def _parse_day(choice, data):
    """The chosen day (inside the booking window), or Restart to step 2."""
    day = _as_date(data.get("day"))
    first, last = _window()
    if day is None or not first <= day <= last:
        raise Restart(choice.url("days", "office", "topic"), _("Please choose a day."))
    choice.day = day
    return choice


def _parse_slot(choice, data, *, bookable=True):
    """The chosen slot of the chosen office. With ``bookable`` it must still be free and
    inside the booking window; otherwise Restart to step 3 (or 2)."""
    slot_id = _as_id(data.get("slot"))
    slots = Slot.objects.select_related("office").for_office(choice.office)
    if bookable:
        slots = slots.bookable()
    slot = slots.filter(pk=slot_id).first() if slot_id else None
    if slot is None:
        if choice.day:
            raise Restart(
                choice.url("times", "office", "topic", "day"),
                _("That time is no longer available. Please choose another time."),
            )
        raise Restart(
            choice.url("days", "office", "topic"),
            _("That time is no longer available. Please choose another time."),
        )
    choice.slot = slot
    choice.day = hours.localdate(slot.starts_at)
    return choice


def _restart(request, restart):
    messages.error(request, restart.message)
    return HttpResponseRedirect(restart.url)


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


def _free_days(office):
    """{local date: number of free times} of ``office`` in the booking window (1 query)."""
    starts = Slot.objects.for_office(office).bookable().values_list("starts_at", flat=True)
    return Counter(hours.localdate(start) for start in starts)


def _phone_office(office):
    """The phone service to suggest when ``office`` has no free times (None for itself)."""
    if office.is_phone_service:
        return None
    return bookable_offices().filter(kind=Office.Kind.PHONE_SERVICE).first()


# --- The wizard ----------------------------------------------------------------------


@require_GET
def start(request):
    """Step 1: where and what about. ``?office=<slug>`` preselects a place."""
    initial = {}
    office = bookable_offices().filter(slug=_as_slug(request.GET.get("office"))).first()
    if office:
        initial["office"] = office
    topic_id = _as_id(request.GET.get("topic"))
    if topic_id:
        initial["topic"] = Topic.objects.filter(is_active=True, pk=topic_id).first()
    return _render_start(request, WhereForm(initial=initial), Choice(office=office))


def _render_start(request, form, choice):
    context = {"form": form, **_steps("start", choice)}
    return render(request, "appointments/public/start.html", context)


@require_GET
def days(request):
    """Step 2: the days with free times in the booking window."""
    form = WhereForm(request.GET)
    if not form.is_valid():
        return _render_start(request, form, Choice())
    choice = Choice(office=form.cleaned_data["office"], topic=form.cleaned_data["topic"])
    chosen_day = _as_date(request.GET.get("day"))
    free = _free_days(choice.office)
    context = {
        "choice": choice,
        "days": [
            {"date": day, "count": count, "checked": day == chosen_day}
            for day, count in sorted(free.items())
        ],
        "horizon_weeks": settings.APPOINTMENT_HORIZON_WEEKS,
        "phone_office": _phone_office(choice.office),
        **_steps("days", choice),
    }
    return render(request, "appointments/public/days.html", context)


@require_GET
def times(request):
    """Step 3: the free times of the chosen day."""
    try:
        choice = _parse_day(_parse_where(request.GET), request.GET)
    except Restart as restart:
        return _restart(request, restart)
    slots = list(Slot.objects.for_office(choice.office).bookable().on_date(choice.day))
    if not slots:
        messages.error(request, _("There are no free times left on that day. Choose another day."))
        return redirect(choice.url("days", "office", "topic"))
    chosen = _as_id(request.GET.get("slot"))
    context = {"choice": choice, "slots": slots, "chosen": chosen, **_steps("times", choice)}
    return render(request, "appointments/public/times.html", context)


def _render_details(request, form, choice):
    """The details step; with an error on the chosen time (taken meanwhile) answered
    409 and with other free times to pick without losing what was typed."""
    alternatives = []
    status = 200
    if form.is_bound and form.has_error("slot"):
        status = 409
        # The chosen time went: offer the next free times right here, so that nothing
        # typed is lost.
        alternatives = list(
            Slot.objects.for_office(choice.office)
            .bookable()
            .filter(starts_at__gte=hours.local_datetime(choice.day, datetime.time.min))[
                :ALTERNATIVES
            ]
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
    try:
        choice = _parse_slot(_parse_where(request.GET), request.GET)
    except Restart as restart:
        return _restart(request, restart)
    form = BookingForm(
        initial={"slot": choice.slot, "topic": choice.topic, "language": get_language()[:2]}
    )
    return _render_details(request, form, choice)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request):
    """Step 5 and the booking. A POST from the details page is checked and shown for
    confirmation; a POST with ``action=book`` books; ``action=edit`` goes back to the
    details with everything kept."""
    if request.method == "GET":
        messages.error(request, _("Please fill in your details again."))
        return redirect("appointments:start")
    try:
        choice = _parse_where(request.POST)
        # The slot must exist at the chosen office; whether it is still free is the
        # form's business, so that a lost race keeps what the citizen typed.
        choice = _parse_slot(choice, request.POST, bookable=False)
    except Restart as restart:
        return _restart(request, restart)
    form = BookingForm(request.POST, user=None)
    action = request.POST.get("action")
    if action == "book":
        appointment = form.save() if form.is_valid() else None
        # Lost the race for the last place, or (a double click) this very page booked
        # already: then that booking is the answer.
        appointment = appointment or _booked_from_this_page(request.POST)
        if appointment is None:
            return _render_details(request, form, choice)
        return redirect("appointments:booked", token=appointment.manage_token)
    if action == "edit" or not form.is_valid():
        return _render_details(request, form, choice)
    context = {
        "form": form,
        "choice": choice,
        "summary": _summary(form.cleaned_data),
        "submission_token": new_submission_token(),
        **_steps("confirm", choice),
    }
    return render(request, "appointments/public/confirm.html", context)


def _booked_from_this_page(data):
    """The booking made with the confirm page's token, or None."""
    token = (data.get("submission_token") or "").strip()
    if not token or len(token) > SUBMISSION_TOKEN_MAX_LENGTH:
        return None
    return Appointment.objects.filter(submission_token=token).first()


def _summary(data):
    """What the confirm page shows of the cleaned details."""
    language = data.get("language") or ""
    return {
        "name": data.get("name"),
        "phone": data["phone"].as_national if data.get("phone") else "",
        "email": data.get("email"),
        "language": dict(Appointment.Language.choices).get(language, language),
        "note": data.get("note"),
    }


def _appointment(token):
    return get_object_or_404(
        Appointment.objects.select_related("slot__office", "topic"), manage_token=token[:64]
    )


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


def _why_locked(appointment):
    """Why the citizen can no longer change the booking, or None."""
    if appointment.status == Appointment.Status.CANCELLED:
        return rules.MESSAGES["not_active"]
    if appointment.status != Appointment.Status.BOOKED or appointment.has_started:
        return rules.MESSAGES["too_late"]
    return None


@never_cache
@require_GET
def manage(request, token):
    appointment = _appointment(token)
    context = {
        "appointment": appointment,
        "locked_reason": _why_locked(appointment),
        "manage_url": request.build_absolute_uri(appointment.get_absolute_url()),
    }
    return render(request, "appointments/public/manage.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """Cancel: a confirmation page (GET), then the POST frees the slot at once."""
    appointment = _appointment(token)
    reason = _why_locked(appointment)
    if reason:
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
    reason = _why_locked(appointment)
    if reason:
        messages.error(request, reason)
        return redirect(appointment)
    office = appointment.slot.office
    move_url = reverse("appointments:move", kwargs={"token": token})
    if request.method == "POST":
        slot_id = _as_id(request.POST.get("slot"))
        new_slot = Slot.objects.for_office(office).filter(pk=slot_id).first() if slot_id else None
        if new_slot is None:
            messages.error(request, _("Please choose a new time."))
            return redirect(move_url)
        try:
            appointment = rules.appointment_rebook(appointment=appointment, new_slot=new_slot)
        except ValidationError as error:
            messages.error(
                request,
                _("%(error)s Your booking still has its old time.")
                % {"error": " ".join(error.messages)},
            )
            day = hours.localdate(new_slot.starts_at).isoformat()
            return redirect(f"{move_url}?{urlencode({'day': day})}")
        messages.success(request, _("Your booking has been moved to the new time."))
        return redirect(appointment)

    free_slots = Slot.objects.for_office(office).bookable().exclude(pk=appointment.slot_id)
    day = _as_date(request.GET.get("day"))
    first, last = _window()
    context = {"appointment": appointment, "move_url": move_url}
    if day is not None and first <= day <= last:
        slots = list(free_slots.on_date(day))
        if slots:
            context.update(day=day, slots=slots)
            return render(request, "appointments/public/move_times.html", context)
        if "day" in request.GET:
            messages.error(request, _("There are no free times left on that day."))
    elif "day" in request.GET:
        messages.error(request, _("Please choose a day."))
    starts = free_slots.values_list("starts_at", flat=True)
    free = Counter(hours.localdate(start) for start in starts)
    context["days"] = [{"date": d, "count": n} for d, n in sorted(free.items())]
    context["horizon_weeks"] = settings.APPOINTMENT_HORIZON_WEEKS
    return render(request, "appointments/public/move_days.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def find(request):
    """Find a booking: the reference alone is not enough, the phone number is needed too."""
    form = FindBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(form.appointment)
    return render(request, "appointments/public/find.html", {"form": form})
