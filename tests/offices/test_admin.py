"""The offices admin as a superuser: changelists, filters and the add forms' validation."""

import datetime

import pytest

from offices.models import DateException, HoursPeriod, ServiceKind, WeeklyRule
from tests.factories import DateExceptionFactory, HoursPeriodFactory, helsinki

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser, staff_login):
    staff_login(superuser)
    return client


@pytest.fixture
def admin_at(client, superuser, pin_clock, staff_login):
    """``admin_at(helsinki(...))``: pin the clock, then log in (the session must not
    have expired at the pinned time)."""

    def at(moment):
        pin_clock(moment)
        staff_login(superuser)
        return client

    return at


def results(response):
    return list(response.context["cl"].result_list)


# --- Changelists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/offices/office/",
        "/admin/offices/office/?kind__exact=service_point&is_active__exact=1",
        "/admin/offices/office/?q=Laivurinkatu",
        "/admin/offices/hoursperiod/",
        "/admin/offices/hoursperiod/?validity=current",
        "/admin/offices/hoursperiod/?validity=past",
        "/admin/offices/dateexception/",
        "/admin/offices/dateexception/?when=past",
        "/admin/offices/dateexception/?when=all&closed__exact=1&service__exact=appointments",
        "/admin/offices/topic/",
        "/admin/offices/topic/?is_active__exact=1&q=Opiskelu",
    ],
)
def test_changelist__with_filters__renders(admin_client, offices, url):
    DateExceptionFactory(office=offices["kemi"], date=datetime.date(2027, 1, 14))

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "cl" in response.context


def test_office_changelist__filters_narrow_the_rows(admin_client, offices):
    every = results(admin_client.get("/admin/offices/office/"))
    points = results(admin_client.get("/admin/offices/office/?kind__exact=service_point"))
    found = results(admin_client.get("/admin/offices/office/?q=Meripuistokatu"))

    assert len(every) == 3
    assert {o.slug for o in points} == {"tornio", "kemi"}
    assert [o.slug for o in found] == ["kemi"]


def test_topic_changelist__lists_the_seeded_topics(admin_client, offices):
    topics = results(admin_client.get("/admin/offices/topic/"))

    assert len(topics) == 10
    assert topics[0].name_fi == "Lapsiperheet"


def test_hours_period_changelist__validity_filter(admin_at, offices):
    admin_client = admin_at(helsinki(2027, 6, 1, 10, 0))
    ended = HoursPeriodFactory(
        office=offices["kemi"],
        name="Spring",
        valid_from=datetime.date(2027, 3, 1),
        valid_until=datetime.date(2027, 5, 31),
    )

    current = results(admin_client.get("/admin/offices/hoursperiod/?validity=current"))
    past = results(admin_client.get("/admin/offices/hoursperiod/?validity=past"))

    assert ended not in current
    assert len(current) == 3  # the three seeded open-ended periods
    assert past == [ended]


def test_date_exception_changelist__by_default__only_today_and_later(admin_at, offices):
    admin_client = admin_at(helsinki(2027, 1, 14, 0, 30))  # 22:30 UTC on the 13th
    kemi = offices["kemi"]
    yesterday = DateExceptionFactory(office=kemi, date=datetime.date(2027, 1, 13))
    today = DateExceptionFactory(office=kemi, date=datetime.date(2027, 1, 14))
    later = DateExceptionFactory(office=kemi, date=datetime.date(2027, 6, 1))

    default = admin_client.get("/admin/offices/dateexception/")
    past = admin_client.get("/admin/offices/dateexception/?when=past")
    every = admin_client.get("/admin/offices/dateexception/?when=all")

    assert results(default) == [today, later]
    assert results(past) == [yesterday]
    assert results(every) == [yesterday, today, later]
    # The default choice is shown as selected in the filter.
    filter_choices = next(
        spec for spec in default.context["cl"].filter_specs if spec.parameter_name == "when"
    )
    selected = [c for c in filter_choices.choices(default.context["cl"]) if c["selected"]]
    assert len(selected) == 1
    assert "when=upcoming" in selected[0]["query_string"]


@pytest.mark.parametrize("rows", [1, 8])
def test_date_exception_changelist__query_count_does_not_grow_with_rows(
    admin_at, offices, django_assert_num_queries, rows
):
    admin_client = admin_at(helsinki(2027, 1, 4, 10, 0))
    for n in range(rows):
        office = offices["kemi"] if n % 2 else offices["tornio"]
        DateExceptionFactory(office=office, date=datetime.date(2027, 2, 1 + n))

    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(9):
        response = admin_client.get("/admin/offices/dateexception/")

    assert len(results(response)) == rows


@pytest.mark.parametrize("rows", [0, 6])
def test_hours_period_changelist__query_count_does_not_grow_with_rows(
    admin_client, offices, django_assert_num_queries, rows
):
    for n in range(rows):
        HoursPeriodFactory(
            office=offices["kemi"], name=f"P{n}", valid_from=datetime.date(2027, 1, 1 + n)
        )

    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(9):
        response = admin_client.get("/admin/offices/hoursperiod/")

    assert len(results(response)) == 3 + rows


# --- Adding an hours period with its rules ------------------------------------------------------


def _period_post(office, rules):
    data = {
        "office": office.pk,
        "name": "Kesä 2027",
        "valid_from": "2027-06-01",
        "valid_until": "2027-08-31",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, (service, weekday, opens, closes) in enumerate(rules):
        data.update(
            {
                f"rules-{index}-service": service,
                f"rules-{index}-weekday": str(weekday),
                f"rules-{index}-opens": opens,
                f"rules-{index}-closes": closes,
            }
        )
    return data


def test_hours_period_add__overlapping_rules__shows_the_error_and_saves_nothing(
    admin_client, offices
):
    periods, rules = HoursPeriod.objects.count(), WeeklyRule.objects.count()
    data = _period_post(
        offices["kemi"],
        [
            (ServiceKind.INFO_POINT, 3, "12:00", "16:00"),
            (ServiceKind.INFO_POINT, 3, "15:00", "17:00"),
        ],
    )

    response = admin_client.post("/admin/offices/hoursperiod/add/", data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert [e.code for e in formset.non_form_errors().as_data()] == ["overlap"]
    assert "12.00–16.00" in response.content.decode()
    assert HoursPeriod.objects.count() == periods
    assert WeeklyRule.objects.count() == rules


def test_hours_period_add__touching_rules__saved(admin_client, offices):
    data = _period_post(
        offices["kemi"],
        [
            (ServiceKind.INFO_POINT, 3, "09:00", "12:00"),
            (ServiceKind.INFO_POINT, 3, "12:00", "15:00"),
        ],
    )

    response = admin_client.post("/admin/offices/hoursperiod/add/", data)

    assert response.status_code == 302
    period = HoursPeriod.objects.get(name="Kesä 2027")
    assert period.rules.count() == 2


def test_hours_period_add__rule_closing_before_it_opens__error_on_the_rule(admin_client, offices):
    data = _period_post(offices["kemi"], [(ServiceKind.INFO_POINT, 3, "16:00", "12:00")])

    response = admin_client.post("/admin/offices/hoursperiod/add/", data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "closes" in formset.forms[0].errors
    assert not HoursPeriod.objects.filter(name="Kesä 2027").exists()


# --- Adding a date exception -----------------------------------------------------------------


def _exception_post(office, **fields):
    return {
        "office": office.pk,
        "date": "2027-01-14",
        "service": ServiceKind.INFO_POINT,
        "opens": "12:00",
        "closes": "14:00",
        "reason": "Koulutus",
        **fields,
    }


def test_date_exception_add__closes_before_opens__field_error_and_nothing_saved(admin_at, offices):
    admin_client = admin_at(helsinki(2027, 1, 4, 10, 0))

    response = admin_client.post(
        "/admin/offices/dateexception/add/",
        _exception_post(offices["kemi"], opens="14:00", closes="12:00"),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["closes"]
    assert 'id="id_closes_error"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    assert not DateException.objects.exists()


def test_date_exception_add__special_hours__saved(admin_at, offices):
    admin_client = admin_at(helsinki(2027, 1, 4, 10, 0))

    response = admin_client.post(
        "/admin/offices/dateexception/add/", _exception_post(offices["kemi"])
    )

    assert response.status_code == 302
    exception = DateException.objects.get()
    assert (exception.opens, exception.closes) == (datetime.time(12), datetime.time(14))
    assert exception.closed is False


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"closed": "on"}, "closed"),  # closed with times
        ({"service": ""}, "service"),  # special hours without a service
        ({"opens": ""}, "opens"),
        ({"date": "2031-01-05"}, "date"),  # more than three years ahead
    ],
)
def test_date_exception_add__invalid__error_on_the_field(admin_at, offices, fields, error_field):
    admin_client = admin_at(helsinki(2027, 1, 4, 10, 0))

    response = admin_client.post(
        "/admin/offices/dateexception/add/", _exception_post(offices["kemi"], **fields)
    )

    assert response.status_code == 200
    assert error_field in response.context["adminform"].form.errors
    assert not DateException.objects.exists()


def test_date_exception_add_form__date_defaults_to_tomorrow(admin_at, offices):
    admin_client = admin_at(helsinki(2027, 1, 4, 23, 30))  # 21:30 UTC

    response = admin_client.get("/admin/offices/dateexception/add/")

    assert response.context["adminform"].form.initial["date"] == datetime.date(2027, 1, 5)


def test_hours_period_change__rule_moved_and_new_rule_in_its_old_place__saved(
    admin_client, offices
):
    kemi = offices["kemi"]
    period = kemi.periods.get()
    thursday = period.rules.get(service=ServiceKind.INFO_POINT, weekday=3)
    others = list(period.rules.exclude(pk=thursday.pk))
    data = {
        "office": kemi.pk,
        "name": period.name,
        "valid_from": f"{period.valid_from:%Y-%m-%d}",
        "valid_until": "",
        "rules-TOTAL_FORMS": str(len(others) + 2),
        "rules-INITIAL_FORMS": str(len(others) + 1),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    rows = [
        (thursday, "14:00", "16:00"),
        *((r, f"{r.opens:%H:%M}", f"{r.closes:%H:%M}") for r in others),
    ]
    for index, (rule, opens, closes) in enumerate(rows):
        data.update(
            {
                f"rules-{index}-id": rule.pk,
                f"rules-{index}-period": period.pk,
                f"rules-{index}-service": rule.service,
                f"rules-{index}-weekday": rule.weekday,
                f"rules-{index}-opens": opens,
                f"rules-{index}-closes": closes,
            }
        )
    new = len(rows)
    data.update(
        {
            f"rules-{new}-period": period.pk,
            f"rules-{new}-service": ServiceKind.INFO_POINT,
            f"rules-{new}-weekday": 3,
            f"rules-{new}-opens": "12:00",
            f"rules-{new}-closes": "14:00",
        }
    )

    response = admin_client.post(f"/admin/offices/hoursperiod/{period.pk}/change/", data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    thursday_rules = period.rules.filter(service=ServiceKind.INFO_POINT, weekday=3)
    assert sorted((f"{r.opens:%H:%M}", f"{r.closes:%H:%M}") for r in thursday_rules) == [
        ("12:00", "14:00"),
        ("14:00", "16:00"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "date__year=9999",
        "date__year=1",
        "date__year=2026&date__month=13",
        "date__year=abc",
        "date__year=2026&date__month=2&date__day=30",
    ],
)
def test_date_exception_changelist__impossible_drill_down__redirects_not_500(admin_client, query):
    response = admin_client.get(f"/admin/offices/dateexception/?{query}")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_hours_period_changelist__year_9999__redirects_not_500(admin_client):
    response = admin_client.get("/admin/offices/hoursperiod/?valid_from__year=9999")

    assert response.status_code == 302
