import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import hours
from .models import Office


def _service_status(office_hours, now):
    """For each service: the interval open now, else the next opening."""
    status = {}
    upcoming = [
        (day.date, service, interval)
        for day in office_hours
        for service, intervals in day.services.items()
        for interval in intervals
    ]
    for service in office_hours[0].services:
        current = next((i for _, s, i in upcoming if s == service and i.contains(now)), None)
        following = next((i for _, s, i in upcoming if s == service and i.start > now), None)
        status[service] = {"open_now": current, "next": following}
    return status


def _two_weeks(office, now):
    """This week's and next week's hours (Monday to Sunday) and the service status.

    The status looks two full weeks ahead of today, beyond the two weeks shown: on a
    Sunday the page ends tomorrow, but the next opening may be ten days away.
    """
    today = hours.localdate(now)
    monday = today - datetime.timedelta(days=today.weekday())
    days = hours.opening_hours(office, monday, today + datetime.timedelta(days=14))
    return {
        "weeks": [days[:7], days[7:14]],
        "today": today,
        "status": _service_status(days, now),
        "services": list(days[0].services),
    }


def office_list(request):
    offices = Office.objects.active().service_points()
    return render(request, "offices/office_list.html", {"offices": offices})


def office_detail(request, slug):
    office = get_object_or_404(Office.objects.active().service_points(), slug=slug)
    context = {"office": office, **_two_weeks(office, timezone.now())}
    return render(request, "offices/office_detail.html", context)


def phone_service(request):
    office = Office.objects.active().phone_service()
    context = {"office": office}
    if office is not None:
        context.update(_two_weeks(office, timezone.now()))
    return render(request, "offices/phone_service.html", context)
