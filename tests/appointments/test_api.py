import datetime

import pytest

from tests.factories import helsinki

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments/availability"


def test_availability__lists_bookable_slots_with_local_times(
    now, client, kemi, tornio, make_slot, book
):
    make_slot(kemi, helsinki(2026, 12, 3, 9, 30))  # within the minimum notice
    free = make_slot(kemi, helsinki(2026, 12, 3, 12, 0), capacity=3)
    book(free)
    book(make_slot(kemi, helsinki(2026, 12, 3, 12, 30)))  # full
    make_slot(kemi, helsinki(2026, 12, 3, 13, 0), is_blocked=True)
    make_slot(kemi, helsinki(2026, 12, 4, 15, 30))
    make_slot(kemi, helsinki(2026, 12, 10, 12, 0))  # after the range
    make_slot(tornio, helsinki(2026, 12, 3, 12, 0))  # another office

    response = client.get(URL, {"office": "kemi", "start": "2026-12-03", "end": "2026-12-04"})

    assert response.status_code == 200
    assert response.json() == {
        "slots": [
            {
                "start": "2026-12-03T12:00:00+02:00",
                "end": "2026-12-03T12:30:00+02:00",
                "remaining": 2,
            },
            {
                "start": "2026-12-04T15:30:00+02:00",
                "end": "2026-12-04T16:00:00+02:00",
                "remaining": 1,
            },
        ]
    }


def test_availability__phone__lists_the_phone_service(now, client, phone_office, make_slot):
    make_slot(phone_office, helsinki(2026, 12, 4, 9, 0))

    response = client.get(URL, {"office": "phone", "start": "2026-12-04", "end": "2026-12-04"})

    assert len(response.json()["slots"]) == 1


@pytest.mark.parametrize("count", [1, 50])
def test_availability__query_count__does_not_grow_with_slots(
    now, client, phone_office, make_slot, django_assert_num_queries, count
):
    start = helsinki(2026, 12, 7, 9, 0)
    for number in range(count):
        make_slot(phone_office, start + datetime.timedelta(minutes=5 * number), minutes=5)

    with django_assert_num_queries(2):
        response = client.get(URL, {"office": "phone", "start": "2026-12-07", "end": "2026-12-31"})

    assert len(response.json()["slots"]) == count


@pytest.mark.parametrize(
    "params",
    [
        {"office": "kemi", "start": "3.12.2026", "end": "2026-12-04"},
        {"office": "kemi", "start": "2026-12-04", "end": "2026-12-03"},
        {"office": "kemi", "start": "2026-12-01", "end": "2027-02-01"},
        {"office": "kemi"},
        {"start": "2026-12-03", "end": "2026-12-04"},
    ],
)
def test_availability__bad_input__is_a_400_with_json(now, client, offices, params):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert "detail" in response.json()


def test_availability__unknown_office__is_a_404(now, client, offices):
    response = client.get(URL, {"office": "oulu", "start": "2026-12-03", "end": "2026-12-04"})

    assert response.status_code == 404
    assert "oulu" in response.json()["detail"]


@pytest.mark.parametrize(
    ("start", "end"), [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02")]
)
def test_availability__date_outside_the_known_years__is_a_400(now, client, offices, start, end):
    response = client.get(URL, {"office": "kemi", "start": start, "end": end})

    assert response.status_code == 400
    assert "detail" in response.json()
