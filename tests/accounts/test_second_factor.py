"""No admin or staff page opens without the second factor: a test per URL pattern under
/admin/ and /staff/, found by walking the URL resolver (so that a new staff URL is
tested the day it is added)."""

import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from offices.models import Office
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The way in and out, open to a session without the second factor (tested on their own
# in test_login.py and test_enrol.py).
DOOR = {"admin/login/", "staff/logout/", "staff/enrol/"}
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<pattern>[^()]*)\)")
CONVERTER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).replace("^", "").replace("$", "")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def _expanded(route):
    """A route with each choice of a regex group of plain words (the admin's app
    labels) as a route of its own; other groups become ``<name>`` placeholders."""
    match = GROUP.search(route)
    if match is None:
        return [CONVERTER.sub(r"<\g<name>>", route)]
    name, pattern = match["name"], match["pattern"]
    if re.fullmatch(r"\w+(\|\w+)*", pattern):
        choices = pattern.split("|")
    elif name == "url":  # the admin's catch-all
        choices = ["no-such-page/"]
    else:
        choices = [f"<{name}>"]
    return [
        expanded
        for choice in choices
        for expanded in _expanded(route[: match.start()] + choice + route[match.end() :])
    ]


def staff_routes():
    """Every URL pattern under /admin/ and /staff/ but the door, path arguments as
    ``<name>``."""
    routes = (
        expanded
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(("admin/", "staff/"))
        for expanded in _expanded(route)
    )
    return sorted(set(routes) - DOOR)


def fill(route):
    """A path for ``route``: its arguments filled with real objects where there are
    some (the admin's model objects, an office, a day), plausible values elsewhere."""
    parts = route.split("/")
    model = None
    if route.startswith("admin/") and len(parts) > 3:
        try:
            model = apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            model = None
    first = model._default_manager.order_by("pk").first() if model else None
    office = Office.objects.get(slug="tornio")
    values = {
        "object_id": str(first.pk) if first else "1",
        "pk": str(first.pk) if first else "1",
        "id": str(UserFactory(username="subject").pk),
        "content_type_id": str(ContentType.objects.get_for_model(Office).pk),
        "office": office.slug,
        "day": "2026-12-07",
    }
    if route.startswith("admin/r/"):
        values["object_id"] = str(office.pk)
    return "/" + CONVERTER.sub(lambda m: values[m["name"]], route)


ROUTES = staff_routes()


def test_walk__finds_the_staff_pages_and_the_admin():
    assert {"staff/", "staff/<office>/<day>/csv", "staff/callbacks/<pk>/"} <= set(ROUTES)
    assert {"admin/", "admin/appointments/appointment/<object_id>/change/"} <= set(ROUTES)
    assert "admin/access/" in ROUTES  # an app's index
    assert len(ROUTES) > 100


@pytest.fixture
def signed_in(client, offices, staff_login):
    """``signed_in(kind)``: the test client as a superuser with the password only and
    no device ("password"), with the password only and a device ("device"), not at all
    ("anonymous"), or with both factors ("verified")."""

    def sign_in(kind):
        user = UserFactory(username="root", is_superuser=True)
        if kind == "verified":
            staff_login(user)
        elif kind in {"password", "device"}:
            client.force_login(user)  # as the login form lets in a password alone
            if kind == "device":
                TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
        return client

    return sign_in


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("kind", "sent_to"),
    [
        ("password", "/staff/enrol/?next="),
        ("device", "/admin/login/?next="),
        ("anonymous", "/admin/login/?next="),
    ],
)
def test_without_the_second_factor__redirected_before_any_view(signed_in, route, kind, sent_to):
    client = signed_in(kind)
    path = fill(route)

    for response in (client.get(path), client.post(path, {"post": "yes"})):
        assert response.status_code == 302, path
        assert response["Location"].startswith(sent_to), path
        assert response.content == b""


@pytest.mark.parametrize("route", ROUTES)
def test_with_the_second_factor__the_page_answers(signed_in, route):
    client = signed_in("verified")
    path = fill(route)

    response = client.get(path)

    assert response.status_code < 500, path
    if response.status_code == 302:
        assert not response["Location"].startswith(("/admin/login/", "/staff/enrol/")), path
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store"), path
