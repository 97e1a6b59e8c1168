"""The callback requests' admin list."""

import pytest
from django.contrib import admin
from django.urls import reverse

from callbacks.models import CallbackRequest
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:callbacks_callbackrequest_changelist")


def test_changelist__row_checkbox__djangos_markup_without_the_renderer(
    client, superuser, staff_login, friday, make_callback
):
    callback = make_callback(helsinki(2026, 12, 7, 9, 0))
    staff_login(superuser)
    model_admin = admin.site.get_model_admin(CallbackRequest)

    response = client.get(CHANGELIST)

    expected = admin.ModelAdmin.action_checkbox(model_admin, callback)
    assert model_admin.action_checkbox(callback) == expected
    assert expected in response.text
