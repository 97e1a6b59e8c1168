"""The identified service in a real browser, in Finnish, Swedish and English: log in at
the development identity provider, see /my/, book and leave a callback without the SMS
code, order a call code; as phone staff, identify the caller with it and see the same
bookings; the code fails the second time; five wrong codes lock the form. axe-core on
every new page."""

import datetime
import re

import pytest

from appointments import rules
from appointments.models import Appointment
from callbacks.models import CallbackRequest
from callbacks.rules import callback_create
from citizens.models import CallCode, Citizen
from offices import hours
from tests.e2e.conftest import LANGUAGE_PREFIXES, admin_login, assert_accessible, enter_sms_code

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "fi": {"continue": "Jatka", "book": "Varaa aika"},
    "sv": {"continue": "Fortsätt", "book": "Boka tiden"},
    "en": {"continue": "Continue", "book": "Book the appointment"},
}


@pytest.fixture
def slots(offices):
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))
    return offices


def log_in(page, prefix, person="matti"):
    """From /my/ to the provider's test persons (axe-checked) and back, identified."""
    page.goto(f"{prefix}/my/")
    assert_accessible(page)
    page.locator(f"main a[href='{prefix}/my/login/']").click()
    page.wait_for_url("**/dev-idp/login/**")
    assert_accessible(page)
    page.locator(f"button[name=person][value={person}]").click()
    page.wait_for_url(f"**{prefix}/my/")


def continue_(page, text):
    page.get_by_role("button", name=text["continue"], exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_identified_citizen__books_calls_back_orders_a_code__staff_identify(
    page, browser, live_server, dev_idp, slots, phone_staff, language
):
    text = TEXT[language]
    prefix = LANGUAGE_PREFIXES[language]

    log_in(page, prefix)
    assert page.locator("html").get_attribute("lang") == language
    assert "Matti Meikäläinen" in page.inner_text("main")
    assert_accessible(page)

    # Book, identified: the name is there, and no SMS code is asked for.
    page.goto(f"{prefix}/appointments/?office=phone")
    page.locator("input[name=topic]").first.check()
    continue_(page, text)
    # Day and time on one page (the calendar), then the details with Book.
    with page.expect_navigation():  # the chosen day's page, not the old one
        page.locator("table.month td.free a").last.click()
    page.locator("input[name=slot]").first.check()
    continue_(page, text)
    assert page.input_value("#id_name") == "Matti Meikäläinen"
    page.fill("#id_phone", "040 765 4321")
    page.get_by_role("button", name=text["book"], exact=True).click()
    assert page.locator("#id_code").count() == 0
    page.wait_for_url(re.compile(r".*/appointments/booked/[-\w]+/$"))
    appointment = Appointment.objects.get()
    assert appointment.citizen == Citizen.objects.get()

    # A callback request, identified: no SMS code either.
    page.goto(f"{prefix}/callbacks/")
    page.locator("input[name=window]").first.check()
    page.fill("#id_phone", "040 765 4321")
    page.locator("input[name=topic]").first.check()
    page.locator("main button.primary").click()
    page.wait_for_url(f"**{prefix}/callbacks/*/*/")
    callback = CallbackRequest.objects.get()
    assert callback.citizen == appointment.citizen

    # /my/ lists both.
    page.goto(f"{prefix}/my/")
    assert appointment.reference in page.inner_text("main")
    assert page.locator(f"form[action='{prefix}/callbacks/mine/{callback.reference}/cancel/']")
    assert_accessible(page)

    # The call code, shown once.
    page.goto(f"{prefix}/my/call-code/")
    assert_accessible(page)
    page.locator("main button.primary").click()
    page.wait_for_selector(".call-code")
    code = page.inner_text(".call-code").strip()
    assert re.fullmatch(r"\d{6}", code)
    assert_accessible(page)
    assert CallCode.objects.get().code_hash != code

    # The phone staff identify the caller with it, in a browser of their own.
    staff = browser.new_context(
        base_url=live_server.url, locale=f"{language}-FI", timezone_id="Europe/Helsinki"
    ).new_page()
    admin_login(staff, phone_staff.username)
    staff.goto("/staff/identify/")
    assert_accessible(staff)
    staff.fill("#id_code", code)
    staff.fill("#id_birth_date", "1.1.1950")
    staff.locator("main button.primary").click()
    staff.wait_for_load_state()
    assert "Matti Meikäläinen" in staff.inner_text("main")
    assert appointment.reference in staff.inner_text("main")
    assert callback.reference in staff.inner_text("main")
    assert_accessible(staff)

    # The code fails the second time.
    staff.goto("/staff/identify/")
    staff.fill("#id_code", code)
    staff.fill("#id_birth_date", "1.1.1950")
    staff.locator("main button.primary").click()
    staff.wait_for_selector("#error-summary")
    assert "Matti" not in staff.inner_text("main")

    # Four more wrong codes (five in a row): the form is locked.
    for _ in range(4):
        staff.fill("#id_code", "000000" if code != "000000" else "111111")
        staff.fill("#id_birth_date", "1.1.1950")
        staff.locator("main button.primary").click()
        staff.wait_for_load_state()
    assert staff.locator("main button.primary").is_disabled()
    assert_accessible(staff)
    staff.context.close()

    # Logging out, here and at the provider.
    page.goto(f"{prefix}/my/")
    page.locator("form[action$='/my/logout/'] button").click()
    page.wait_for_url("**/dev-idp/o/logout/**")
    assert_accessible(page)
    page.locator("button[name=allow]").click()
    page.wait_for_url(f"**{prefix}/my/")
    assert "Matti" not in page.inner_text("main")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_failed_login__cancelled__a_clear_page_axe_clean(page, dev_idp, language):
    prefix = LANGUAGE_PREFIXES[language]
    page.goto(f"{prefix}/my/login/")
    page.wait_for_url("**/dev-idp/login/**")
    page.locator("button[name=cancel]").click()
    page.wait_for_url("**/identity/callback/**")

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    assert not Citizen.objects.exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_identified_citizen__proves_a_number__its_bookings_join_my_page(
    page, dev_idp, offices, language
):
    from callbacks.rules import offered_windows
    from offices.models import Topic

    prefix = LANGUAGE_PREFIXES[language]
    window = offered_windows()[0].windows[0]
    callback = callback_create(
        phone="040 123 4567",
        window_start=window.start,
        topic=Topic.objects.first(),
        language=language,
    )
    log_in(page, prefix)
    assert callback.reference not in page.content()

    page.goto(f"{prefix}/my/phone/")
    assert_accessible(page)
    page.fill("#id_phone", "040 123 4567")
    page.locator("main button.primary").click()
    enter_sms_code(page)

    page.wait_for_url(f"**{prefix}/my/")
    assert f"/callbacks/mine/{callback.reference}/cancel/" in page.content()
    assert_accessible(page)
