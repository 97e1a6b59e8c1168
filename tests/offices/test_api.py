"""The open data API: offices, hours, errors, schema and query counts."""

import datetime

import pytest

from offices.models import Office
from tests.factories import (
    DateExceptionFactory,
    HoursPeriodFactory,
    OfficeFactory,
    WeeklyRuleFactory,
    helsinki,
)

pytestmark = pytest.mark.django_db

CLOSED_KEMI_WEEK = "/api/v1/offices/kemi/hours?start=2026-12-21&end=2026-12-27"
NINE_TO_FOUR = [{"opens": "09:00", "closes": "16:00"}]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def days_by_date(payload):
    return {day["date"]: day for day in payload["days"]}


# --- /api/v1/offices ---------------------------------------------------------------------


def test_offices__lists_active_service_points_in_the_documented_shape(client, offices):
    OfficeFactory(slug="closed-down", is_active=False)

    payload = get_json(client, "/api/v1/offices")

    assert payload == [
        {
            "slug": "tornio",
            "name": "Tornio",
            "address": {"street": "Laivurinkatu 12", "postal_code": "95400", "city": "Tornio"},
            "services": ["appointments", "self_service"],
        },
        {
            "slug": "kemi",
            "name": "Kemi",
            "address": {"street": "Meripuistokatu 16", "postal_code": "94100", "city": "Kemi"},
            "services": ["appointments", "info_point"],
        },
    ]


def test_offices__query_count_does_not_grow_with_offices(
    client, offices, django_assert_num_queries
):
    with django_assert_num_queries(3):
        assert len(get_json(client, "/api/v1/offices")) == 2

    for n in range(5):
        OfficeFactory(slug=f"extra-{n}", ordering=10 + n)
    with django_assert_num_queries(3):
        assert len(get_json(client, "/api/v1/offices")) == 7


# --- Hours: the must-show facts of issue 2 --------------------------------------------------


def test_office_hours__kemi_christmas_week__no_info_point_hours_and_holidays_named(client, offices):
    days = days_by_date(get_json(client, CLOSED_KEMI_WEEK))

    assert list(days) == [f"2026-12-{n}" for n in range(21, 28)]
    assert all(day["services"]["info_point"] == [] for day in days.values())
    assert days["2026-12-24"]["holiday"] == "Jouluaatto"
    assert days["2026-12-25"]["holiday"] == "Joulupäivä"
    assert days["2026-12-24"]["working_day"] is False
    assert days["2026-12-25"]["working_day"] is False
    assert days["2026-12-21"] == {
        "date": "2026-12-21",
        "working_day": True,
        "holiday": None,
        "services": {"appointments": [], "info_point": []},
    }


def test_office_hours__kemi_january_thursday_and_friday__info_point_12_to_16(client, offices):
    payload = get_json(client, "/api/v1/offices/kemi/hours?start=2027-01-07&end=2027-01-08")

    assert [day["services"]["info_point"] for day in payload["days"]] == [
        [{"opens": "12:00", "closes": "16:00"}],
        [{"opens": "12:00", "closes": "16:00"}],
    ]
    assert [day["working_day"] for day in payload["days"]] == [True, True]


def test_office_hours__tornio_monday_and_tuesday__self_service_9_to_12(client, offices):
    payload = get_json(client, "/api/v1/offices/tornio/hours?start=2026-12-21&end=2026-12-22")

    assert [day["services"]["self_service"] for day in payload["days"]] == [
        [{"opens": "09:00", "closes": "12:00"}],
        [{"opens": "09:00", "closes": "12:00"}],
    ]


def test_office_hours__special_hours_exception__shown_as_split_hours(client, offices):
    day = datetime.date(2027, 1, 7)
    for opens, closes in [
        (datetime.time(14), datetime.time(15)),
        (datetime.time(10), datetime.time(12)),
    ]:
        DateExceptionFactory(
            office=offices["kemi"],
            date=day,
            service="info_point",
            closed=False,
            opens=opens,
            closes=closes,
        )

    payload = get_json(client, "/api/v1/offices/kemi/hours?start=2027-01-07&end=2027-01-07")

    assert payload["days"][0]["services"]["info_point"] == [
        {"opens": "10:00", "closes": "12:00"},
        {"opens": "14:00", "closes": "15:00"},
    ]
    assert payload["days"][0]["services"]["appointments"] == [{"opens": "12:00", "closes": "16:00"}]


def test_office_hours__dst_week__nine_oclock_local_on_both_sides(client, offices):
    payload = get_json(client, "/api/v1/phone-service/hours?start=2027-03-25&end=2027-03-30")

    days = days_by_date(payload)
    assert days["2027-03-25"]["services"]["phone"] == NINE_TO_FOUR
    assert days["2027-03-26"]["holiday"] is not None  # Good Friday
    assert days["2027-03-26"]["services"]["phone"] == []
    assert days["2027-03-29"]["services"]["phone"] == []  # Easter Monday
    assert days["2027-03-30"]["services"]["phone"] == NINE_TO_FOUR


def test_phone_service_hours__working_days_9_to_16_and_holidays_closed(client, offices):
    payload = get_json(client, "/api/v1/phone-service/hours?start=2026-12-21&end=2026-12-28")

    days = days_by_date(payload)
    assert [d for d, day in days.items() if day["services"]["phone"] == NINE_TO_FOUR] == [
        "2026-12-21",
        "2026-12-22",
        "2026-12-23",
        "2026-12-28",
    ]
    assert days["2026-12-24"]["holiday"] == "Jouluaatto"
    assert days["2026-12-24"]["services"] == {"appointments": [], "phone": []}


def test_phone_service_hours__not_set_up__404_json(client, db):
    payload = get_json(
        client, "/api/v1/phone-service/hours?start=2027-01-04&end=2027-01-04", status=404
    )

    assert payload["detail"]


def test_office_hours__phone_service_slug__is_not_a_service_point(client, offices):
    get_json(client, "/api/v1/offices/phone/hours?start=2027-01-04&end=2027-01-04", status=404)


@pytest.mark.parametrize("slug", ["nowhere", "closed-down"])
def test_office_hours__unknown_or_inactive_slug__404_json(client, offices, slug):
    OfficeFactory(slug="closed-down", is_active=False)

    payload = get_json(
        client, f"/api/v1/offices/{slug}/hours?start=2027-01-04&end=2027-01-04", status=404
    )

    assert payload == {"detail": "Not Found"}


# --- Bad input: 400 with a JSON message ----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",  # both missing
        "?start=2027-01-04",  # end missing
        "?end=2027-01-04",  # start missing
        "?start=&end=",
        "?start=2027-02-30&end=2027-03-01",  # no such date
        "?start=2027-13-01&end=2027-13-02",
        "?start=tomorrow&end=2027-01-04",
        "?start=04.01.2027&end=05.01.2027",  # Finnish notation
        "?start=2027-01-04T09:00&end=2027-01-05",
        "?start=2027-01-05&end=2027-01-04",  # reversed
        "?start=2028-01-01&end=2029-01-01",  # 367 days
        "?start=2026-01-01&end=2030-12-31",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/offices/kemi/hours", "/api/v1/phone-service/hours"])
def test_hours__bad_missing_reversed_or_too_long_range__400_with_a_message(
    client, offices, path, query
):
    payload = get_json(client, path + query, status=400)

    assert isinstance(payload["detail"], str)
    assert payload["detail"]


def test_hours__reversed_and_too_long__say_what_is_wrong(client, offices):
    bad_format = get_json(client, "/api/v1/offices/kemi/hours?start=x&end=y", status=400)
    reversed_ = get_json(
        client, "/api/v1/offices/kemi/hours?start=2027-01-05&end=2027-01-04", status=400
    )
    too_long = get_json(
        client, "/api/v1/offices/kemi/hours?start=2028-01-01&end=2029-01-01", status=400
    )

    assert len({bad_format["detail"], reversed_["detail"], too_long["detail"]}) == 3
    assert "366" in too_long["detail"]


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2027-01-04", "2027-01-04", 1),  # one day
        ("2028-01-01", "2028-12-31", 366),  # a leap year: the longest allowed
        ("2027-01-01", "2028-01-01", 366),
    ],
)
def test_office_hours__range_up_to_366_days__answers_each_day(client, offices, start, end, count):
    payload = get_json(client, f"/api/v1/offices/kemi/hours?start={start}&end={end}")

    assert len(payload["days"]) == count
    assert payload["days"][0]["date"] == start
    assert payload["days"][-1]["date"] == end


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("end", ["2027-01-04", "2027-02-02"])
def test_office_hours__1_or_30_days__same_query_count(
    client, offices, end, django_assert_num_queries
):
    DateExceptionFactory(office=offices["kemi"], date=datetime.date(2027, 1, 14))

    with django_assert_num_queries(4):
        get_json(client, f"/api/v1/offices/kemi/hours?start=2027-01-04&end={end}")


@pytest.mark.parametrize("end", ["2027-01-04", "2027-02-02"])
def test_phone_service_hours__1_or_30_days__same_query_count(
    client, offices, end, django_assert_num_queries
):
    with django_assert_num_queries(4):
        get_json(client, f"/api/v1/phone-service/hours?start=2027-01-04&end={end}")


# --- OpenAPI schema ----------------------------------------------------------------------------


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_schema__is_openapi_json_listing_the_offices_paths(client, db):
    schema = get_json(client, "/api/v1/schema")

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]
    assert schema["info"]["version"] == "1"
    for path in ["/api/v1/offices", "/api/v1/offices/{slug}/hours", "/api/v1/phone-service/hours"]:
        assert "get" in schema["paths"][path], path
        assert "200" in schema["paths"][path]["get"]["responses"]
    hours = schema["paths"]["/api/v1/offices/{slug}/hours"]["get"]
    assert "400" in hours["responses"]
    assert {p["name"] for p in hours["parameters"]} == {"slug", "start", "end", "lang"}
    # Every reference resolves to a component.
    components = schema["components"]["schemas"]
    for ref in _refs(schema):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in components, ref


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.mark.parametrize("path", ["/api/v1/offices/{slug}/hours", "/api/v1/phone-service/hours"])
def test_schema__hours_response__documents_days_with_date_holiday_and_services(client, db, path):
    schema = get_json(client, "/api/v1/schema")
    ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]

    hours = _resolve(schema, ok["schema"])
    day = _resolve(schema, hours["properties"]["days"]["items"])

    # Another app's schema of the same class name must not replace this one.
    assert set(day["properties"]) == {"date", "working_day", "holiday", "services"}
    assert set(day["required"]) == {"date", "working_day", "holiday", "services"}
    interval = _resolve(schema, day["properties"]["services"]["additionalProperties"]["items"])
    assert set(interval["properties"]) == {"opens", "closes"}


def test_schema__offices_response__documents_slug_name_address_services(client, db):
    schema = get_json(client, "/api/v1/schema")
    ok = schema["paths"]["/api/v1/offices"]["get"]["responses"]["200"]["content"]

    office = _resolve(schema, ok["application/json"]["schema"]["items"])

    assert set(office["properties"]) == {"slug", "name", "address", "services"}
    address = _resolve(schema, office["properties"]["address"])
    assert set(address["properties"]) == {"street", "postal_code", "city"}


def test_api__no_office_rows__offices_list_is_empty(client, db):
    assert not Office.objects.exists()
    assert get_json(client, "/api/v1/offices") == []


def test_offices__services_of_ended_periods__not_listed(client, offices, pin_clock):
    pin_clock(helsinki(2027, 9, 1, 10, 0))
    tornio = offices["tornio"]
    for name, start, end in [("Summer 2027", 6, 8), ("Winter 2028", 1, 2)]:
        year = 2028 if name.startswith("Winter") else 2027
        period = HoursPeriodFactory(
            office=tornio,
            name=name,
            valid_from=datetime.date(year, start, 1),
            valid_until=datetime.date(year, end, 28),
        )
        service = "info_point" if year == 2027 else "phone"
        WeeklyRuleFactory(period=period, service=service)

    payload = get_json(client, "/api/v1/offices")

    # The summer's info point has ended; the coming winter's hours count.
    assert payload[0]["slug"] == "tornio"
    assert payload[0]["services"] == ["appointments", "self_service", "phone"]


@pytest.mark.parametrize(
    ("lang", "name"),
    [(None, "Jouluaatto"), ("fi", "Jouluaatto"), ("sv", "Julafton"), ("en", "Christmas Eve")],
)
def test_hours__lang_parameter__names_holidays_in_that_language(client, offices, lang, name):
    query = "start=2026-12-24&end=2026-12-24" + (f"&lang={lang}" if lang else "")

    days = get_json(client, f"/api/v1/offices/kemi/hours?{query}")["days"]

    assert days[0]["holiday"] == name


def test_hours__unknown_lang__400(client, offices):
    response = client.get("/api/v1/phone-service/hours?start=2026-12-24&end=2026-12-24&lang=de")

    assert response.status_code == 400
    assert "lang" in response.json()["detail"]


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02"), ("20261221", "20261222")],
)
def test_hours__dates_outside_sane_years_or_not_iso__400_not_500(client, offices, start, end):
    response = client.get(f"/api/v1/offices/kemi/hours?start={start}&end={end}")

    assert response.status_code == 400
    assert "2000" in response.json()["detail"]
