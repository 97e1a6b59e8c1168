"""Booking in three screens: place and topic; day and time; details with the summary and
the Book button. A number not yet proven in the browser adds the code step (four). Counted
in a real browser with JavaScript off, by keyboard only, in each language, on a desktop
and on a phone-sized window."""

import datetime
import re

import pytest

from appointments import rules
from appointments.models import Appointment
from offices import hours
from tests.e2e.conftest import LANGUAGE_PREFIXES, code_from_outbox

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+358401234567"


@pytest.fixture
def slots(offices):
    """Eight weeks of slots from today (real time: nothing is pinned in the browser)."""
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))
    return offices


def tab_to(page, selector, presses=150):
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{page.url}: Tab never reached {selector}")


def book_by_keyboard(page, prefix, name):
    """One booking from the first page to the confirmation, by keyboard: the list of
    the screens seen before the confirmation."""
    screens = []
    page.on(
        "framenavigated",
        lambda frame: frame == page.main_frame and screens.append(frame.url),
    )
    page.goto(f"{prefix}/appointments/?office=phone")

    # 1. Place (preselected by the link) and topic.
    tab_to(page, "input[name=topic]")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/appointments/days/**")

    # 2. Day and time on one page: the first free day is open; take another day (or the
    # next month, when this one has no other), then a time.
    tab_to(page, "table.month td.free:not(.chosen) a, .month-nav a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*(day|month)=[\d-]+$"))
    tab_to(page, "input[name=slot]")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/appointments/details/**")

    # 3. Details, the summary and Book.
    tab_to(page, "#id_name")
    page.keyboard.type(name)
    tab_to(page, "#id_phone")
    page.keyboard.type("040 123 4567")
    tab_to(page, "button[name=action][value=book]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/appointments/(confirm|booked/[-\w]+)/$"))

    # 4. Only for a number not proven in this browser: the code.
    if page.locator("#id_code").count():
        tab_to(page, "#id_code")
        page.keyboard.type(code_from_outbox(PHONE))
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/appointments/booked/[-\w]+/$"))
    # A screen is a page: choosing a day in the calendar reloads the same screen.
    paths = [re.sub(r"\?.*", "", url) for url in screens if "/booked/" not in url]
    return [path for n, path in enumerate(paths) if n == 0 or paths[n - 1] != path]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "mobile"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_booking__javascript_off_keyboard_only__four_screens_then_three_once_proven(
    browser, live_server, slots, language, width
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fi-FI",
        timezone_id="Europe/Helsinki",
        viewport={"width": width, "height": 900},
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    prefix = LANGUAGE_PREFIXES[language]
    try:
        first = book_by_keyboard(context.new_page(), prefix, "Maija Meikäläinen")
        again = book_by_keyboard(context.new_page(), prefix, "Matti Meikäläinen")
    finally:
        context.close()

    assert len(first) == 4, first  # place and topic, day and time, details, the code
    assert "/details/" in first[2]
    assert len(again) == 3, again  # the number is proven in this browser now
    assert again == [
        f"{live_server.url}{prefix}/appointments/",
        f"{live_server.url}{prefix}/appointments/days/",
        f"{live_server.url}{prefix}/appointments/details/",
    ]
    booked = Appointment.objects.filter(phone=PHONE)
    assert sorted(booked.values_list("name", flat=True)) == [
        "Maija Meikäläinen",
        "Matti Meikäläinen",
    ]
