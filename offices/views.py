import datetime
import functools

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import hours, services
from .links import UnknownLink
from .models import Office


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
        "status": {
            service: hours.service_status(days, service, now) for service in days[0].services
        },
        "services": list(days[0].services),
    }


def office_list(request):
    offices = Office.objects.active().service_points()
    return render(request, "offices/office_list.html", {"offices": offices})


def office_detail(request, slug):
    office = get_object_or_404(Office.objects.active().service_points(), slug=slug)
    context = {
        "office": office,
        "entry": services.office_services([office])[0],
        **_two_weeks(office, timezone.now()),
    }
    return render(request, "offices/office_detail.html", context)


def phone_service(request):
    office = Office.objects.active().phone_service()
    context = {"office": office}
    if office is not None:
        context["entry"] = services.office_services([office])[0]
        context.update(_two_weeks(office, timezone.now()))
    return render(request, "offices/phone_service.html", context)


def private_link(view):
    """Decorate a view opened by a citizen's private link: a link that opens nothing
    (``offices.links.UnknownLink``) gets a page with the ways forward (find the booking,
    book again, request a callback, call), answered 404."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except UnknownLink:
            context = {"phone_service": Office.objects.active().phone_service()}
            return render(request, "link_not_found.html", context, status=404)

    return wrapped
