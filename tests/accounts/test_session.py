"""A staff session: 8 hours at most, 30 minutes idle ends it, nothing of it stored by
a browser or proxy; passwords of 12 characters at least."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_ACTIVITY_KEY
from tests.accounts.conftest import PASSWORD, code_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/staff/callbacks/"


@pytest.fixture
def signed_in(client, clock, outi, staff_login):
    staff_login(outi)
    return client


def test_session__lasts_eight_hours(client, clock, outi, login_page, settings):
    login_page("outi", PASSWORD, code_of(TOTPDevice.objects.get(user=outi)))

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert client.cookies["sessionid"]["max-age"] == 8 * 60 * 60
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_idle_29_minutes__still_logged_in(signed_in, clock):
    clock(minutes=29)

    assert signed_in.get(QUEUE).status_code == 200


def test_idle_31_minutes__logged_out_and_told_why(signed_in, clock):
    clock(minutes=31)

    response = signed_in.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/staff/callbacks/"
    assert "_auth_user_id" not in signed_in.session
    login = signed_in.get(response["Location"])
    assert "Sinut kirjattiin ulos, koska et käyttänyt palvelua 30 minuuttiin." in login.text


def test_idle_time__counts_from_the_last_request(signed_in, clock):
    clock(minutes=29)
    signed_in.get(QUEUE)
    clock(minutes=29 + 29)

    assert signed_in.get(QUEUE).status_code == 200


def test_activity__written_at_most_once_a_minute(signed_in, clock):
    first = signed_in.session[LAST_ACTIVITY_KEY]
    clock(seconds=59)
    signed_in.get(QUEUE)
    assert signed_in.session[LAST_ACTIVITY_KEY] == first

    clock(seconds=61)
    signed_in.get(QUEUE)
    assert signed_in.session[LAST_ACTIVITY_KEY] == first + 61


def test_idle_on_a_public_page__not_counted_there(signed_in, clock):
    clock(minutes=31)

    assert signed_in.get("/").status_code == 200  # public pages do not look
    assert signed_in.get(QUEUE).status_code == 302


def test_no_store__day_list_its_csv_and_the_admin(client, clock, offices, staff_login):
    staff_login(UserFactory(username="root", is_superuser=True))

    for path in ("/staff/tornio/2026-12-07/", "/staff/tornio/2026-12-07/csv", "/admin/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path


def test_no_store__also_the_login_page_and_the_redirects(client, db):
    for path in ("/admin/login/", "/staff/", "/admin/offices/office/"):
        assert "no-store" in client.get(path)["Cache-Control"], path
    assert "Cache-Control" not in client.get("/")


@pytest.mark.parametrize(
    ("password", "too_short"),
    [("Ruska-syksy", True), ("Ruska-syksy1", False), ("Tunturipöllö", False)],
)
def test_password__twelve_characters_at_least(password, too_short):
    codes = []
    try:
        validate_password(password)
    except ValidationError as error:
        codes = [item.code for item in error.error_list]

    assert ("password_too_short" in codes) is too_short


def test_admin_password_change__eleven_characters_refused(signed_in):
    url = "/admin/password_change/"
    form = {
        "old_password": PASSWORD,
        "new_password1": "Ruska-syksy",
        "new_password2": "Ruska-syksy",
    }

    refused = signed_in.post(url, form)
    accepted = signed_in.post(
        url, {**form, "new_password1": "Ruska-syksy1", "new_password2": "Ruska-syksy1"}
    )

    assert refused.status_code == 200
    assert "password_too_short" in [
        error.code for error in refused.context["form"].errors.as_data()["new_password2"]
    ]
    assert accepted.status_code == 302
