"""What bench/ratios.py's requests need, prepared inside Django; prints it as JSON.

A staff session (a superuser), citizen sessions each holding one proven number and the
free slot it will book, the pages' parameters, and the one-INSERT view's table.
"""

import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from appointments import notices, rules  # noqa: E402
from appointments.models import Appointment, Slot  # noqa: E402
from bench.proven import proven_session  # noqa: E402
from notifications.models import Message  # noqa: E402
from offices import hours  # noqa: E402
from offices.models import Office, Topic  # noqa: E402

CITIZENS = 4000
BENCH_PREFIX = "+35846"
FILL_PREFIX = "+35845"
# A changelist's first page (the admin's list_per_page).
PAGE = 100


def staff_session():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    # Past the second factor, as after entering the authenticator app's code.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def citizens():
    slots = list(
        rules.bookable_slots(Slot.objects.filter(office__kind=Office.Kind.SERVICE_POINT))
        .select_related("office")
        .order_by("?")[:CITIZENS]
    )
    # Numbers no earlier run booked with (the bench books them in order): a number at
    # its limit of upcoming bookings would get the form again, not a booking.
    first = Appointment.objects.filter(phone__startswith=BENCH_PREFIX).count()
    prepared = []
    for n, slot in enumerate(slots, start=first):
        phone = f"{BENCH_PREFIX}{n:07d}"
        prepared.append(
            {
                "session": proven_session(phone),
                "phone": phone,
                "slot": slot.pk,
                "office": slot.office.slug,
            }
        )
    return prepared


def fill_first_pages():
    """Bookings, and their messages, up to a first page of the admin's appointment list
    (this week's) and message list where the set has fewer (the two-office set): a
    list's growth from two offices to national scale then compares full pages, not an
    empty list with a full one. This week's free times first, then, as a real week has,
    cancellations whose times are booked again, until the week fills a page (two offices
    have fewer free times a week than a page has rows); later times until the messages
    fill a page. Returns how many were booked."""
    today = hours.localdate()
    start, end = hours.day_bounds(today, today + datetime.timedelta(days=6))
    week = Appointment.objects.filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
    topic = Topic.objects.filter(is_active=True).order_by("ordering", "pk").first()
    free = rules.bookable_slots(Slot.objects.select_related("office")).order_by("starts_at")
    free_this_week = free.filter(starts_at__lt=end)
    booked = 0
    while (wanted := PAGE - week.count()) > 0:
        if not free_this_week.exists():  # free some of the week's times to book again
            cancellable = week.filter(
                phone__startswith=FILL_PREFIX,
                status=Appointment.Status.BOOKED,
                slot__starts_at__gt=timezone.now() + datetime.timedelta(hours=3),
            ).order_by("slot__starts_at")
            # Only bookings whose link this run's key opens (not an earlier key's).
            cancelled = [a for a in cancellable if a.manage_token][:wanted]
            with transaction.atomic():
                for appointment in cancelled:
                    rules.appointment_cancel(appointment=appointment, by=None)
            if not free_this_week.exists():
                print(f"The week's page stays {wanted} rows short.", file=sys.stderr)
                break
        booked += _load(list(free_this_week[:wanted]), topic)
    if (wanted := PAGE - Message.objects.count()) > 0:
        booked += _load(list(free[:wanted]), topic)
    return booked


def _load(slots, topic):
    first = Appointment.objects.filter(phone__startswith=FILL_PREFIX).count()
    loads = [
        rules.Load(slot=slot, name="Bench Asiakas", phone=f"{FILL_PREFIX}{n:07d}", topic=topic)
        for n, slot in enumerate(slots, start=first)
    ]
    with transaction.atomic():
        for appointment in rules.appointments_load(bookings=loads):
            notices.notify_citizen(appointment, notices.CONFIRMED)
    return len(loads)


def main():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, at timestamptz)"
        )
    today = hours.localdate()
    # The national set's first generated service point; on the two-office set, Tornio.
    office = (
        Office.objects.filter(slug="palvelupiste-001").first()
        or Office.objects.filter(kind=Office.Kind.SERVICE_POINT).order_by("ordering").first()
    )
    first_free = rules.bookable_slots(Slot.objects.for_office(office)).order_by("starts_at").first()
    day = hours.localdate(first_free.starts_at)
    busiest = (
        Appointment.objects.filter(slot__starts_at__gte=hours.day_bounds(today)[0])
        .values("slot__office__slug", "slot__starts_at__date")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    topic = Topic.objects.filter(is_active=True).order_by("ordering", "pk").first()
    filled = fill_first_pages()
    print(
        json.dumps(
            {
                "filled": filled,
                "staff_session": staff_session(),
                "citizens": citizens(),
                "topic": topic.pk,
                "api": {
                    "office": office.slug,
                    "start": today.isoformat(),
                    "end": (today + datetime.timedelta(days=13)).isoformat(),
                },
                "times": {"office": office.slug, "topic": topic.pk, "day": day.isoformat()},
                "day_list": f"/staff/{busiest['slot__office__slug']}/"
                f"{busiest['slot__starts_at__date'].isoformat()}/",
            }
        )
    )


if __name__ == "__main__":
    main()
