"""Office staff's daily appointment list: /staff/<office>/<YYYY-MM-DD>/.

A user sees the offices they are assigned to (``Office.staff``); the phone service's
list is for the "Phone service" group; a superuser sees all. Marking arrived / done /
no-show goes through ``appointments.rules.appointment_set_status``.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.records import EXPORT, access_record
from offices import hours
from offices.spreadsheets import csv_response, text_cell

from .. import notices, roles
from ..forms import MARKABLE, MarkForm
from ..models import Appointment

# A day list page: a big office's day (500 bookings) in pages of a screenful or two,
# each served as fast as a small office's whole day; the CSV holds the whole day.
DAY_PAGE_SIZE = 100


def _parse_day(day):
    """The URL's date, or 404 (not a date, or outside the years the time engine knows)."""
    parsed = hours.parse_date(day)
    if parsed is None:
        raise Http404(_("Not a date: %(day)s") % {"day": day})
    return parsed


def _day_appointments(office, day):
    return (
        Appointment.objects.for_office(office)
        .on_date(day)
        .select_related("slot", "topic")
        .order_by("slot__starts_at", "pk")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def day_list(request, office, day):
    office = roles.visible_office(request.user, office)
    day = _parse_day(day)
    if request.method == "POST":
        return _mark(request, office, day)
    day_appointments = _day_appointments(office, day)
    counts = day_appointments.aggregate(
        total=Count("pk"), active=Count("pk", filter=~Q(status=Appointment.Status.CANCELLED))
    )
    paginator = Paginator(day_appointments, DAY_PAGE_SIZE)
    paginator.count = counts["total"]  # known: not asked again
    page = paginator.get_page(request.GET.get("page"))
    appointments = list(page.object_list)
    access_record(request, appointments, office=office.slug, day=day)
    can_mark = request.user.has_perm(roles.MARK_PERMISSION)
    context = {
        "office": office,
        "day": day,
        "day_label": hours.format_date(day),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "today": hours.localdate(),
        "rows": _day_rows(appointments, can_mark),
        "page": page,
        "active_count": counts["active"],
        "can_mark": can_mark,
        "holiday": hours.holiday_name(day),
    }
    return render(request, "appointments/staff/day.html", context)


@dataclass(frozen=True)
class DayRow:
    """One line of the day list, its words translated once per page, not per row."""

    appointment: Appointment
    time: str
    channel: str
    language: str
    status: str
    # (value of the one mark form's button: "<pk>:<status>", label)
    marks: list


def _day_rows(appointments, can_mark):
    labels = {
        choices: {value: str(label) for value, label in choices.choices}
        for choices in (Appointment.Channel, Appointment.Language, Appointment.Status)
    }
    marks = [(status.value, str(status.label)) for status in MARKABLE]
    times = {}
    rows = []
    for appointment in appointments:
        slot = appointment.slot
        key = (slot.starts_at, slot.ends_at)
        if key not in times:
            times[key] = hours.format_time_range(*key)
        rows.append(
            DayRow(
                appointment=appointment,
                time=times[key],
                channel=labels[Appointment.Channel].get(appointment.channel, ""),
                language=labels[Appointment.Language].get(appointment.language, ""),
                status=labels[Appointment.Status][appointment.status],
                marks=[
                    (f"{appointment.pk}:{value}", label)
                    for value, label in marks
                    if can_mark and appointment.is_active and value != appointment.status
                ],
            )
        )
    return rows


def _mark(request, office, day):
    if not request.user.has_perm(roles.MARK_PERMISSION):
        raise PermissionDenied
    form = MarkForm(request.POST, appointments=_day_appointments(office, day), user=request.user)
    if form.has_error("appointment"):
        raise Http404(_("No such appointment."))
    appointment = form.save() if form.is_valid() else None
    if appointment is None:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        messages.success(
            request,
            _("%(time)s %(name)s: %(status)s.")
            % {
                "time": hours_minutes(appointment),
                "name": appointment.name,
                "status": appointment.get_status_display(),
            },
        )
    back = reverse("staff:day", kwargs={"office": office.slug, "day": day.isoformat()})
    page = request.GET.get("page", "")
    return redirect(f"{back}?page={page}" if page.isdigit() else back)


def hours_minutes(appointment):
    return hours.format_time(appointment.slot.starts_at)


@login_required
@require_http_methods(["GET", "HEAD"])
def affected(request, office):
    """The office's bookings whose time a change of hours closed: who was told (SMS,
    e-mail: queued, sent, failed) and who still needs a call."""
    office = roles.visible_office(request.user, office)
    appointments = list(
        Appointment.objects.affected()
        .for_office(office)
        .filter(slot__starts_at__gte=timezone.now())
        .select_related("slot", "topic")
        .order_by("slot__starts_at", "pk")
    )
    access_record(request, appointments, office=office.slug)
    told = notices.affected_messages(appointments)
    rows = [
        {
            "appointment": appointment,
            "messages": told[appointment.pk],
            "needs_call": notices.needs_call(told[appointment.pk]),
        }
        for appointment in appointments
    ]
    context = {"office": office, "rows": rows, "needs_call": sum(r["needs_call"] for r in rows)}
    return render(request, "appointments/staff/affected.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def day_csv(request, office, day):
    office = roles.visible_office(request.user, office)
    day = _parse_day(day)
    appointments = list(_day_appointments(office, day))
    access_record(request, appointments, action=EXPORT, office=office.slug, day=day)
    response, writer = csv_response(
        f"appointments-{office.slug}-{day.isoformat()}.csv",
        [
            _("Time"),
            _("Reference"),
            _("Name"),
            _("Phone"),
            _("Topic"),
            _("Channel"),
            _("Language"),
            _("Status"),
        ],
    )
    for appointment in appointments:
        writer.writerow(
            [
                hours_minutes(appointment),
                appointment.reference,
                text_cell(appointment.name),
                appointment.phone.as_national if appointment.phone else "",
                appointment.topic.name,
                appointment.get_channel_display(),
                appointment.get_language_display(),
                appointment.get_status_display(),
            ]
        )
    return response
