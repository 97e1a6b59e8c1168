"""A callback request made for a customer at the desk: the phone service's windows,
the same rule as everywhere, back to the desk."""

import re

import pytest
from django.urls import reverse

from callbacks.models import CallbackRequest
from desk.models import Visit
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

CALLBACK = reverse("desk:callback")
THURSDAY_13 = helsinki(2026, 12, 3, 13, 0)


@pytest.fixture
def visit(pin_clock, offices, kemi_staff, topic):
    pin_clock(THURSDAY_13)
    return Visit.objects.create(
        office=offices["kemi"], topic=topic, called_at=THURSDAY_13, served_by=kemi_staff
    )


def test_from_the_desk__topic_prefilled_stored_and_back_to_the_desk(client, kemi_staff, visit):
    client.force_login(kemi_staff)
    desk = reverse("desk:desk", args=["kemi"])
    query = f"?visit={visit.pk}&next={desk}"

    page = client.get(CALLBACK + query)
    window = re.search(r'name="window" value="([^"]+)"', page.text)[1]
    made = client.post(
        CALLBACK + query,
        {"window": window, "phone": "016 123 4567", "topic": visit.topic_id, "language": "fi"},
    )

    assert page.context["form"]["topic"].value() == visit.topic_id
    assert made.status_code == 302
    assert made.url == desk
    request = CallbackRequest.objects.get()
    assert str(request.phone) == "+358161234567"  # a landline: staff need no SMS proof


def test_second_open_request_for_the_number__refused_and_kept(client, kemi_staff, visit):
    client.force_login(kemi_staff)
    page = client.get(CALLBACK)
    window = re.search(r'name="window" value="([^"]+)"', page.text)[1]
    data = {"window": window, "phone": "040 765 4321", "topic": visit.topic_id, "language": "sv"}

    client.post(CALLBACK, data)
    again = client.post(CALLBACK, data)

    assert again.status_code == 200
    assert again.context["form"].errors
    assert 'value="040 765 4321"' in again.text
    assert CallbackRequest.objects.count() == 1


def test_no_desk_or_callback_rights__403(client, offices, db):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(CALLBACK).status_code == 403
