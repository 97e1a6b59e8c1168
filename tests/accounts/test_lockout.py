"""django-axes at the staff login: 10 failures lock a user name at an address, and an
address whatever the user names, for 15 minutes; on record, logged without passwords."""

import logging

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import AccessRecord
from tests.accounts.conftest import PASSWORD, code_of

pytestmark = pytest.mark.django_db

HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.20"
WRONG = "not-the-password-1234"


def fail(login_page, username, times, address=HOME):
    """``times`` wrong passwords for ``username`` from ``address``; the last answer."""
    for _ in range(times):
        response = login_page(username, WRONG, REMOTE_ADDR=address)
    return response


def log_in(login_page, user, address=HOME):
    device = TOTPDevice.objects.get(user=user)
    return login_page(user.username, PASSWORD, code_of(device), REMOTE_ADDR=address)


def test_nine_wrong_passwords__the_login_page_again(client, clock, outi, login_page):
    assert fail(login_page, "outi", 9).status_code == 200
    assert log_in(login_page, outi).status_code == 302


def test_tenth_wrong_password__the_lockout_page_saying_when(client, clock, outi, login_page):
    response = fail(login_page, "outi", 10)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Yritä uudelleen 15 minuutin kuluttua, kello 14.15." in response.text
    assert "accounts/locked_out.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    ("language", "text"),
    [("sv", "Försök igen om 15 minuter, klockan 14.15."), ("en", "at 14:15")],
)
def test_lockout_page__in_the_users_language(client, clock, outi, login_page, language, text):
    client.cookies["django_language"] = language

    assert text in fail(login_page, "outi", 10).text


def test_locked_out__the_right_password_and_code_refused(client, clock, outi, login_page):
    fail(login_page, "outi", 10)

    response = log_in(login_page, outi)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/callbacks/").status_code == 302


def test_locked_out__after_the_cool_off__the_right_password_works(client, clock, outi, login_page):
    fail(login_page, "outi", 10)
    clock(minutes=14)
    assert log_in(login_page, outi).status_code == 429  # and the wait starts again

    clock(minutes=14 + 16)

    assert log_in(login_page, outi).status_code == 302
    assert client.get("/staff/callbacks/").status_code == 200
    assert not AccessAttempt.objects.exists()  # a success resets the count


def test_locked_out__the_same_user_from_another_address__logs_in(client, clock, outi, login_page):
    """No user name is locked out everywhere: anyone could lock staff out by typing
    their names."""
    fail(login_page, "outi", 10)

    assert log_in(login_page, outi, address=ELSEWHERE).status_code == 302


def test_ten_failures_from_one_address__any_user_name_locked_there(client, clock, outi, login_page):
    for number in range(10):  # ten user names tried once each: none reaches 10
        last = fail(login_page, f"guess{number}", 1)

    assert last.status_code == 429
    assert log_in(login_page, outi).status_code == 429
    assert log_in(login_page, outi, address=ELSEWHERE).status_code == 302


def test_lockout__leaves_an_access_record_row(client, clock, outi, login_page):
    fail(login_page, "outi", 10)

    row = AccessRecord.objects.get(action="lockout")
    assert (row.username, row.address, row.page) == ("outi", HOME, "/admin/login/")
    assert AccessRecord.objects.filter(action="login_failed", username="outi").count() == 10


def test_lockout__the_address_behind_the_proxy_is_the_one_locked(
    client, clock, outi, login_page, settings
):
    settings.NUM_PROXIES = 1
    for _ in range(10):
        login_page("outi", WRONG, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=HOME)

    other = log_in_forwarded(login_page, outi, ELSEWHERE)
    locked = log_in_forwarded(login_page, outi, HOME)

    assert (other.status_code, locked.status_code) == (302, 429)
    lockouts = AccessRecord.objects.filter(action="lockout")
    assert set(lockouts.values_list("address", flat=True)) == {HOME}


def log_in_forwarded(login_page, user, address):
    device = TOTPDevice.objects.get(user=user)
    code = code_of(device)
    device.last_t = -1  # the same code again on the pinned clock
    device.save()
    return login_page(
        user.username, PASSWORD, code, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address
    )


def test_failed_login__logged_without_the_password(client, clock, outi, login_page, caplog):
    caplog.set_level(logging.INFO)

    fail(login_page, "outi", 10)

    assert "AXES: New login failure" in caplog.text
    assert "AXES: Locking out" in caplog.text
    assert WRONG not in caplog.text
    stored = AccessAttempt.objects.get()
    assert WRONG not in stored.post_data
    assert "password=********************" in stored.post_data
