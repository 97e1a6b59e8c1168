"""The staff login page: the password, then the code of the second factor."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import PASSWORD, code_of

pytestmark = pytest.mark.django_db


def test_login_page__asks_for_the_verification_code(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert 'name="otp_token"' in response.text
    assert 'autocomplete="one-time-code"' in response.text
    assert "Vahvistuskoodi" in response.text


def test_login__password_without_the_code__asked_for_it_and_not_logged_in(
    client, clock, outi, login_page
):
    response = login_page("outi", PASSWORD)

    assert response.status_code == 200
    assert "Kirjoita todennussovelluksesi näyttämä koodi tai varakoodi." in response.text
    assert PASSWORD not in response.text  # the password is not written back into the page
    assert "_auth_user_id" not in client.session


def test_login__wrong_code__refused(client, clock, outi, login_page):
    response = login_page("outi", PASSWORD, "123456")

    assert response.status_code == 200
    assert "Vahvistuskoodi ei ole oikea." in response.text
    assert "_auth_user_id" not in client.session


def test_login__the_apps_code__logged_in_and_verified(client, clock, outi, login_page):
    device = TOTPDevice.objects.get(user=outi)

    response = login_page("outi", PASSWORD, code_of(device)[:3] + " " + code_of(device)[3:])

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_login__the_same_code_twice__refused_the_second_time(client, clock, outi, login_page):
    code = code_of(TOTPDevice.objects.get(user=outi))
    login_page("outi", PASSWORD, code)
    client.post("/admin/logout/")

    assert login_page("outi", PASSWORD, code).status_code == 200


@pytest.mark.parametrize("typed", ["x" * 200, "12\x003456", "💥", "' OR 1=1 --"])
def test_login__any_code__no_500(client, clock, outi, login_page, typed):
    assert login_page("outi", PASSWORD, typed).status_code == 200


def test_logout__open_without_the_second_factor(client, clock, outi):
    client.force_login(outi)

    response = client.post("/staff/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session
