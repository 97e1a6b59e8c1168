"""Booking for a customer, fast: one screen at /staff/book/ for phone staff (from the
callback queue or on their own) and office staff (from the desk or on their own).

The next free times come first; typing narrows them (``appointments.rules.slots_search``:
"huomenna", "ti", "3.12", "Kemi", "9:30"). Choosing a time opens the details, prefilled
from the callback request or desk visit the booking starts from; "Book" writes through
the same form and rule as every other booking (``AppointmentForm``, ``appointment_book``),
held to the same capacity and caps. From a callback request: three actions (open the
screen, choose a time, Book). Office staff book for their own offices and the phone
service, and for every office when the booking is for the walk-in customer they serve.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appointments import roles as appointment_roles
from appointments import rules as appointment_rules
from appointments.forms import AppointmentForm
from appointments.models import Appointment, Slot
from offices.roles import is_phone_staff

from .forms import StartForm

# How many free times the screen offers at once.
RESULTS = 12


def _source(user, start):
    if start.for_visit is not None:
        return Appointment.Source.DESK
    if start.for_callback is not None or is_phone_staff(user):
        return Appointment.Source.PHONE_STAFF
    return Appointment.Source.DESK


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def book(request):
    if not request.user.has_perm(appointment_roles.BOOK_FOR_CUSTOMER_PERMISSION):
        raise PermissionDenied
    start = StartForm(request.GET, user=request.user)
    start.is_valid()  # a bad parameter is dropped, never a 500: cleaned_data holds the rest
    free = appointment_rules.bookable_slots(
        Slot.objects.filter(office__in=start.offices), citizen=False
    ).select_related("office")
    found = appointment_rules.slots_search(free, start.cleaned_data.get("q", ""))
    if office := start.cleaned_data.get("office"):
        found = found.filter(office=office)
    slot = start.cleaned_data.get("slot")
    form = None
    if slot is not None:
        form = AppointmentForm(
            request.POST or None,
            initial={"slot": slot, **start.prefill()},
            user=request.user,
            slot_queryset=free,
            source=_source(request.user, start),
        )
        if request.method == "POST" and form.is_valid() and (appointment := form.save()):
            messages.success(
                request,
                _("Booked: %(slot)s, %(name)s. Booking reference %(reference)s.")
                % {
                    "slot": appointment.slot,
                    "name": appointment.name,
                    "reference": appointment.reference,
                },
            )
            return redirect(start.next_url(request))
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "start": start,
        "results": list(found.order_by("starts_at", "office__name")[:RESULTS]),
        "slot": slot,
        "form": form,
        "carried": start.carried(),
    }
    return render(request, "desk/book.html", context)
