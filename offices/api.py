"""Open data: service points and their opening hours (read-only)."""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from . import hours
from .models import HoursPeriod, Office

router = Router(tags=["offices"])

# OpenAPI names components by class name across all routers, so a second "DayOut"
# elsewhere would silently replace ours: names here carry an Office/Hours prefix.

MAX_RANGE_DAYS = 366


class OfficeAddressOut(Schema):
    street: str
    postal_code: str
    city: str


class OfficeOut(Schema):
    slug: str
    name: str
    address: OfficeAddressOut
    services: list[str]


class HoursIntervalOut(Schema):
    opens: str
    closes: str


class HoursDayOut(Schema):
    date: datetime.date
    working_day: bool
    holiday: str | None
    services: dict[str, list[HoursIntervalOut]]


class HoursOut(Schema):
    days: list[HoursDayOut]


class ErrorOut(Schema):
    detail: str


def parse_range(start, end, *, max_days=MAX_RANGE_DAYS):
    """Validate an ISO date range from query parameters; raise a 400 on bad input."""
    start_date, end_date = hours.parse_date(start), hours.parse_date(end)
    if start_date is None or end_date is None:
        raise HttpError(
            400,
            _("start and end must be dates as YYYY-MM-DD between the years %(min)d and %(max)d.")
            % {"min": hours.MIN_YEAR, "max": hours.MAX_YEAR},
        )
    if end_date < start_date:
        raise HttpError(400, _("end must not be before start."))
    if (end_date - start_date).days + 1 > max_days:
        raise HttpError(400, _("The range may be at most %(days)d days.") % {"days": max_days})
    return start_date, end_date


def _hours_payload(office, start, end, lang):
    if lang not in (None, *hours.HOLIDAY_LANGUAGES):
        raise HttpError(400, _("lang must be fi, sv or en."))
    days = hours.opening_hours(office, *parse_range(start, end), language=lang or "fi")
    return {
        "days": [
            {
                "date": day.date,
                "working_day": day.working_day,
                "holiday": day.holiday,
                "services": {
                    service: [{"opens": i.opens, "closes": i.closes} for i in intervals]
                    for service, intervals in day.services.items()
                },
            }
            for day in days
        ]
    }


@router.get("/offices", response=list[OfficeOut], summary="Service points")
def list_offices(request):
    # Services of periods that have ended are not offered any more.
    current_periods = HoursPeriod.objects.not_over(hours.localdate())
    offices = (
        Office.objects.active()
        .service_points()
        .prefetch_related(Prefetch("periods", queryset=current_periods), "periods__rules")
    )
    return [
        {
            "slug": office.slug,
            "name": office.name,
            "address": {
                "street": office.street_address,
                "postal_code": office.postal_code,
                "city": office.city,
            },
            "services": hours.offered_services(office, office.periods.all()),
        }
        for office in offices
    ]


@router.get(
    "/offices/{slug}/hours",
    response={200: HoursOut, 400: ErrorOut},
    summary="Opening hours of a service point per day",
)
def office_hours(
    request, slug: str, start: str | None = None, end: str | None = None, lang: str | None = None
):
    office = get_object_or_404(Office.objects.active().service_points(), slug=slug)
    return _hours_payload(office, start, end, lang)


@router.get(
    "/phone-service/hours",
    response={200: HoursOut, 400: ErrorOut},
    summary="Opening hours of the phone service per day",
)
def phone_service_hours(
    request, start: str | None = None, end: str | None = None, lang: str | None = None
):
    office = Office.objects.active().phone_service()
    if office is None:
        raise HttpError(404, _("The phone service is not set up."))
    return _hours_payload(office, start, end, lang)
