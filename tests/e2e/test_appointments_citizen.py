"""A citizen books, sees the confirmation, opens the manage link and cancels: in a real
browser, without JavaScript needs, with axe-core on every public booking page."""

import datetime
import re

import pytest

from appointments import rules
from appointments.models import Appointment, Slot
from offices import hours
from offices.models import Topic
from tests.e2e.conftest import LANGUAGE_PREFIXES, assert_accessible, enter_sms_code

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "fi": {
        "continue": "Jatka",
        "book": "Varaa aika",
        "booked": "Aikasi on varattu",
        "cancel": "Peru varaus",
        "yes": "Kyllä, peru varaus",
        "cancelled": "Varauksesi on peruttu.",
        "move": "Siirrä toiseen aikaan",
        "find": "Hae varauksesi",
    },
    "sv": {
        "continue": "Fortsätt",
        "book": "Boka tiden",
        "booked": "Din tid är bokad",
        "cancel": "Avboka",
        "yes": "Ja, avboka",
        "cancelled": "Din bokning har avbokats.",
        "move": "Flytta till en annan tid",
        "find": "Hitta din bokning",
    },
    "en": {
        "continue": "Continue",
        "book": "Book the appointment",
        "booked": "Your appointment is booked",
        "cancel": "Cancel booking",
        "yes": "Yes, cancel the booking",
        "cancelled": "Your booking has been cancelled.",
        "move": "Move to another time",
        "find": "Find your booking",
    },
}


@pytest.fixture
def slots(offices):
    """Eight weeks of slots from today (real time: nothing is pinned in the browser)."""
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))
    return offices


def continue_(page, text):
    page.get_by_role("button", name=text["continue"], exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_citizen__books_sees_reference_opens_manage_link_and_cancels__every_page_axe_clean(
    page, slots, language
):
    text = TEXT[language]
    prefix = LANGUAGE_PREFIXES[language]

    # 1. Where and what.
    page.goto(f"{prefix}/appointments/?office=phone")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("[aria-current=step]").count() == 1
    assert_accessible(page)
    page.locator("input[name=topic]").first.check()
    continue_(page, text)

    # 2. Day and time on one page: a day from the calendar, then a time.
    assert "/appointments/days/" in page.url
    assert page.locator("table.month").count() == 1
    assert_accessible(page)
    with page.expect_navigation():  # the chosen day's page, not the old one
        page.locator("table.month td.free a").last.click()
    assert page.locator("table.month [aria-current=date]").count() == 1
    assert_accessible(page)
    page.locator("input[name=slot]").first.check()
    continue_(page, text)

    # 3. Details with the summary and Book: first an empty submit shows the linked error
    # summary, then the real thing.
    assert "/appointments/details/" in page.url
    assert_accessible(page)
    book = page.get_by_role("button", name=text["book"], exact=True)
    book.click()
    page.wait_for_selector("#error-summary")
    assert page.locator(".error-summary a[href='#id_name']").count() == 1
    assert_accessible(page)
    page.fill("#id_name", "Maija Meikäläinen")
    page.fill("#id_phone", "040 123 4567")
    page.fill("#id_email", "maija@example.com")
    page.fill("#id_note", "Asumistuki")
    assert page.locator(f"input[name=language][value={language}]").is_checked()
    page.get_by_role("button", name=text["book"], exact=True).click()

    # The number is proven by the code its SMS brought, and that books.
    enter_sms_code(page)

    # The confirmation, after a redirect: reference and the private link.
    page.wait_for_url(re.compile(r".*/appointments/booked/[-\w]+/$"))
    appointment = Appointment.objects.get(name="Maija Meikäläinen")
    assert page.locator("h1").inner_text() == text["booked"]
    assert appointment.reference in page.locator(".big-reference").inner_text()
    assert appointment.language == language
    assert appointment.booked_by is None
    assert_accessible(page)
    # With JavaScript the print button shows; the calendar file is the booking's.
    assert page.locator("button[data-print]").is_visible()
    ics = page.request.get(page.locator("a[href$='calendar.ics']").get_attribute("href"))
    assert ics.ok
    assert f"UID:{appointment.reference}@kela-service" in ics.text()

    # The manage link.
    page.locator(".manage-link a").click()
    page.wait_for_url(f"**{prefix}/appointments/manage/{appointment.manage_token}/")
    assert_accessible(page)

    # Moving: the same day-and-time page passes axe too (then go back).
    page.get_by_role("link", name=text["move"]).click()
    page.wait_for_url("**/move/")
    assert page.locator("table.month").count() == 1
    assert_accessible(page)
    with page.expect_navigation():  # the chosen day's page, not the old one
        page.locator("table.month td.free a").last.click()
    assert page.locator("input[name=slot]").count() >= 1
    assert_accessible(page)
    page.goto(f"{prefix}/appointments/manage/{appointment.manage_token}/")

    # Cancel, with a confirmation step.
    page.get_by_role("link", name=text["cancel"]).click()
    page.wait_for_url("**/cancel/")
    assert_accessible(page)
    page.get_by_role("button", name=text["yes"]).click()
    page.wait_for_url(f"**{prefix}/appointments/manage/{appointment.manage_token}/")
    assert page.get_by_text(text["cancelled"]).is_visible()
    assert_accessible(page)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert Slot.objects.get(pk=appointment.slot_id).booked_count == 0

    # Find a booking: reference and phone number.
    page.goto(f"{prefix}/appointments/find/")
    assert page.locator("h1").inner_text() == text["find"]
    assert_accessible(page)
    page.fill("#id_reference", appointment.reference.lower())
    page.fill("#id_phone", "0401234567")
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    page.wait_for_url(f"**/appointments/manage/{appointment.manage_token}/")


def test_citizen__office_without_free_times__sees_the_phone_and_callback_options(page, slots):
    Slot.objects.for_office(slots["kemi"]).update(is_blocked=True)
    topic_id = Topic.objects.first().pk

    page.goto(f"/appointments/days/?office=kemi&topic={topic_id}")

    assert page.locator("a[href='/callbacks/']").count() >= 1
    assert page.locator("a[href^='/appointments/?office=phone']").count() == 1
    assert_accessible(page)
