"""seed_demo: idempotent demo data, printed passwords that work, refuses in production."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from offices.models import HoursPeriod, Office, Topic, WeeklyRule
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {"admin", "phone", "tornio", "kemi"}


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def passwords(output):
    """{username: password} from the command's account lines."""
    found = dict(re.findall(r"^\s+(\S+)\s+(\S+)\s*$", output, flags=re.MULTILINE))
    return {name: password for name, password in found.items() if name in DEMO_USERNAMES}


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


def test_seed_demo__prints_passwords_that_log_in(client, debug_on):
    output = seed()

    printed = passwords(output)
    assert set(printed) == DEMO_USERNAMES
    for username, password in printed.items():
        assert client.login(username=username, password=password), username
        client.logout()


def test_seed_demo__second_run__prints_new_passwords_and_old_ones_stop_working(client, debug_on):
    old = passwords(seed())
    new = passwords(seed())

    assert set(new) == DEMO_USERNAMES
    for username in DEMO_USERNAMES:
        assert new[username] != old[username]
        assert not client.login(username=username, password=old[username])
        assert client.login(username=username, password=new[username])
        client.logout()


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


def test_seed_demo__staff_user_can_open_the_admin(client, debug_on):
    printed = passwords(seed())

    assert client.login(username="phone", password=printed["phone"])
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
