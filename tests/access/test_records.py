"""The access record's own functions: keyed hashes of citizens, one INSERT per page,
logins, failed logins and lockouts, the retention purge and the deploy check."""

import datetime
import types

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from access import signals
from access.models import AccessRecord
from access.records import (
    EXPORT,
    LOCKOUT,
    LOGIN,
    LOGIN_FAILED,
    VIEW,
    access_record,
    auth_record,
    records_about,
    records_purge,
    subject_key,
)
from kela_service import jobs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAIJA = "+358401234567"
MATTI = "+358407654321"


def seen(reference, phone):
    """A booking or a callback request as the record sees it."""
    return types.SimpleNamespace(reference=reference, phone=PhoneNumber.from_string(phone))


@pytest.fixture
def staff_request(rf):
    request = rf.get("/staff/tornio/2026-12-07/", REMOTE_ADDR="192.0.2.10")
    request.user = UserFactory(username="tornio-staff")
    return request


def test_subject_key__same_number_in_any_form__same_key():
    key = subject_key(phone=MAIJA)

    assert key == subject_key(phone=PhoneNumber.from_string("040 123 4567", region="FI"))
    assert key != subject_key(phone=MATTI)
    assert len(key) == 32
    assert "358401234567" not in key


def test_subject_key__another_key__another_hash(settings):
    first = subject_key(phone=MAIJA)
    settings.ACCESS_RECORD_KEY = "another-key-another-key-another-key"

    assert subject_key(phone=MAIJA) != first


def test_subject_key__identity_code__case_does_not_matter():
    assert subject_key(identity="131052-308t") == subject_key(identity="131052-308T")
    assert subject_key(identity="131052-308T") != subject_key(phone="131052-308T")


def test_subject_key__nothing__empty():
    assert subject_key(phone="") == subject_key() == ""


def test_subject_key__no_key__refuses_rather_than_record_numbers(settings):
    settings.ACCESS_RECORD_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="ACCESS_RECORD_KEY"):
        subject_key(phone=MAIJA)


def test_access_record__many_objects_of_two_offices__one_insert_one_row_per_office(
    staff_request, django_assert_num_queries
):
    objects = [seen(f"T{n:07d}", f"+35840{n:07d}") for n in range(40)]
    objects += [seen("K0000001", MAIJA)]
    office = {"K": "kemi", "T": "tornio"}

    with django_assert_num_queries(1):
        rows = access_record(staff_request, objects, office=lambda obj: office[obj.reference[0]])

    assert {(r.office, r.count) for r in rows} == {("tornio", 40), ("kemi", 1)}
    kemi = AccessRecord.objects.get(office="kemi")
    assert kemi.action == VIEW
    assert kemi.user == staff_request.user
    assert kemi.username == "tornio-staff"
    assert kemi.address == "192.0.2.10"
    assert kemi.page == "/staff/tornio/2026-12-07/"
    assert kemi.reference_list == ["K0000001"]
    assert MAIJA not in kemi.subjects
    assert list(records_about(phone="040 123 4567")) == [kemi]


def test_access_record__nothing_on_the_page__still_one_row(staff_request):
    day = datetime.date(2026, 12, 7)

    access_record(staff_request, [], action=EXPORT, office="tornio", day=day)

    row = AccessRecord.objects.get()
    assert (row.action, row.office, row.day, row.count, row.references) == (
        EXPORT,
        "tornio",
        day,
        0,
        "",
    )


def test_access_record__behind_the_proxy__records_the_address_the_proxy_saw(rf, settings):
    settings.NUM_PROXIES = 1
    request = rf.get("/staff/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    request.user = UserFactory()

    access_record(request, [seen("T0000001", MAIJA)])

    assert AccessRecord.objects.get().address == "192.0.2.7"


def test_access_record__not_an_address__recorded_without_one(rf):
    request = rf.get("/staff/", REMOTE_ADDR="unknown")
    request.user = AnonymousUser()

    access_record(request, [])

    row = AccessRecord.objects.get()
    assert (row.address, row.user, row.username) == (None, None, "")


def test_records_about__after_the_booking_was_anonymised__still_found(staff_request):
    booking = seen("T0000001", MAIJA)
    access_record(staff_request, [booking], office="tornio")
    booking.phone = None  # the retention purge blanks the number

    access_record(staff_request, [booking], office="tornio")

    assert [r.count for r in records_about(phone=MAIJA)] == [1]
    assert records_about(phone=MATTI).count() == 0


def test_login__through_the_admin__recorded_with_user_and_address(client):
    UserFactory(username="outi")

    client.post(
        "/admin/login/",
        {"username": "outi", "password": "correct horse battery staple"},
        REMOTE_ADDR="192.0.2.20",
    )

    row = AccessRecord.objects.get()
    assert (row.action, row.username, row.address) == (LOGIN, "outi", "192.0.2.20")
    assert row.user.username == "outi"


def test_failed_login__recorded_with_the_name_typed_and_no_password(client):
    client.post(
        "/admin/login/", {"username": "outi", "password": "guess-1234"}, REMOTE_ADDR="192.0.2.21"
    )

    row = AccessRecord.objects.get()
    assert (row.action, row.username, row.user, row.address) == (
        LOGIN_FAILED,
        "outi",
        None,
        "192.0.2.21",
    )
    assert "guess" not in str(AccessRecord.objects.values().get())


def test_lockout__as_axes_sends_it__recorded_with_axes_address(rf):
    request = rf.post("/admin/login/", REMOTE_ADDR="10.0.0.1")

    signals.locked_out("axes", request=request, username="outi", ip_address="192.0.2.30")

    row = AccessRecord.objects.get()
    assert (row.action, row.username, row.address, row.page) == (
        LOCKOUT,
        "outi",
        "192.0.2.30",
        "/admin/login/",
    )


def test_auth_record__lockout_without_a_request__recorded():
    auth_record(None, action=LOCKOUT, username="outi", address="2001:db8::1")

    assert AccessRecord.objects.get().address == "2001:db8::1"


def test_purge__rows_past_the_retention__deleted_the_rest_kept(staff_request, settings):
    settings.ACCESS_RECORD_RETENTION_DAYS = 30
    old, recent = (
        access_record(staff_request, [seen(ref, MAIJA)])[0] for ref in ("OLD00001", "NEW00001")
    )
    AccessRecord.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=31))

    result = jobs.purge_access_record()

    assert result.startswith("Deleted 1 access records and 0 caller identification attempts ")
    assert list(AccessRecord.objects.all()) == [recent]
    assert records_purge(before=timezone.now() - datetime.timedelta(days=30)) == 0


def test_purge__is_a_housekeeping_job():
    assert "kela_service.jobs.purge_access_record" in [job.func for job in jobs.JOBS]


def test_deploy_check__no_key__error(settings):
    settings.ACCESS_RECORD_KEY = ""

    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "access.E001"]

    assert errors
    assert "ACCESS_RECORD_KEY" in errors[0].msg


def test_deploy_check__short_key__warning(settings):
    settings.ACCESS_RECORD_KEY = "short"

    ids = [m.id for m in run_checks(include_deployment_checks=True)]

    assert "access.W001" in ids
    assert "access.E001" not in ids
