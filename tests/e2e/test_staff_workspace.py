"""The staff workspace in a real browser: each role logs in, lands on its staff home and
opens every entry of its menu; the entries of other roles are absent and answer 403.
Then the Kemi info-point desk from the first walk-in customer to the statistics."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from appointments import rules
from appointments.models import Appointment
from callbacks.models import CallbackRequest
from desk.models import Visit
from offices import hours
from offices.models import ServiceKind
from tests.e2e.conftest import admin_login, assert_accessible
from tests.factories import DateExceptionFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Each role: the user fixture, links its menu must hold, and staff URLs of other roles
# (absent from the menu, 403 when typed in).
ROLES = {
    "office staff": (
        "office_staff",
        ["/staff/tornio/affected/", "/staff/tornio/statistics/", "/staff/book/"],
        [
            "/staff/callbacks/",
            "/staff/callbacks/summary/",
            "/staff/identify/",
            "/staff/kemi/desk/",
            "/staff/kemi/statistics/",
            "/staff/phone/statistics/",
        ],
    ),
    "phone staff": (
        "phone_staff",
        ["/staff/callbacks/", "/staff/identify/", "/staff/book/", "/admin/"],
        [
            "/staff/kemi/desk/",
            "/staff/tornio/statistics/",
            "/staff/kemi/affected/",
        ],
    ),
    "administrator": (
        "superuser",
        [
            "/staff/callbacks/",
            "/staff/identify/",
            "/staff/book/",
            "/admin/",
            "/staff/kemi/desk/",
            "/staff/tornio/statistics/",
            "/staff/phone/statistics/",
        ],
        [],
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_staff_home__each_role__its_menu_opens_other_roles_refused(request, page, offices, role):
    fixture, expected, refused = ROLES[role]
    user = request.getfixturevalue(fixture)
    admin_login(page, user.username)

    page.goto("/staff/")
    assert user.get_full_name() in page.locator("header.staff-header").inner_text()
    links = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert_accessible(page)
    for href in links:
        response = page.goto(href)
        assert response.status == 200, href
        assert page.locator("h1, #site-name").count() >= 1, href
        if not href.startswith("/admin/"):  # the admin's own markup is Django's
            assert_accessible(page)

    assert set(expected) <= set(links), links
    for url in refused:
        assert not any(href.startswith(url) for href in links), url
        assert page.goto(url).status == 403, url
        assert page.locator("h1").count() == 1, url  # the staff 403 page, not a blank


@pytest.fixture
def kemi_desk_open(offices):
    """Kemi's info point open all of today, whatever the time the suite runs."""
    DateExceptionFactory(
        office=offices["kemi"],
        date=hours.localdate(),
        service=ServiceKind.INFO_POINT,
        closed=False,
        opens=datetime.time(0, 0),
        closes=datetime.time(23, 59),
        reason="Testi",
    )
    today = hours.localdate()
    rules.slots_generate(
        start=today, end=today + datetime.timedelta(days=21), offices=[offices["tornio"]]
    )
    return offices["kemi"]


def test_desk__two_walk_ins__booked_at_tornio_and_a_callback__counted(
    page, kemi_staff, kemi_desk_open, offices
):
    admin_login(page, "kemi-staff")
    page.goto("/staff/")
    page.click("main a[href='/staff/kemi/desk/']")
    page.wait_for_url("**/staff/kemi/desk/")
    assert_accessible(page)

    # Two customers come in: one in one step each (topic; the name is optional).
    for name in ["Ensimmäinen Asiakas", ""]:
        page.select_option("#id_topic", index=1)
        page.fill("#id_name", name)
        page.click("button[value=register]")
        page.wait_for_load_state()
    assert page.locator("#queue tbody tr").count() == 2
    assert page.locator("#queue", has_text="Ensimmäinen Asiakas").is_visible()

    # The first is called and booked at Tornio: open the screen, choose Tornio's first
    # time, fill the phone, Book; back at the desk, the visit ends as booked.
    page.click("button[value=call]")
    page.wait_for_selector("text=Ensimmäinen Asiakas")
    page.click("a[href^='/staff/book/?visit=']")
    page.wait_for_url("**/staff/book/**")
    page.select_option("#id_office", label=str(offices["tornio"]))
    page.click("form.finder button[type=submit]")
    page.wait_for_load_state()
    page.locator("ul.free-times a").first.click()
    page.wait_for_selector("#id_phone")
    assert page.input_value("#id_name") == "Ensimmäinen Asiakas"  # from the visit
    page.fill("#id_phone", "040 555 0101")
    page.click("form[method=post] button.primary")
    page.wait_for_url("**/staff/kemi/desk/")
    assert page.locator(".messagelist, [role=status]").first.is_visible()
    page.select_option("#id_outcome", "appointment")
    page.click("button[value=finish]")
    page.wait_for_load_state()

    # The second is called and a callback request is made for them.
    page.click("button[value=call]")
    page.wait_for_selector("a[href^='/staff/callback/?visit=']")
    page.click("a[href^='/staff/callback/?visit=']")
    page.wait_for_url("**/staff/callback/**")
    page.locator("input[name=window]").first.check()
    page.fill("#id_phone", "040 555 0202")
    page.check("input[name=language][value=fi]")
    page.click("form[method=post] button.primary")
    page.wait_for_url("**/staff/kemi/desk/")
    page.select_option("#id_outcome", "callback")
    page.click("button[value=finish]")
    page.wait_for_load_state()
    assert page.locator("#queue tbody tr").count() == 0

    appointment = Appointment.objects.select_related("slot__office").get()
    assert appointment.slot.office == offices["tornio"]
    assert appointment.source == Appointment.Source.DESK
    assert appointment.name == "Ensimmäinen Asiakas"
    assert str(CallbackRequest.objects.get().phone) == "+358405550202"
    outcomes = sorted(Visit.objects.values_list("outcome", flat=True))
    assert outcomes == [Visit.Outcome.APPOINTMENT, Visit.Outcome.CALLBACK]

    # The week's statistics count both visits, one per outcome, and the desk booking.
    page.goto("/staff/kemi/statistics/")
    assert_accessible(page)
    weekday = hours.localdate().isoweekday()  # the table's columns: Monday..Sunday, week
    with translation.override("fi"):
        visits = row_cells(page, gettext("Desk visits"))
        assert (visits[weekday - 1], visits[-1]) == ("2", "2")  # today, the week
        for outcome in (Visit.Outcome.APPOINTMENT, Visit.Outcome.CALLBACK):
            assert row_cells(page, f"– {outcome.label}")[weekday - 1] == "1"


def row_cells(page, label):
    """The cells of the statistics table's row headed exactly ``label``."""
    row = page.locator("table.statistics tbody tr").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]
