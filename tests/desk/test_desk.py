"""The info-point desk: register walk-ins, the queue, call next, end a visit, oral
applications; who may use it; the queue's query count; the purge."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from access.models import AccessRecord
from desk import rules
from desk.models import OralApplication, Visit
from offices.models import HoursPeriod, Office
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

# Kemi's info point is open Thursday and Friday 12-16.
THURSDAY_13 = helsinki(2026, 12, 3, 13, 0)


def desk_url(office="kemi"):
    return reverse("desk:desk", kwargs={"office": office})


@pytest.fixture
def now(pin_clock):
    return pin_clock(THURSDAY_13)


@pytest.fixture
def desk_client(client, kemi_staff, staff_login, now):
    staff_login(kemi_staff)  # at the pinned time: a staff session lasts 8 hours
    return client


def register(client, topic, name=""):
    return client.post(desk_url(), {"action": "register", "topic": topic.pk, "name": name})


def test_register__joins_the_queue_and_the_page_shows_the_wait(now, pin_clock, desk_client, topic):
    register(desk_client, topic, name="Matti")
    pin_clock(THURSDAY_13 + datetime.timedelta(minutes=7))

    page = desk_client.get(desk_url())

    assert page.status_code == 200
    assert Visit.objects.get().name == "Matti"
    assert re.search(r"13\.00</td>\s*<td>7 min</td>", page.text)
    assert "1 asiakas jonossa" in page.text


def test_register__without_a_topic__error_and_the_name_kept(now, desk_client):
    page = desk_client.post(desk_url(), {"action": "register", "topic": "", "name": "Maija"})

    assert page.status_code == 200
    assert page.context["register"].has_error("topic")
    assert 'value="Maija"' in page.text
    assert not Visit.objects.exists()


def test_register__identity_code_as_name__refused(now, desk_client, topic):
    page = register(desk_client, topic, name="131052-308T")

    assert page.context["register"].has_error("name")
    assert not Visit.objects.exists()


def test_register__info_point_closed__refused_with_the_next_opening(pin_clock, desk_client, topic):
    pin_clock(helsinki(2026, 12, 3, 10, 0))  # Thursday, before 12

    page = register(desk_client, topic)

    assert not Visit.objects.exists()
    assert "Neuvontapiste on nyt suljettu" in page.text
    assert "to 3.12.2026 12.00" in page.text


def test_call_next__longest_waiting_first_then_end_with_an_outcome(
    now, pin_clock, desk_client, kemi_staff, topic
):
    register(desk_client, topic, name="Ensimmäinen")
    pin_clock(THURSDAY_13 + datetime.timedelta(minutes=2))
    register(desk_client, topic, name="Toinen")
    pin_clock(THURSDAY_13 + datetime.timedelta(minutes=10))

    desk_client.post(desk_url(), {"action": "call"})
    first = Visit.objects.get(name="Ensimmäinen")
    page = desk_client.get(desk_url())
    ended = desk_client.post(
        desk_url(), {"action": "finish", "visit": first.pk, "outcome": "e_service"}
    )

    assert first.served_by == kemi_staff
    assert first.waited() == datetime.timedelta(minutes=10)
    assert "Ensimmäinen" in page.context["serving"].name
    assert ended.status_code == 302
    first.refresh_from_db()
    assert first.outcome == Visit.Outcome.E_SERVICE
    assert Visit.objects.waiting().get().name == "Toinen"


def test_finish__oral_application__recorded_with_the_visit(now, desk_client, kemi_staff, topic):
    register(desk_client, topic)
    desk_client.post(desk_url(), {"action": "call"})
    visit = Visit.objects.get()

    missing = desk_client.post(
        desk_url(), {"action": "finish", "visit": visit.pk, "outcome": "oral_application"}
    )
    done = desk_client.post(
        desk_url(),
        {
            "action": "finish",
            "visit": visit.pk,
            "outcome": "oral_application",
            "topic": topic.pk,
            "case_reference": "ASIA-2026-41",
        },
    )

    assert missing.status_code == 200
    assert missing.context["finish"].has_error("case_reference")
    assert done.status_code == 302
    application = OralApplication.objects.get()
    assert (application.visit, application.channel, application.taken_by) == (
        visit,
        "desk",
        kemi_staff,
    )
    assert OralApplication.objects.daily_counts(
        visit.office, datetime.date(2026, 12, 3), datetime.date(2026, 12, 3)
    ) == {(datetime.date(2026, 12, 3), "desk"): 1}


def test_finish__someone_elses_visit__404(now, client, desk_client, offices, topic, staff_login):
    register(desk_client, topic)
    colleague = UserFactory(username="colleague", groups=["Office staff"])
    offices["kemi"].staff.add(colleague)
    desk_client.post(desk_url(), {"action": "call"})
    visit = Visit.objects.get()
    staff_login(colleague)

    response = client.post(desk_url(), {"action": "finish", "visit": visit.pk, "outcome": "other"})

    assert response.status_code == 404
    assert Visit.objects.get().finished_at is None


def test_call_next__nobody_waiting__a_message(now, desk_client):
    page = desk_client.post(desk_url(), {"action": "call"}, follow=True)

    assert "Kukaan ei odota." in page.text


@pytest.mark.parametrize("action", ["", "delete", "\x00"])
def test_unknown_action__404(now, desk_client, action):
    assert desk_client.post(desk_url(), {"action": action}).status_code in (400, 404)


def test_desk__other_office_staff__403_office_without_info_point_or_unknown__404(
    now, client, office_staff, kemi_staff, staff_login
):
    staff_login(office_staff)  # Tornio's
    other_office = client.get(desk_url("kemi"))
    staff_login(UserFactory(username="both", is_superuser=True))
    no_info_point = client.get(desk_url("tornio"))
    unknown = client.get(desk_url("atlantis"))

    assert other_office.status_code == 403
    assert no_info_point.status_code == 404
    assert unknown.status_code == 404


@pytest.mark.parametrize(("last_day", "has_desk"), [(THURSDAY_13.date(), True), (None, False)])
def test_desk__info_point_hours_over__no_desk_from_the_next_day(
    now, client, kemi_staff, staff_login, last_day, has_desk
):
    # Kemi's info point hours end today (still a desk), or ended yesterday (none).
    yesterday = THURSDAY_13.date() - datetime.timedelta(days=1)
    HoursPeriod.objects.filter(office__slug="kemi").update(valid_until=last_day or yesterday)
    staff_login(kemi_staff)
    kemi = Office.objects.get(slug="kemi")

    response = client.get(desk_url("kemi"))

    assert response.status_code == (200 if has_desk else 404)
    assert rules.has_desk(kemi) is has_desk
    assert (kemi.pk in rules.offices_with_desk([kemi])) is has_desk  # the staff home's


def test_desk__phone_staff__403(now, client, phone_staff, staff_login):
    staff_login(phone_staff)

    assert client.get(desk_url()).status_code == 403


def test_desk__anonymous__to_the_login(client, offices):
    response = client.get(desk_url())

    assert response.status_code == 302
    assert "login" in response.url


def test_desk__page_view__one_access_record_row(now, desk_client, topic):
    desk_client.get(desk_url())

    row = AccessRecord.objects.get(action=AccessRecord.Action.VIEW)
    assert (row.office, row.username, row.day) == ("kemi", "kemi-staff", datetime.date(2026, 12, 3))


@pytest.mark.parametrize("waiting", [1, 500])
def test_desk__queries__the_same_for_1_and_500_waiting(
    now, desk_client, kemi_staff, offices, topic, waiting, django_assert_num_queries
):
    Visit.objects.bulk_create(
        Visit(office=offices["kemi"], topic=topic, arrived_at=THURSDAY_13) for _ in range(waiting)
    )
    desk_client.get(desk_url())  # warm the session and the hours

    # session, user, permissions (2), groups, office, has an info point, queue, count,
    # serving, access record, hours (3), served today, oral today, topics (the form),
    # the staff header's offices
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(19):
        page = desk_client.get(desk_url())

    assert page.context["waiting_count"] == waiting


def test_purge__names_blanked_counts_kept(now, offices, topic):
    old = Visit.objects.create(
        office=offices["kemi"], topic=topic, name="Vanha", arrived_at=THURSDAY_13
    )

    purged = rules.visits_purge(before=THURSDAY_13 + datetime.timedelta(days=1))

    old.refresh_from_db()
    assert purged == 1
    assert old.name == ""
    assert old.anonymised_at is not None
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("staff", [4])
def test_call_next__staff_calling_at_once__each_gets_a_different_customer(offices, topic, staff):
    users = [UserFactory(username=f"desk-{n}") for n in range(staff)]
    for _ in range(staff):
        Visit.objects.create(office=offices["kemi"], topic=topic)
    called = []
    barrier = threading.Barrier(staff)

    def call(user):
        try:
            barrier.wait()
            called.append(rules.visit_call_next(office=offices["kemi"], user=user).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(called) == sorted(Visit.objects.values_list("pk", flat=True))
    assert Visit.objects.waiting().count() == 0
