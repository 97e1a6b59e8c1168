"""The citizens' free times from the shared cache: versioned keys moved on by every write
that changes them, the database when the cache is away, ETags on the API, and the
booking that always asks the database."""

import datetime
import threading
import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from appointments import rules
from appointments.models import Appointment, Slot
from appointments.views import public as public_views
from citizens import rules as citizen_rules
from offices import shared_cache
from tests.appointments.public_helpers import MONDAY, book, details, slot_on, topic, url
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

API = "/api/v1/appointments/availability"


def free_on(client, office="tornio", day=MONDAY, **headers):
    response = client.get(
        API, {"office": office, "start": day.isoformat(), "end": day.isoformat()}, **headers
    )
    assert response.status_code == 200
    return [slot["start"][11:16] for slot in response.json()["slots"]]


def times_page(client, office="tornio", day=MONDAY):
    return client.get(url("times", office=office, topic=topic().pk, day=day.isoformat()))


def test_api__asked_again__answered_from_the_cache(slots, client, django_assert_num_queries):
    first = free_on(client)

    with django_assert_num_queries(0):  # the office and its times: from the shared cache
        assert free_on(client) == first
    assert len(first) == 6


def api_status(client, office):
    day = MONDAY.isoformat()
    return client.get(API, {"office": office, "start": day, "end": day}).status_code


def test_api__office_closed_down_after_a_cached_answer__404(slots, client):
    free_on(client)  # cached under Tornio's name

    slots["tornio"].is_active = False
    slots["tornio"].save()  # as in the admin: the office's cached answers go

    assert api_status(client, "tornio") == 404


def test_api__office_renamed__old_name_404_new_name_answers(slots, client):
    first = free_on(client)

    slots["tornio"].slug = "tornio-keskusta"
    slots["tornio"].save()

    assert api_status(client, "tornio") == 404
    assert free_on(client, office="tornio-keskusta") == first


def test_api__phone_by_its_alias__from_the_cache_too(slots, client, django_assert_num_queries):
    first = free_on(client, office="phone")

    with django_assert_num_queries(0):
        assert free_on(client, office="phone") == first
    assert first


def test_api__a_wrong_hint__still_the_office_asked_for(slots, client):
    """The name-to-office hint is checked against the office the cached times belong
    to: a hint pointing at another office (as after the database was rebuilt) is not
    believed."""
    tornio = free_on(client)
    kemi = free_on(client, office="kemi")
    rules._office_hints["tornio"] = slots["kemi"].pk

    assert free_on(client) == tornio
    assert tornio != kemi
    assert rules._office_hints["tornio"] == slots["tornio"].pk


def test_api__a_stale_hint_and_nothing_cached__no_extra_query(
    slots, client, django_assert_num_queries
):
    """A hint left by an office since deleted (as between test databases, or after a
    restore) is only looked at in the cache: the office and its times, two queries."""
    rules._office_hints["tornio"] = 10**9

    with django_assert_num_queries(2):
        assert free_on(client)


def test_times_page__asked_again__answered_from_the_cache(slots, client, django_assert_num_queries):
    page = url("times", office="tornio", topic=topic().pk, day=MONDAY.isoformat())
    client.get(page)

    # the office and the topic of the form; the session, for messages (kept in the
    # session since the staff door)
    with django_assert_num_queries(3):
        response = client.get(page)

    assert response.status_code == 200
    assert "9.00–9.30" in response.text


def test_times_page__asked_again__the_calendar_and_times_drawn_once(slots, client, monkeypatch):
    times_page(client)
    monkeypatch.setattr(public_views, "day_and_time", None)  # drawing again would fail

    response = times_page(client)

    assert response.status_code == 200
    assert '<input type="radio" name="slot"' in response.text  # kept as HTML, not escaped


def test_times_page__each_language_drawn_in_its_own(slots, client):
    assert "Valitse aika" in times_page(client).text

    swedish = client.get(url("times", "sv", office="tornio", topic=topic().pk, day="2026-12-07"))

    assert "Välj en tid" in swedish.text
    assert "Valitse aika" not in swedish.text


def test_times_page__a_time_leaves_the_booking_window__no_longer_offered(
    slots, client, pin_clock, settings
):
    notice = datetime.timedelta(minutes=settings.APPOINTMENT_MIN_NOTICE_MINUTES)
    nine = helsinki(2026, 12, 7, 9, 0)
    pin_clock(nine - notice - datetime.timedelta(seconds=60))
    assert "9.00–9.30" in times_page(client).text

    # A minute later (well before the cached entry expires), nothing written.
    pin_clock(nine - notice + datetime.timedelta(seconds=1))
    page = times_page(client).text

    assert "9.00–9.30" not in page
    assert "9.30–10.00" in page


def _cancel(tornio):
    appointment = book(slot_on(tornio))
    free_on(Client())  # cached: 09:00 taken
    rules.appointment_cancel(appointment=appointment)


def _move(tornio):
    appointment = book(slot_on(tornio, index=1))
    free_on(Client())
    rules.appointment_rebook(appointment=appointment, new_slot=slot_on(tornio))


def _block(tornio):
    Slot.objects.filter(pk=slot_on(tornio).pk).update(is_blocked=False)
    free_on(Client())
    rules.slots_set_blocked(slots=Slot.objects.filter(pk=slot_on(tornio).pk), blocked=True)


def _reconcile(tornio):
    Slot.objects.filter(pk=slot_on(tornio).pk).update(is_closed=True)  # a bulk change
    free_on(Client())
    rules.slots_reconcile_horizon(offices=[tornio])  # housekeeping reopens it


# (the change, after a read cached what was before it; the first two times after it)
CHANGES = {
    "booking": (lambda tornio: book(slot_on(tornio)), ["09:30", "10:00"]),
    "cancellation": (_cancel, ["09:00", "09:30"]),
    "move": (_move, ["09:30", "10:00"]),
    "block": (_block, ["09:30", "10:00"]),
    "reconcile": (_reconcile, ["09:00", "09:30"]),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_api__cached_then_a_write__the_next_read_shows_the_write(slots, client, change):
    make_change, expected = CHANGES[change]
    free_on(client)  # cached

    make_change(slots["tornio"])

    assert free_on(client)[:2] == expected


def test_admin_block_action__the_next_read_shows_it(slots, client, superuser, staff_login):
    free_on(client)
    admin = staff_login(superuser, client=Client())

    response = admin.post(
        reverse("admin:appointments_slot_changelist"),
        {"action": "block_slots", ACTION_CHECKBOX_NAME: [slot_on(slots["tornio"]).pk]},
    )

    assert response.status_code == 302
    assert free_on(client)[0] == "09:30"


def test_cache_down__read_from_the_database_and_said_once(slots, client, redis_down, caplog):
    book(slot_on(slots["tornio"]))

    assert free_on(client)[0] == "09:30"
    assert free_on(client)[0] == "09:30"
    assert times_page(client).status_code == 200
    book(slot_on(slots["tornio"], index=1))  # the bump fails quietly too
    assert free_on(client)[0] == "10:00"
    warnings = [r for r in caplog.records if "Shared cache unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_shared_redis__two_processes_see_one_version(slots, client, settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "kela_service.cache.RedisCache", "LOCATION": redis_url}
    }
    caches["default"].clear()
    try:
        free_on(client)
        version = shared_cache.version(f"availability:{slots['tornio'].pk}")
        book(slot_on(slots["tornio"]))

        assert shared_cache.version(f"availability:{slots['tornio'].pk}") > version
        assert free_on(client)[0] == "09:30"
    finally:
        caches["default"].clear()
        caches["default"].close()


def test_bump__on_redis__moves_each_version_on_or_starts_it_at_the_clock(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "kela_service.cache.RedisCache", "LOCATION": redis_url}
    }
    caches["default"].clear()
    try:
        before = time.time_ns()
        shared_cache.bump("test:a")  # no version yet: not 1, which an old entry may carry
        started = shared_cache.version("test:a")
        assert started >= before

        shared_cache.bump("test:a", "test:b")  # one round trip for both

        assert shared_cache.version("test:a") == started + 1
        assert shared_cache.version("test:b") >= before
    finally:
        caches["default"].clear()
        caches["default"].close()


def test_api__etag__not_modified_until_a_booking(slots, client):
    first = client.get(API, {"office": "tornio", "start": MONDAY, "end": MONDAY})
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=30"

    again = client.get(
        API, {"office": "tornio", "start": MONDAY, "end": MONDAY}, HTTP_IF_NONE_MATCH=etag
    )
    book(slot_on(slots["tornio"]))
    changed = client.get(
        API, {"office": "tornio", "start": MONDAY, "end": MONDAY}, HTTP_IF_NONE_MATCH=etag
    )

    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize(
    "sent", ["W/{etag}", "{etag}", '"other", {etag}', "*"], ids=["weak", "strong", "list", "any"]
)
def test_api__if_none_match__compared_weakly__not_modified(slots, client, sent):
    # A proxy that compresses the answer may weaken its tag (W/"..."), and a client
    # sends back what it got: If-None-Match matches weakly (RFC 9110, 13.1.2).
    first = client.get(API, {"office": "tornio", "start": MONDAY, "end": MONDAY})

    again = client.get(
        API,
        {"office": "tornio", "start": MONDAY, "end": MONDAY},
        HTTP_IF_NONE_MATCH=sent.format(etag=first["ETag"]),
    )

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=30"


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_IF_UNMODIFIED_SINCE": "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"HTTP_IF_MATCH": '"something-else"'},
    ],
    ids=["if-unmodified-since", "if-match"],
)
def test_api__other_conditional_headers__ignored(slots, client, header):
    # No modification date to compare, and no write to guard: the answer, not a 412.
    response = client.get(API, {"office": "tornio", "start": MONDAY, "end": MONDAY}, **header)

    assert response.status_code == 200
    assert response.json()["slots"]


@pytest.mark.parametrize("value", ['"nonsense"', "*x", "", '"' * 300, "W/"])
def test_api__any_if_none_match__an_answer_not_a_500(slots, client, value):
    response = client.get(
        API, {"office": "tornio", "start": MONDAY, "end": MONDAY}, HTTP_IF_NONE_MATCH=value
    )

    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_stale_read_under_concurrency__the_booking_refuses_with_other_times(slots):
    """Eight citizens read the day's times (from the cache: all see 09:00), then all
    book 09:00 at once: one gets it, the others are refused by the database with other
    times to choose, nothing typed lost."""
    threads = 8
    slot = slot_on(slots["tornio"])
    Client().get(url("times", office="tornio", topic=topic().pk, day=MONDAY.isoformat()))
    barrier = threading.Barrier(threads)
    outcomes, lock = [], threading.Lock()

    def citizen(number):
        try:
            browser = Client()
            page = times_page(browser)
            offered = f'value="{slot.pk}"' in page.text
            phone = f"040 123 {4600 + number}"
            session = browser.session
            citizen_rules.prove(session, phone)
            session.save()
            barrier.wait()
            response = browser.post(
                url("confirm"), {**details(slot, phone=phone), "action": "book"}
            )
            alternatives = "alternative_" in response.text
            with lock:
                outcomes.append((offered, response.status_code, alternatives))
        finally:
            connection.close()

    workers = [threading.Thread(target=citizen, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len(outcomes) == threads
    assert all(offered for offered, _, _ in outcomes)
    assert sorted(status for _, status, _ in outcomes) == [302] + [409] * (threads - 1)
    assert all(alternatives for _, status, alternatives in outcomes if status == 409)
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert free_on(Client())[0] == "09:30"
