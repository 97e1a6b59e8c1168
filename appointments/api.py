"""Open data: free appointment times (read-only)."""

import datetime
import hashlib

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from offices import hours
from offices.api import ErrorOut, parse_range
from offices.models import Office

from . import rules

router = Router(tags=["appointments"])

# The booking horizon is 8 weeks; a little more lets a client ask for whole months.
MAX_AVAILABILITY_DAYS = 62
# Seconds a client or a shared cache may reuse an availability answer unasked.
AVAILABILITY_MAX_AGE = 30


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
def availability(
    request,
    response: HttpResponse,
    office: str,
    start: str | None = None,
    end: str | None = None,
):
    if not office:
        raise HttpError(400, _("office is required."))
    start_date, end_date = parse_range(start, end, max_days=MAX_AVAILABILITY_DAYS)
    office = _office(office)
    # From the shared cache (rules.available_slots); the booking asks the database.
    slots = rules.available_slots(office=office, start=start_date, end=end_date)
    tz = hours.local_timezone()
    rows = [
        (slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz), slot.remaining)
        for slot in slots
    ]
    etag = quote_etag(hashlib.sha256(repr(rows).encode()).hexdigest()[:32])
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        not_modified = HttpResponseNotModified()
        _cache_headers(not_modified, etag)
        return not_modified
    _cache_headers(response, etag)
    return {"slots": [{"start": s, "end": e, "remaining": r} for s, e, r in rows]}


def _cache_headers(response, etag):
    response["ETag"] = etag
    # Shared caches and clients may reuse it briefly and revalidate with the ETag; a
    # time gone meanwhile is refused by the booking, which offers others.
    response["Cache-Control"] = f"public, max-age={AVAILABILITY_MAX_AGE}"
