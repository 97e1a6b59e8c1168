"""The enrolment of an authenticator app: for a password-only session of an account
without a second factor; the app's code confirms it and verifies the session."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.devices import ENROLLED_ALREADY
from accounts.forms import EnrolForm
from tests.accounts.conftest import PASSWORD, code_of

pytestmark = pytest.mark.django_db

ENROL = "/staff/enrol/"


@pytest.fixture
def password_only(client, clock, newcomer, login_page):
    """The newcomer logged in through the login page with the password alone."""
    response = login_page("uusi", PASSWORD)
    assert response.status_code == 302
    return client


def pending_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_login_without_a_device__staff_pages_send_to_the_enrolment(password_only):
    response = password_only.get("/staff/callbacks/")

    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fstaff%2Fcallbacks%2F"


def test_enrolment_page__shows_the_otpauth_uri_the_key_and_a_qr_code(password_only, newcomer):
    response = password_only.get(ENROL)

    device = pending_device(newcomer)
    assert response.status_code == 200
    assert device.config_url.replace("&", "&amp;") in response.text
    assert 'id="otpauth-uri" href="otpauth://totp/Kela%20service%3Auusi?secret=' in response.text
    assert "<svg" in response.text
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")


def test_enrolment_page__again__the_same_secret(password_only, newcomer):
    first = password_only.get(ENROL).context["otpauth_uri"]

    assert password_only.get(ENROL).context["otpauth_uri"] == first
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


@pytest.mark.parametrize("typed", ["000000", "12345", "abcdef", "1" * 40, "", "12\x003456"])
def test_enrolment__wrong_or_malformed_code__error_and_the_app_unconfirmed(
    password_only, newcomer, typed
):
    password_only.get(ENROL)

    response = password_only.post(ENROL, {"code": typed})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not pending_device(newcomer).confirmed
    assert DEVICE_ID_SESSION_KEY not in password_only.session
    assert password_only.get("/staff/callbacks/")["Location"].startswith(ENROL)


def test_enrolment__second_wrong_code_at_once__asked_to_wait(password_only, newcomer):
    password_only.get(ENROL)
    password_only.post(ENROL, {"code": "000000"})

    response = password_only.post(ENROL, {"code": code_of(pending_device(newcomer))})

    assert "Liian monta väärää koodia." in response.text
    assert not pending_device(newcomer).confirmed


def test_enrolment__right_code__confirmed_verified_and_backup_codes_shown_once(
    password_only, newcomer
):
    password_only.get(ENROL + "?next=/staff/callbacks/")
    device = pending_device(newcomer)

    response = password_only.post(ENROL, {"code": code_of(device), "next": "/staff/callbacks/"})

    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["backup_codes"]
    assert len(codes) == 10
    assert all(code in response.text for code in codes)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert 'href="/staff/callbacks/"' in response.text
    assert password_only.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert password_only.get("/staff/callbacks/").status_code == 200
    # enrolled: the page now leads on instead of enrolling again
    assert password_only.get(ENROL)["Location"] == "/staff/"


def test_enrolment__next_elsewhere__ignored(password_only, newcomer):
    password_only.get(ENROL)

    response = password_only.post(
        ENROL, {"code": code_of(pending_device(newcomer)), "next": "https://evil.example/"}
    )

    assert 'href="/staff/"' in response.text
    assert "evil.example" not in response.text


def test_enrolment__a_user_with_a_device__cannot_add_another(client, clock, outi, login_page):
    client.force_login(outi)  # a password-only session of an account with an app
    pending = TOTPDevice.objects.create(user=outi, name="Attacker", confirmed=False)

    page = client.get(ENROL)
    posted = client.post(ENROL, {"code": code_of(pending)})

    assert page.status_code == posted.status_code == 302
    assert page["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(user=outi, confirmed=True).count() == 1
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_enrolment__confirmed_meanwhile_in_another_tab__refused(password_only, newcomer):
    password_only.get(ENROL)
    device = pending_device(newcomer)
    TOTPDevice.objects.create(user=newcomer, name="Other tab", confirmed=True)

    form = EnrolForm({"code": code_of(device)}, device=device)
    assert form.is_valid()
    assert form.save() is None
    assert [error.code for error in form.errors.as_data()["code"]] == [ENROLLED_ALREADY]


def test_enrolment__anonymous__sent_to_the_login(client, db):
    response = client.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_enrolled_user__logs_in_with_the_apps_code_or_a_backup_code(
    password_only, newcomer, login_page, clock
):
    password_only.get(ENROL)
    codes = password_only.post(ENROL, {"code": code_of(pending_device(newcomer))}).context[
        "backup_codes"
    ]
    password_only.post("/admin/logout/")

    assert login_page("uusi", PASSWORD).status_code == 200  # the code is now required
    assert login_page("uusi", PASSWORD, codes[0].upper()).status_code == 302
    assert password_only.get("/staff/callbacks/").status_code == 200
    password_only.post("/admin/logout/")
    clock(minutes=1)
    app = TOTPDevice.objects.get(user=newcomer)
    assert login_page("uusi", PASSWORD, code_of(app)).status_code == 302
