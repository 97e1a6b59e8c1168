"""Browser tests of callback requests: a citizen asks and cancels; a staff member takes
one and records the call; axe-core on the public pages."""

import pytest

from callbacks import rules
from callbacks.models import CallbackRequest
from offices.models import Topic
from tests.e2e.conftest import (
    LANGUAGE_PREFIXES,
    admin_login,
    assert_accessible,
    enter_sms_code,
)
from tests.factories import helsinki

Status = CallbackRequest.Status

pytestmark = pytest.mark.django_db(transaction=True)

HEADINGS = {"fi": "Jätä soittopyyntö", "sv": "Lämna en kontaktbegäran", "en": "Request a callback"}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_callback_form__each_language__reads_and_passes_axe_also_with_errors(
    page, friday, language
):
    prefix = LANGUAGE_PREFIXES[language]
    page.goto(f"{prefix}/callbacks/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == HEADINGS[language]
    assert page.locator("input[name=window]").count() == 3 + 14
    assert_accessible(page)

    page.fill("#id_phone", "12")
    page.locator("main button.primary").click()
    page.wait_for_selector("#error-summary")
    assert page.input_value("#id_phone") == "12"
    assert_accessible(page)


def test_citizen__requests_a_callback_and_cancels_it(page, friday):
    page.goto("/en/callbacks/")
    page.get_by_role("group", name="Fri 4 Dec 2026").get_by_label("14:30–15:00").check()
    page.fill("#id_phone", "040 123 4567")
    page.get_by_label("Housing benefits").check()
    page.get_by_label("English").check()
    page.fill("#id_message", "A question about housing allowance")
    page.get_by_role("button", name="Send the callback request").click()
    enter_sms_code(page)

    page.wait_for_url("**/en/callbacks/*/*/")
    callback = CallbackRequest.objects.get()
    assert callback.reference in page.locator(".reference").inner_text()
    assert (
        page.locator(".callback-when").inner_text()
        == "We will call you on Fri 4 Dec 2026 between 14:30 and 15:00."
    )
    assert_accessible(page)

    assert page.locator(".confirmation-panel").get_by_text("Housing benefits").is_visible()
    assert_accessible(page)

    # Cancelling asks once more; "No" keeps the request.
    page.get_by_role("link", name="Cancel the callback request").click()
    page.wait_for_url("**/cancel/")
    assert page.locator("h1").inner_text() == "Cancel the callback request?"
    assert_accessible(page)
    page.get_by_role("link", name="No, keep the request").click()
    page.wait_for_url("**/en/callbacks/*/*/")
    callback.refresh_from_db()
    assert callback.status == Status.PENDING

    page.get_by_role("link", name="Cancel the callback request").click()
    page.get_by_role("button", name="Yes, cancel the callback request").click()
    page.wait_for_selector(".message-success")
    assert "Your callback request has been cancelled." in page.inner_text("main")
    assert_accessible(page)
    callback.refresh_from_db()
    assert callback.status == Status.CANCELLED


def test_staff__takes_a_request_and_records_the_outcome(page, friday, phone_staff):
    callback = rules.callback_create(
        phone="0401234567",
        window_start=helsinki(2026, 12, 4, 14, 30),
        topic=Topic.objects.first(),
        language="fi",
    )
    admin_login(page, phone_staff.username)

    page.goto("/staff/callbacks/")
    row = page.locator("tr", has_text=callback.reference)
    row.get_by_role("button").click()
    page.wait_for_url(f"**/staff/callbacks/{callback.pk}/")
    assert f"Otit pyynnön {callback.reference} käsittelyyn." in page.inner_text("main")

    page.get_by_label("Tavoitettu: hoidettu").check()
    page.fill("#id_note", "Neuvottu asumistuen hakemisessa")
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url("**/staff/callbacks/")
    assert "Puhelu kirjattiin." in page.inner_text("main")
    assert callback.reference not in page.inner_text("main")

    callback.refresh_from_db()
    assert callback.status == Status.DONE
    assert callback.handled_by == phone_staff
    assert list(callback.attempts.values_list("outcome", "note")) == [
        ("done", "Neuvottu asumistuen hakemisessa")
    ]
