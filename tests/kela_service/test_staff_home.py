"""The staff home at /staff/: one page per role, every link it shows opens for that
user, and what it does not show stays closed to them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offices.models import ServiceKind
from tests.factories import (
    DateExceptionFactory,
    HoursPeriodFactory,
    OfficeFactory,
    UserFactory,
    WeeklyRuleFactory,
    helsinki,
)

pytestmark = pytest.mark.django_db

HOME = reverse("staff_home")
THURSDAY = helsinki(2026, 12, 3, 10, 0)


@pytest.fixture
def now(pin_clock, offices):
    return pin_clock(THURSDAY)


def links(page):
    """The hrefs of the home's sections (not the header)."""
    main = page.text.split('<main id="main"', 1)[1]
    return [href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"]*)"', main)]


def opened(client, urls):
    return {url: client.get(url).status_code for url in urls}


def test_office_staff__their_office_next_appointment_day_and_their_tools(
    now, client, office_staff, staff_login
):
    staff_login(office_staff)  # Tornio: appointments on Monday and Tuesday

    page = client.get(HOME)
    urls = links(page)

    assert "/staff/tornio/2026-12-07/" in urls  # Thursday: the next day with appointments
    assert "/staff/tornio/affected/" in urls
    assert "/staff/tornio/statistics/" in urls
    assert "/staff/book/" in urls
    assert not any(url.startswith(("/staff/callbacks/", "/admin/", "/staff/kemi")) for url in urls)
    assert set(opened(client, urls).values()) == {200}


def test_office_staff__kemi__the_desk_too(now, client, kemi_staff, staff_login):
    staff_login(kemi_staff)

    urls = links(client.get(HOME))

    assert "/staff/kemi/desk/" in urls
    assert set(opened(client, urls).values()) == {200}


def test_office_staff__wrong_role_urls__closed(now, client, office_staff, staff_login):
    staff_login(office_staff)

    statuses = opened(
        client,
        [
            reverse("callback_queue:queue"),
            reverse("desk:desk", args=["kemi"]),
            reverse("reports:statistics", args=["phone"]),
            reverse("staff:day", kwargs={"office": "kemi", "day": "2026-12-03"}),
        ],
    )

    assert list(statuses.values()) == [403, 403, 403, 403]


def test_phone_staff__queue_booking_admin_and_the_phone_service(
    now, client, phone_staff, staff_login
):
    staff_login(phone_staff)

    urls = links(client.get(HOME))

    assert reverse("callback_queue:queue") in urls
    assert reverse("callback_queue:summary") in urls
    assert "/staff/book/" in urls
    assert "/admin/" in urls
    assert "/staff/phone/statistics/" in urls
    assert "/staff/identify/" in urls
    assert not any(url.startswith(("/staff/tornio", "/staff/kemi")) for url in urls)
    assert set(opened(client, urls).values()) == {200}


def test_phone_staff__an_office_desk__closed(now, client, phone_staff, staff_login):
    staff_login(phone_staff)

    assert client.get(reverse("desk:desk", args=["kemi"])).status_code == 403


def test_superuser__every_office_and_tool(now, client, superuser, offices, staff_login):
    staff_login(superuser)

    urls = links(client.get(HOME))

    for office in ("tornio", "kemi", "phone"):
        assert f"/staff/{office}/statistics/" in urls
    assert "/staff/kemi/desk/" in urls
    assert set(opened(client, urls).values()) == {200}


def test_closed_sunday__the_next_open_day(pin_clock, client, office_staff, staff_login):
    pin_clock(helsinki(2026, 12, 6, 10, 0))  # Sunday, and Independence Day
    staff_login(office_staff)

    assert "/staff/tornio/2026-12-07/" in links(client.get(HOME))


def test_no_office__says_so(now, client, staff_login):
    staff_login(UserFactory(username="nobody"))

    page = client.get(HOME)

    assert page.status_code == 200
    assert "Sinua ei ole liitetty mihinkään toimipisteeseen" in page.text


def test_anonymous__to_the_login(client, db):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_header__name_offices_and_log_out_on_every_staff_page(
    now, client, office_staff, staff_login
):
    office_staff.first_name, office_staff.last_name = "Tiina", "Tornio"
    office_staff.save()
    staff_login(office_staff)

    for url in [HOME, "/staff/tornio/2026-12-07/", "/staff/tornio/statistics/", "/staff/book/"]:
        page = client.get(url)
        assert "Tiina Tornio (Tornio)" in page.text, url
        assert reverse("admin:logout") in page.text, url
        header = page.text.split("<main", 1)[0]
        assert f'href="{reverse("appointments:start")}"' not in header, url


def test_admin__view_site_leads_to_the_staff_home(now, client, superuser, staff_login):
    staff_login(superuser)

    assert 'href="/staff/"' in client.get(reverse("admin:index")).text


def test_admin__office_staff_with_nothing_there__a_link_to_the_staff_home(
    now, client, office_staff, staff_login
):
    staff_login(office_staff)

    page = client.get(reverse("admin:index"))

    assert page.status_code == 200
    assert f'<a href="{HOME}">' in page.text


def _more_offices(count):
    """``count`` service points, each with appointment hours on Mondays, every other
    one with an info point too, and a closure on the next Monday for every third."""
    for n in range(count):
        period = HoursPeriodFactory(office=OfficeFactory(slug=f"extra-{n:03d}"))
        WeeklyRuleFactory(period=period, weekday=0)
        if n % 2:
            WeeklyRuleFactory(period=period, weekday=1, service=ServiceKind.INFO_POINT)
        if not n % 3:
            DateExceptionFactory(office=period.office, date=datetime.date(2026, 12, 7))


def test_superuser__3_or_33_offices__same_query_count(
    now, client, superuser, staff_login, django_assert_num_queries
):
    staff_login(superuser)
    client.get(HOME)  # the session and permissions, as on any later visit
    with CaptureQueriesContext(connection) as three:
        client.get(HOME)
    _more_offices(30)

    with django_assert_num_queries(len(three)):
        page = client.get(HOME)

    urls = links(page)
    assert "/staff/extra-000/2026-12-14/" in urls  # closed on the 7th: the Monday after
    assert "/staff/extra-001/2026-12-07/" in urls
    assert "/staff/extra-001/desk/" in urls
    assert "/staff/extra-002/desk/" not in urls
