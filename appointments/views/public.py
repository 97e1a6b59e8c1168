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
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from citizens import identity
from citizens.forms import ActionForm
from citizens.views import phone_proof
from offices import hours, services
from offices.links import UnknownLink
from offices.models import Office, Topic
from offices.views import private_link

from .. import notices, rules
from ..forms import (
    BookingForm,
    ChosenForm,
    DayForm,
    FindBookingForm,
    MoveDayForm,
    MoveForm,
    SlotForm,
    WhereForm,
    free_times_label,
    month_calendar,
    time_picker,
)
from ..models import Appointment, Slot, new_submission_token

STEPS = [
    ("start", _("Place and topic")),
    ("days", _("Day and time")),
    ("details", _("Your details")),
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
        "days": ("office", "topic", "day", "slot"),
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
    return _count_days(slots.values_list("starts_at", flat=True))


def _count_days(starts):
    free = Counter(hours.localdate(start) for start in starts)
    return [{"date": day, "count": count} for day, count in sorted(free.items())]


def _cached_rows(office):
    """``rules.available_rows`` of the booking window at ``office``: from the shared
    cache, no model built a time; the booking asks the database again."""
    first, last = rules.booking_days()
    return rules.available_rows(office=office, start=first, end=last)


def _rows_on(rows, day):
    """Those of ``rows`` (``_cached_rows``) that start on the local date ``day``."""
    start, end = hours.day_bounds(day)
    return [row for row in rows if start <= row[1] < end]


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
    context = {
        "form": form,
        "places": services.office_services(rules.bookable_offices()),
        **_steps("start", choice),
    }
    return render(request, "appointments/public/start.html", context)


@require_GET
def days(request):
    """Step 2: day and time on one page. A month calendar of the days with free times
    (links: no JavaScript needed), and the free times of the chosen day (by default the
    first day with free times) to choose from."""
    form = WhereForm(request.GET)
    if not form.is_valid():
        return _render_start(request, form, Choice())
    choice = Choice.of(form.cleaned_data)
    choice.day = ChosenForm(request.GET).chosen("day")
    return _render_day_and_time(request, choice)


@require_GET
def times(request):
    """Step 2 with a day given and checked (a day outside the window, or without free
    times, sends the citizen back to the calendar with a message)."""
    form = DayForm(request.GET)
    if not form.is_valid():
        return _back(request, form)
    choice = Choice.of(form.cleaned_data)
    rows = _cached_rows(choice.office)
    if not _rows_on(rows, choice.day):
        messages.error(request, _("There are no free times left on that day. Choose another day."))
        return redirect(choice.url("days", "office", "topic"))
    return _render_day_and_time(request, choice, rows)


def day_and_time(free_days, slots_of, *, day, month, day_url, month_url, carried, chosen_slot):
    """What the day-and-time page shows (the wizard's and moving's): the calendar of
    ``month`` (else of ``day``, else of the first free day) and the free times of ``day``
    (else of the first free day of that month). ``slots_of(day)`` lists a day's free
    times."""
    free = [free_day["date"] for free_day in free_days]
    if day not in free:
        day = None
    if month is not None and (day is None or day.replace(day=1) != month.replace(day=1)):
        day = next((d for d in free if d.replace(day=1) == month.replace(day=1)), None)
    if day is None and month is None and free:
        day = free[0]
    month = (month or day or (free[0] if free else hours.localdate())).replace(day=1)
    slots = list(slots_of(day)) if day else []
    return {
        "calendar": month_calendar(
            free_days, month=month, chosen=day, day_url=day_url, month_url=month_url
        ),
        "day": day,
        "has_free_days": bool(free),
        "picker": time_picker(
            slots, label=free_times_label(day), carried=carried, chosen=chosen_slot
        )
        if slots
        else None,
    }


def _render_day_and_time(request, choice, rows=None):
    rows = _cached_rows(choice.office) if rows is None else rows
    chosen = ChosenForm(request.GET)
    month, chosen_slot = chosen.chosen("month"), chosen.chosen("slot")

    def draw():
        base = reverse("appointments:days")
        where = choice.params("office", "topic")
        shown = day_and_time(
            _count_days(row[1] for row in rows),
            lambda day: rules.rows_as_slots(choice.office, _rows_on(rows, day)),
            day=choice.day,
            month=month,
            day_url=lambda day: f"{base}?{urlencode({**where, 'day': day.isoformat()})}",
            month_url=lambda m: f"{base}?{urlencode({**where, 'month': m.strftime('%Y-%m')})}",
            carried=where,
            chosen_slot=chosen_slot,
        )
        # A GET form: no CSRF token, nothing of this request's but what the key names.
        html = render_to_string(
            "appointments/public/includes/day_and_time.html",
            {**shown, "action": reverse("appointments:details"), "button": _("Continue")},
        )
        return shown["day"], shown["has_free_days"], html

    # Drawn once for everyone asking the same, until the free times change.
    parts = [get_language(), choice.topic.pk, choice.day, month, chosen_slot, hours.localdate()]
    choice.day, has_free_days, day_and_time_html = rules.drawn_from_rows(
        choice.office, rows, ":".join(map(str, parts)), draw
    )
    context = {
        "choice": choice,
        "day_and_time": day_and_time_html,
        "has_free_days": has_free_days,
        "horizon_weeks": settings.APPOINTMENT_HORIZON_WEEKS,
        # Suggested only when there is nothing to choose (no query otherwise).
        "phone_office": None if has_free_days else _phone_office(choice.office),
        **_steps("days", choice),
    }
    return render(request, "appointments/public/days.html", context)


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
        # The Book button is on this page: its token makes a second click find the
        # booking the first one made.
        "submission_token": new_submission_token(),
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
    """The booking. The details page's "Book" (``action=book``, with the page's
    submission token) books at once for a number proven in this session; an unproven
    one gets the code step first, and its "Confirm the code" then books. A POST without
    an action shows the details for checking (with "Confirm booking"); ``action=edit``
    goes back to the details with everything kept."""
    if request.method == "GET":
        messages.error(request, _("Please fill in your details again."))
        return redirect("appointments:start")
    # The slot must exist at the chosen office; whether it is still free is the
    # booking form's business, so that a lost race keeps what the citizen typed.
    where = SlotForm(request.POST, bookable=False)
    if not where.is_valid():
        return _back(request, where)
    choice = Choice.of(where.cleaned_data)
    form = BookingForm(
        request.POST, known=[choice.slot, choice.topic], identified=identity.current(request)
    )
    action = ActionForm(request.POST).chosen()
    if action == ActionForm.EDIT or not form.is_valid():
        # A double click on "Book" after the first one booked: that booking.
        if action == ActionForm.BOOK and (appointment := form.booked_from_this_page()):
            return redirect("appointments:booked", token=appointment.manage_token)
        return _render_details(request, form, choice)
    # Nothing is stored for a number not proven in this session: the code step first.
    proof = phone_proof(request, form.cleaned_data["phone"], action=action)
    if not proof.proven:
        context = {"form": form, "choice": choice, "proof": proof, **_steps("details", choice)}
        return render(request, "appointments/public/code.html", context)
    book_pressed = action == ActionForm.BOOK or (
        action == ActionForm.PROVE and form.cleaned_data.get("submission_token")
    )
    if book_pressed:
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
        **_steps("details", choice),
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
    """The booking whose private link this is (looked up by the token's hash); for
    anything else ``UnknownLink`` (the friendly 404 of ``offices.views.private_link``)."""
    found = Appointment.objects.select_related("slot__office", "topic").by_token(token[:64])
    appointment = found.first()
    if appointment is None:
        raise UnknownLink
    return appointment.opened_with(token)


@private_link
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
        "phone_service": Office.objects.active().phone_service(),
    }
    return render(request, "appointments/public/booked.html", context)


@private_link
@never_cache
@require_GET
def calendar(request, token):
    """The booking as a calendar file (.ics), the same the confirmation e-mail carries."""
    appointment = _appointment(token)
    response = HttpResponse(
        notices.calendar_file(appointment, cancelled=not appointment.is_active),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{notices.ICS_FILENAME}"'
    return response


# --- Manage by link ------------------------------------------------------------------


@private_link
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


@private_link
@never_cache
@require_GET
def manage(request, token):
    appointment = _appointment(token)
    context = {
        "appointment": appointment,
        "phone_service": Office.objects.active().phone_service(),
        "locked_reason": _refusal_text(appointment),
        "manage_url": request.build_absolute_uri(appointment.get_absolute_url()),
    }
    return render(request, "appointments/public/manage.html", context)


@private_link
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


@private_link
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
    free_days = _free_days(free_slots)
    day = None
    if "day" in request.GET:
        form = MoveDayForm(request.GET)
        if form.is_valid():
            day = form.cleaned_data["day"]
            if day not in {free_day["date"] for free_day in free_days}:
                messages.error(request, _("There are no free times left on that day."))
                day = None
        else:
            messages.error(request, " ".join(form.errors["day"]))
    # The wizard's day-and-time page, POSTing the new time here.
    shown = day_and_time(
        free_days,
        free_slots.on_date,
        day=day,
        month=ChosenForm(request.GET).chosen("month"),
        day_url=lambda day: f"{move_url}?{urlencode({'day': day.isoformat()})}",
        month_url=lambda month: f"{move_url}?{urlencode({'month': month.strftime('%Y-%m')})}",
        carried=None,
        chosen_slot=None,
    )
    context = {
        "appointment": appointment,
        "move_url": move_url,
        "horizon_weeks": settings.APPOINTMENT_HORIZON_WEEKS,
        **shown,
    }
    return render(request, "appointments/public/move.html", context)


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
    context = {"form": form, "phone_service": Office.objects.active().phone_service()}
    return render(request, "appointments/public/find.html", context)
