"""Open data: free appointment times (read-only)."""

import datetime
import hashlib
import json

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from offices import hours
from offices.api import ErrorOut, parse_range

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
    office: str,
    start: str | None = None,
    end: str | None = None,
):
    if not office:
        raise HttpError(400, _("office is required."))
    start_date, end_date = parse_range(start, end, max_days=MAX_AVAILABILITY_DAYS)
    # From the shared cache (rules.available_rows_named), with no query while it holds
    # them; the booking asks the database.
    rows = rules.available_rows_named(office, start=start_date, end=end_date)
    if rows is None:
        raise HttpError(404, _("Unknown office: %(office)s") % {"office": office})
    tz = hours.local_timezone()
    # AvailabilityOut's JSON, written here: the schema documents it, and a thousand
    # rows need no validating of what this code has just built.
    body = json.dumps(
        {
            "slots": [
                {
                    "start": starts_at.astimezone(tz).isoformat(),
                    "end": ends_at.astimezone(tz).isoformat(),
                    "remaining": capacity - booked_count,
                }
                for _, starts_at, ends_at, capacity, booked_count in rows
            ]
        }
    ).encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    if _unchanged(etag, request.headers.get("If-None-Match", "")):
        answer = HttpResponseNotModified()
    else:
        answer = HttpResponse(body, content_type="application/json; charset=utf-8")
    _cache_headers(answer, etag)
    return answer


def _unchanged(etag, if_none_match):
    """Whether If-None-Match names ``etag``, compared weakly as RFC 9110 (13.1.2) asks:
    a W/ tag that a compressing proxy made of ours matches too, and so does "*". Only
    this header: the answer has no modification date for If-Unmodified-Since, and
    If-Match is for writes (Django's get_conditional_response would answer 412)."""
    tags = parse_etags(if_none_match)
    return tags == ["*"] or etag.removeprefix("W/") in {t.removeprefix("W/") for t in tags}


def _cache_headers(response, etag):
    response["ETag"] = etag
    # Shared caches and clients may reuse it briefly and revalidate with the ETag; a
    # time gone meanwhile is refused by the booking, which offers others.
    response["Cache-Control"] = f"public, max-age={AVAILABILITY_MAX_AGE}"
