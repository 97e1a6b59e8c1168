"""seed_demo: idempotent demo data, printed passwords and second factors that work,
refuses in production."""

import base64
import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.oath import totp

from offices.models import HoursPeriod, Office, Topic, WeeklyRule
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {"admin", "phone", "tornio", "kemi"}


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


ACCOUNT = re.compile(
    r"^  (?P<username>\S+) +password: (?P<password>\S+)  backup code: (?P<code>\S+)\n"
    r" +(?P<uri>otpauth://\S+)$",
    flags=re.MULTILINE,
)


def accounts(output):
    """{username: {password, code, uri}} from the command's account lines."""
    return {match["username"]: match.groupdict() for match in ACCOUNT.finditer(output)}


def passwords(output):
    """{username: password} from the command's account lines."""
    return {name: account["password"] for name, account in accounts(output).items()}


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def debug_on(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    with override_settings(DEBUG=True):
        yield


def test_seed_demo__run_twice__same_rows_in_every_table(debug_on):
    seed()
    first = row_counts()
    seed()

    assert row_counts() == first
    assert first["offices.Office"] == 3
    assert first["offices.Topic"] == 10
    assert first[get_user_model()._meta.label] == 4


def test_seed_demo__offices_and_hours_of_domain_md(debug_on):
    seed()

    tornio = Office.objects.get(slug="tornio")
    kemi = Office.objects.get(slug="kemi")
    phone = Office.objects.phone_service()
    assert (tornio.street_address, tornio.postal_code, tornio.city) == (
        "Laivurinkatu 12",
        "95400",
        "Tornio",
    )
    assert (kemi.street_address, kemi.postal_code, kemi.city) == (
        "Meripuistokatu 16",
        "94100",
        "Kemi",
    )
    assert phone is not None
    assert HoursPeriod.objects.count() == 3
    rules = {
        (r.period.office.slug, r.service, r.weekday, f"{r.opens:%H:%M}-{r.closes:%H:%M}")
        for r in WeeklyRule.objects.select_related("period__office")
    }
    assert ("tornio", "self_service", 0, "09:00-12:00") in rules
    assert ("tornio", "self_service", 1, "09:00-12:00") in rules
    assert ("kemi", "info_point", 3, "12:00-16:00") in rules
    assert ("kemi", "info_point", 4, "12:00-16:00") in rules
    assert {r for r in rules if r[0] == "phone" and r[1] == "phone"} == {
        ("phone", "phone", day, "09:00-16:00") for day in range(5)
    }
    assert Topic.objects.filter(is_active=True).count() == 10


def test_seed_demo__prints_passwords_and_backup_codes_that_log_in(client, login_page, debug_on):
    printed = accounts(seed())

    assert set(printed) == DEMO_USERNAMES
    for username, account in printed.items():
        assert login_page(username, account["password"], account["code"]).status_code == 302
        page = client.get("/staff/", follow=True)
        assert page.status_code == 200, username
        assert page.request["PATH_INFO"].startswith("/staff/")
        assert page.request["PATH_INFO"] != "/staff/enrol/"
        client.post("/admin/logout/")


def test_seed_demo__prints_an_otpauth_uri_whose_codes_log_in(client, login_page, debug_on):
    printed = accounts(seed())

    for username, account in printed.items():
        uri = urlsplit(account["uri"])
        assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
        assert unquote(uri.path) == f"/Kela service:{username}"
        secret = parse_qs(uri.query)["secret"][0]
        code = f"{totp(base64.b32decode(secret)):06d}"
        assert login_page(username, account["password"], code).status_code == 302
        assert client.get("/admin/").status_code == 200
        client.post("/admin/logout/")


def test_seed_demo__password_alone__no_staff_page(client, login_page, debug_on):
    printed = accounts(seed())

    response = login_page("tornio", printed["tornio"]["password"])

    assert response.status_code == 200  # the login page again, asking for the code
    assert "_auth_user_id" not in client.session


def test_seed_demo__second_run__prints_new_passwords_and_old_ones_stop_working(
    client, login_page, debug_on
):
    old = accounts(seed())
    new = accounts(seed())

    assert set(new) == DEMO_USERNAMES
    for username in DEMO_USERNAMES:
        assert new[username]["password"] != old[username]["password"]
        assert new[username]["uri"] != old[username]["uri"]
        assert (
            login_page(username, old[username]["password"], new[username]["code"]).status_code
            == 200
        )
    # The old backup code is gone too (a wrong code holds the next one back a moment:
    # this account's new code is not tried after it).
    assert login_page("kemi", new["kemi"]["password"], old["kemi"]["code"]).status_code == 200
    for username in DEMO_USERNAMES - {"kemi"}:
        assert (
            login_page(username, new[username]["password"], new[username]["code"]).status_code
            == 302
        )
        client.post("/admin/logout/")


def test_seed_demo__accounts_have_their_roles(debug_on):
    seed()
    seed()

    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    assert users["admin"].is_superuser
    assert all(user.is_staff for user in users.values())
    assert not users["phone"].is_superuser
    assert [g.name for g in users["phone"].groups.all()] == ["Phone service"]
    assert [g.name for g in users["tornio"].groups.all()] == ["Office staff"]
    assert list(users["tornio"].offices.values_list("slug", flat=True)) == ["tornio"]
    assert list(users["kemi"].offices.values_list("slug", flat=True)) == ["kemi"]


def test_seed_demo__staff_user_can_open_the_admin(client, login_page, debug_on):
    printed = accounts(seed())

    login_page("phone", printed["phone"]["password"], printed["phone"]["code"])
    assert client.get("/admin/").status_code == 200


@override_settings(DEBUG=False)
def test_seed_demo__debug_off__refuses_and_creates_nothing():
    with pytest.raises(CommandError, match="--allow-production"):
        seed()

    assert not Office.objects.exists()
    assert not get_user_model().objects.exists()


@override_settings(DEBUG=False)
def test_seed_demo__debug_off_with_allow_production__runs(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))

    output = seed("--allow-production")

    assert set(passwords(output)) == DEMO_USERNAMES
    assert Office.objects.count() == 3
