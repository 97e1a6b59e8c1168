"""The staff home at /staff/: one page per role, with the way to each staff tool.

Office staff see their offices' day lists (the next day with appointment hours when
today has none), their desk where the office has an info point, bookings affected by
closures, statistics, and booking for a customer; phone staff the callback queue,
booking for a caller, the phone service's lists and the admin; superusers everything.
Only what the user may open is listed: every link answers 200 for them.
"""

import datetime

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appointments import roles as appointment_roles
from desk import roles as desk_roles
from desk.rules import offices_with_desk
from offices import hours
from offices.models import ServiceKind

# How far ahead the next day with appointment hours is looked for.
LOOK_AHEAD_DAYS = 31


def next_appointment_days(offices, today):
    """{office pk: today, or the next day on which it has appointment hours (today if
    none within ``LOOK_AHEAD_DAYS``)}, for all of ``offices`` in a few queries."""
    found = {}
    end = today + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    for pk, days in hours.opening_hours_of(offices, today, end).items():
        found[pk] = next(
            (
                day.date
                for day in days
                if day.services.get(ServiceKind.APPOINTMENTS) or day.services.get(ServiceKind.PHONE)
            ),
            today,
        )
    return found


def menu(request, today):
    """[(heading, [(label, url)])]: the sections of the staff home for the request's
    user."""
    user = request.user
    sections = []
    offices = list(appointment_roles.visible_offices(user))
    days = next_appointment_days(offices, today)
    desks = offices_with_desk(offices) if user.has_perm(desk_roles.DESK_PERMISSION) else set()
    for office in offices:
        day = days[office.pk]
        links = [
            (
                _("Appointments %(day)s") % {"day": hours.format_date(day)},
                reverse("staff:day", kwargs={"office": office.slug, "day": day.isoformat()}),
            )
        ]
        if office.pk in desks:
            links.append((_("Info-point desk"), reverse("desk:desk", args=[office.slug])))
        links += [
            (_("Bookings affected by closures"), reverse("staff:affected", args=[office.slug])),
            (_("Statistics"), reverse("reports:statistics", args=[office.slug])),
        ]
        sections.append((str(office), links))
    tools = []
    if user.has_perm("callbacks.view_callbackrequest"):
        tools += [
            (_("Callback queue"), reverse("callback_queue:queue")),
            (_("Callbacks of the day"), reverse("callback_queue:summary")),
        ]
    if user.has_perm("citizens.identify_caller"):
        tools.append((_("Identify a caller"), reverse("staff_identify")))
    if user.has_perm(appointment_roles.BOOK_FOR_CUSTOMER_PERMISSION):
        tools.append((_("Book for a customer"), reverse("desk:book")))
    # The admin only for those who would find something there (not office staff).
    if user.is_staff and admin.site.get_app_list(request):
        tools.append((_("Administration"), reverse("admin:index")))
    if tools:
        sections.insert(0, (_("Tools"), tools))
    return sections


@login_required
@require_GET
def home(request):
    today = hours.localdate()
    return render(request, "staff/home.html", {"sections": menu(request, today)})
