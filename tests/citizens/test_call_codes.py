"""The one-time code for an identified call: ordered on /my/call-code/, shown once,
hashed, single use, 30 minutes, at most 3 a day; /staff/identify/ for phone staff, with
the lock after 5 wrong codes in a row and every attempt on record."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments import rules as appointment_rules
from appointments.models import Slot
from citizens import callcodes
from citizens.models import CallCode, IdentifyAttempt
from kela_service import jobs
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

NOON = helsinki(2026, 12, 4, 12, 0)
BORN = datetime.date(1950, 1, 1)  # Matti's


def _order(client):
    response = client.post("/en/my/call-code/")
    match = re.search(r'class="reference call-code">(\d{6})<', response.text)
    return match[1] if match else None


def test_call_code__anonymous__sent_to_log_in(client):
    response = client.get("/en/my/call-code/")

    assert response.status_code == 302
    assert response["Location"] == "/en/my/"


def test_call_code__ordered__shown_once_stored_hashed(client, citizen, identify, pin_clock):
    pin_clock(NOON)
    identify(citizen)

    response = client.post("/en/my/call-code/")
    code = re.search(r'class="reference call-code">(\d{6})<', response.text)[1]

    row = CallCode.objects.get()
    assert row.code_hash == callcodes.code_hash(code)
    assert code not in row.code_hash
    assert row.expires_at == NOON + datetime.timedelta(minutes=30)
    assert "no-store" in response["Cache-Control"]
    assert code not in client.get("/en/my/call-code/").text
    assert code not in client.get("/en/my/").text


def test_call_code__three_a_day__the_fourth_refused__tomorrow_again(
    client, citizen, identify, pin_clock
):
    pin_clock(NOON)
    identify(citizen)
    for _ in range(3):
        assert _order(client)

    response = client.post("/en/my/call-code/")

    assert "already ordered 3 codes today" in response.text
    assert CallCode.objects.count() == 3
    pin_clock(NOON + datetime.timedelta(days=1))
    client.cookies.clear()  # yesterday's session has expired (SESSION_COOKIE_AGE, 8 h)
    identify(citizen)
    assert _order(client)


def test_call_codes__three_a_day__held_by_the_database(citizen, pin_clock):
    pin_clock(NOON)
    rows = [callcodes.code_order(citizen=citizen)[1] for _ in range(3)]

    with pytest.raises(IntegrityError), transaction.atomic():
        CallCode.objects.create(
            citizen=citizen,
            code_hash="x" * 64,
            day=rows[0].day,
            day_place=4,
            created_at=NOON,
            expires_at=NOON + datetime.timedelta(minutes=30),
        )


def test_call_codes__unique_among_open_codes(citizen, pin_clock, monkeypatch):
    pin_clock(NOON)
    codes = iter(["123456", "123456", "654321"])
    monkeypatch.setattr(callcodes, "new_code", lambda: next(codes))
    from citizens.identity import citizen_identify
    from dev_identity.persons import BY_KEY

    other = citizen_identify(identity_code=BY_KEY["aino"].identity_code, name="Aino")
    first, _row = callcodes.code_order(citizen=citizen)

    second, _row = callcodes.code_order(citizen=other)

    assert (first, second) == ("123456", "654321")


def test_call_codes__an_expired_code_frees_its_digits(citizen, pin_clock, monkeypatch):
    pin_clock(NOON)
    monkeypatch.setattr(callcodes, "new_code", lambda: "123456")
    callcodes.code_order(citizen=citizen)
    pin_clock(NOON + datetime.timedelta(minutes=31))

    code, row = callcodes.code_order(citizen=citizen)

    assert code == "123456"
    assert CallCode.objects.filter(closed_at__isnull=True).get() == row


# --- /staff/identify/ -----------------------------------------------------------------


@pytest.fixture
def code(citizen, pin_clock):
    pin_clock(NOON)
    return callcodes.code_order(citizen=citizen)[0]


def _identify(client, code, born="1.1.1950"):
    data = {"code": code, "birth_date": born}
    return client.post("/staff/identify/", data, headers={"Accept-Language": "en"})


def test_identify__anonymous__to_login__office_staff__403(client, office_staff, staff_login):
    assert client.get("/staff/identify/")["Location"].startswith("/admin/login/")
    staff_login(office_staff)
    assert client.get("/staff/identify/").status_code == 403


def test_identify__phone_staff__name_birth_date_bookings__code_used_up(
    client, code, citizen, phone_staff, offices, staff_login
):
    slot = Slot.objects.create(
        office=offices["tornio"],
        starts_at=helsinki(2026, 12, 7, 9, 0),
        ends_at=helsinki(2026, 12, 7, 9, 30),
    )
    from offices.models import Topic

    booking = appointment_rules.appointment_book(
        slot=slot,
        name=citizen.name,
        phone="040 765 4321",
        topic=Topic.objects.first(),
        citizen=citizen,
    )
    staff_login(phone_staff)

    response = _identify(client, code)

    assert response.status_code == 200
    assert "Matti Meikäläinen" in response.text
    assert booking.reference in response.text
    row = CallCode.objects.get()
    assert row.used_by == phone_staff
    assert row.closed_at is not None
    attempt = IdentifyAttempt.objects.get()
    assert (attempt.user, attempt.outcome, attempt.citizen) == (
        phone_staff,
        IdentifyAttempt.Outcome.SUCCESS,
        citizen,
    )
    # The second time the code fails.
    again = _identify(client, code)
    assert "No valid code matches" in again.text
    assert "Matti" not in again.text


def test_identify__right_code_wrong_birth_date__refused(client, code, phone_staff, staff_login):
    staff_login(phone_staff)

    response = _identify(client, code, born="2.1.1950")

    assert "No valid code matches" in response.text
    assert CallCode.objects.get().closed_at is None


def test_identify__expired_code__refused(client, code, phone_staff, pin_clock, staff_login):
    pin_clock(NOON + datetime.timedelta(minutes=31))
    staff_login(phone_staff)

    assert "No valid code matches" in _identify(client, code).text


def test_identify__five_wrong_in_a_row__locked_five_minutes(
    client, code, phone_staff, pin_clock, staff_login
):
    staff_login(phone_staff)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        _identify(client, wrong)

    locked = _identify(client, code)

    assert locked.status_code == 403
    assert "locked until" in locked.text
    assert CallCode.objects.get().closed_at is None  # the right code was not even tried
    assert list(IdentifyAttempt.objects.values_list("outcome", flat=True)) == [
        "locked",
        *["wrong"] * 5,
    ]
    # Another staff member is not locked.
    other = UserFactory(username="phone-2", groups=["Phone service"])
    staff_login(other)
    assert client.get("/staff/identify/").status_code == 200
    # After five minutes the first may try again.
    pin_clock(NOON + datetime.timedelta(minutes=5, seconds=1))
    staff_login(phone_staff)
    assert "Matti Meikäläinen" in _identify(client, code).text


def test_identify__a_success_breaks_the_run(client, citizen, phone_staff, pin_clock):
    pin_clock(NOON)
    user = phone_staff
    for _ in range(4):
        with pytest.raises(ValidationError):
            callcodes.caller_identify(user=user, code="999999", birth_date=BORN)
    code, _row = callcodes.code_order(citizen=citizen)
    callcodes.caller_identify(user=user, code=code, birth_date=BORN)
    with pytest.raises(ValidationError):
        callcodes.caller_identify(user=user, code="999999", birth_date=BORN)

    assert callcodes.locked_until(user) is None


@pytest.mark.parametrize(
    "data", [{}, {"code": "12345", "birth_date": "1.1.1950"}, {"code": "abcdef"}, {"code": "\x00"}]
)
def test_identify__bad_input__form_errors_no_attempt(client, phone_staff, data, staff_login):
    staff_login(phone_staff)

    response = client.post("/staff/identify/", data)

    assert response.status_code == 200
    assert not IdentifyAttempt.objects.exists()


def test_attempts__in_the_admin_for_superusers_only(
    client, code, phone_staff, superuser, staff_login
):
    staff_login(phone_staff)
    _identify(client, code)
    url = "/admin/citizens/identifyattempt/"
    assert client.get(url).status_code in (302, 403)

    staff_login(superuser)
    response = client.get(url)

    assert response.status_code == 200
    assert "phone-staff" in response.text


def test_attempts__kept_as_long_as_the_access_record__then_deleted(phone_staff, settings):
    # Who identified whom is a record of staff access: the access record's retention.
    settings.ACCESS_RECORD_RETENTION_DAYS = 30
    now = timezone.now()
    _old, recent = (
        IdentifyAttempt.objects.create(
            user=phone_staff, at=now - datetime.timedelta(days=days), outcome="wrong"
        )
        for days in (31, 29)
    )

    result = jobs.purge_access_record()

    assert list(IdentifyAttempt.objects.all()) == [recent]
    assert "and 1 caller identification attempts from before" in result
