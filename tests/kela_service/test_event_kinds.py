"""Every kind of event the apps send messages about is declared (notifications.kinds):
the admin's event filter lists the declared kinds, so an undeclared one would be
missing from it. pyproject.toml makes the warning an error, so any flow of the test
suite that sends an undeclared kind fails."""

import warnings

import pytest

from notifications import kinds
from notifications.outbox import notify
from offices.models import Office

pytestmark = pytest.mark.django_db


def test_notify__undeclared_kind__warns(offices):
    phone = Office.objects.get(slug="phone")

    with pytest.warns(kinds.UndeclaredKind, match="'greeting', a kind no app declared"):
        notify(obj=phone, event="greeting:1", channel="sms", to="040 123 4567", body="Hei")


@pytest.mark.parametrize("event", ["confirmed", "moved:1234", "code", "link"])
def test_notify__declared_kind__no_warning(offices, event):
    phone = Office.objects.get(slug="phone")

    with warnings.catch_warnings():
        warnings.simplefilter("error", kinds.UndeclaredKind)
        notify(obj=phone, event=event, channel="sms", to="040 123 4567", body="Hei")


def test_undeclared_kind__an_error_in_the_tests():
    with pytest.raises(kinds.UndeclaredKind):
        kinds.check("nobody-declared-this")
