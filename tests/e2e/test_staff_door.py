"""The staff door in a real browser: a newcomer logs in with the password, sets up an
authenticator app from the enrolment page and reaches the staff pages."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import assert_accessible, otpauth_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_newcomer__enrols_an_app_and_reaches_the_callback_queue(page, offices):
    user = UserFactory(username="uusi", groups=["Phone service"])

    page.goto("/staff/callbacks/")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", "uusi")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")

    page.wait_for_url("**/staff/enrol/**")
    assert page.locator("figure.qr-code svg").is_visible()
    assert_accessible(page)
    uri = page.get_attribute("#otpauth-uri", "href")  # the phone scans this
    assert uri.startswith("otpauth://totp/")
    page.fill("#id_code", otpauth_code(uri))
    page.click("button.primary")

    page.wait_for_selector("#backup-codes")
    assert page.locator("#backup-codes li").count() == 10
    assert_accessible(page)
    assert TOTPDevice.objects.get(user=user).confirmed
    page.click("a.button")

    page.wait_for_url("**/staff/callbacks/")
    assert page.locator("h1").is_visible()
