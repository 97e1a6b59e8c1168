"""Every look at a callback request is on record: the queue page, a request's page and
the admin's pages each leave one row (one INSERT) with the user and the requests seen."""

import pytest
from django.urls import reverse

from access.models import AccessRecord
from access.records import records_about
from tests.factories import helsinki

pytestmark = pytest.mark.django_db


def views():
    return AccessRecord.objects.filter(action="view")


@pytest.fixture
def requests_(friday, make_callback):
    return [
        make_callback(helsinki(2026, 12, 7, 9, 0), phone="+358401234567"),
        make_callback(helsinki(2026, 12, 7, 9, 30), phone="+358407654321"),
    ]


@pytest.fixture
def staff_client(client, phone_staff, staff_login, friday):
    staff_login(phone_staff)  # at the pinned time: a staff session lasts 8 hours
    return client


def test_queue__leaves_one_row_with_the_requests_on_the_page(staff_client, phone_staff, requests_):
    assert staff_client.get("/staff/callbacks/").status_code == 200

    row = views().get()
    assert (row.user, row.model, row.office) == (phone_staff, "callbacks.callbackrequest", "")
    assert row.reference_list == [r.reference for r in requests_]


def test_detail__leaves_one_row_with_the_request(staff_client, phone_staff, requests_):
    callback = requests_[1]

    response = staff_client.get(reverse("callback_queue:detail", kwargs={"pk": callback.pk}))

    assert response.status_code == 200
    row = views().get()
    assert (row.user, row.reference_list) == (phone_staff, [callback.reference])
    assert list(records_about(phone="040 765 4321")) == [row]


def test_admin_change_view__view_only_page__leaves_one_row(staff_client, phone_staff, requests_):
    callback = requests_[0]

    url = reverse("admin:callbacks_callbackrequest_change", args=[callback.pk])
    assert staff_client.get(url).status_code == 200

    row = views().get()
    assert (row.user, row.reference_list) == (phone_staff, [callback.reference])


def test_admin_changelist__leaves_one_row_with_the_requests_listed(staff_client, requests_):
    url = reverse("admin:callbacks_callbackrequest_changelist")
    assert staff_client.get(url).status_code == 200

    assert sorted(views().get().reference_list) == sorted(r.reference for r in requests_)
