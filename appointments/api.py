"""Open data: free appointment times (read-only)."""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from offices import hours
from offices.api import ErrorOut, parse_range
from offices.models import Office

from . import rules
from .models import Slot

router = Router(tags=["appointments"])

# The booking horizon is 8 weeks; a little more lets a client ask for whole months.
MAX_AVAILABILITY_DAYS = 62


class SlotOut(Schema):
    start: datetime.datetime
    end: datetime.datetime
    remaining: int


class AvailabilityOut(Schema):
    slots: list[SlotOut]


def _office(value):
    offices = Office.objects.active()
    office = offices.phone_service() if value == "phone" else offices.filter(slug=value).first()
    if office is None:
        raise HttpError(404, _("Unknown office: %(office)s") % {"office": value})
    return office


@router.get(
    "/appointments/availability",
    response={200: AvailabilityOut, 400: ErrorOut, 404: ErrorOut},
    summary="Free appointment times of a service point or the phone service",
    description="Bookable slots (free, after the minimum notice, within the booking "
    "horizon) starting on local dates start..end (at most 62 days). `office` is a service "
    "point's slug or `phone`. Times are ISO 8601 with the UTC offset of Europe/Helsinki.",
)
def availability(request, office: str, start: str | None = None, end: str | None = None):
    if not office:
        raise HttpError(400, _("office is required."))
    start_date, end_date = parse_range(start, end, max_days=MAX_AVAILABILITY_DAYS)
    office = _office(office)
    slots = (
        rules.bookable_slots(Slot.objects.for_office(office))
        .between(start_date, end_date)
        .order_by("starts_at")
        .only("starts_at", "ends_at", "capacity", "booked_count")
    )
    tz = hours.local_timezone()
    return {
        "slots": [
            {
                "start": slot.starts_at.astimezone(tz),
                "end": slot.ends_at.astimezone(tz),
                "remaining": slot.remaining,
            }
            for slot in slots
        ]
    }
