"""The identified citizen's own page: who is logged in, the idle timeout, languages."""

import datetime

import pytest

from citizens.identity import SESSION_KEY, birth_date_of, identity_hash, normalise_code
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

NOON = helsinki(2026, 12, 4, 12, 0)


@pytest.mark.parametrize("prefix", ["", "/sv", "/en"])
def test_my_page__anonymous__offers_the_login(client, prefix):
    response = client.get(f"{prefix}/my/")

    assert response.status_code == 200
    assert f'href="{prefix}/my/login/"' in response.text


def test_my_page__identified__name_and_birth_date(client, citizen, identify):
    identify(citizen)

    response = client.get("/en/my/")

    assert "Matti Meikäläinen" in response.text
    assert "1 Jan 1950" in response.text
    assert 'action="/en/my/logout/"' in response.text


def test_idle__fourteen_minutes__still_identified(client, citizen, identify, pin_clock):
    pin_clock(NOON)
    identify(citizen)
    pin_clock(NOON + datetime.timedelta(minutes=14))

    assert "Matti" in client.get("/my/").text


def test_idle__sixteen_minutes__logged_out_with_a_message(client, citizen, identify, pin_clock):
    pin_clock(NOON)
    identify(citizen)
    pin_clock(NOON + datetime.timedelta(minutes=16))

    response = client.get("/en/my/")

    assert "Matti" not in response.text
    assert "logged out after 15 minutes without activity" in response.text
    assert SESSION_KEY not in client.session


def test_idle__activity_keeps_the_login(client, citizen, identify, pin_clock):
    pin_clock(NOON)
    identify(citizen)
    for minutes in (10, 20, 30):
        pin_clock(NOON + datetime.timedelta(minutes=minutes))
        assert "Matti" in client.get("/my/").text


def test_logout__only_the_citizen__staff_login_stays(
    client, citizen, identify, phone_staff, staff_login
):
    staff_login(phone_staff)
    identify(citizen)

    client.post("/my/logout/")

    assert SESSION_KEY not in client.session
    assert client.session["_auth_user_id"] == str(phone_staff.pk)


def test_logout__get__not_allowed(client, citizen, identify):
    identify(citizen)

    assert client.get("/my/logout/").status_code == 405
    assert SESSION_KEY in client.session


@pytest.mark.parametrize(
    "code", ["010150-917X", "010150-917x", " 010150-917X ", "010150\u2010917X"]
)
def test_identity_hash__same_person_however_written(code):
    assert identity_hash(code) == identity_hash("010150-917X")
    assert normalise_code(code) == "010150-917X"


def test_identity_hash__keyed(settings):
    first = identity_hash("010150-917X")
    settings.IDENTITY_KEY = "another key"

    assert identity_hash("010150-917X") != first
    assert len(first) == 64


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("010150-917X", datetime.date(1950, 1, 1)),
        ("290702A914B", datetime.date(2002, 7, 29)),
        ("121260-958T", datetime.date(1960, 12, 12)),
    ],
)
def test_birth_date_of__from_the_code(code, born):
    assert birth_date_of(code) == born


@pytest.mark.parametrize("code", ["", "010150-917A", "320150-917X", "hello", None])
def test_normalise_code__not_a_code__refused(code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalise_code(code)
