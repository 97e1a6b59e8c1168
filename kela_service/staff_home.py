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
from desk.rules import has_desk
from offices import hours
from offices.models import ServiceKind

# How far ahead the next day with appointment hours is looked for.
LOOK_AHEAD_DAYS = 31


def next_appointment_day(office, today):
    """Today, or the next day on which ``office`` has appointment hours (today if
    none within ``LOOK_AHEAD_DAYS``)."""
    days = hours.opening_hours(office, today, today + datetime.timedelta(days=LOOK_AHEAD_DAYS))
    for day in days:
        if day.services.get(ServiceKind.APPOINTMENTS) or day.services.get(ServiceKind.PHONE):
            return day.date
    return today


def menu(request, today):
    """[(heading, [(label, url)])]: the sections of the staff home for the request's
    user."""
    user = request.user
    sections = []
    for office in appointment_roles.visible_offices(user):
        day = next_appointment_day(office, today)
        links = [
            (
                _("Appointments %(day)s") % {"day": hours.format_date(day)},
                reverse("staff:day", kwargs={"office": office.slug, "day": day.isoformat()}),
            )
        ]
        if user.has_perm(desk_roles.DESK_PERMISSION) and has_desk(office):
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
