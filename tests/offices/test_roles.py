"""The staff groups come from post_migrate handlers: each app grants its own share."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from offices.roles import OFFICE_STAFF, PHONE_SERVICE

pytestmark = pytest.mark.django_db


def _codenames(group_name):
    group = Group.objects.get(name=group_name)
    return sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    )


def _migrate_again():
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_after_migrate__phone_service_has_each_apps_share():
    assert _codenames(PHONE_SERVICE) == [
        "appointments.add_appointment",
        "appointments.book_for_customer",
        "appointments.change_appointment",
        "appointments.change_slot",
        "appointments.mark_appointment_status",
        "appointments.view_appointment",
        "appointments.view_slot",
        "callbacks.add_callbackrequest",
        "callbacks.change_callbackrequest",
        "callbacks.view_callbackattempt",
        "callbacks.view_callbackrequest",
        "citizens.identify_caller",
        "desk.add_oralapplication",
        "desk.view_oralapplication",
        "notifications.view_message",
        "offices.view_office",
        "offices.view_topic",
    ]


OFFICE_STAFF_SHARE = [
    "appointments.book_for_customer",
    "appointments.mark_appointment_status",
    "desk.serve_desk",
]


def test_after_migrate__office_staff_mark_arrivals_book_and_serve_the_desk():
    assert _codenames(OFFICE_STAFF) == OFFICE_STAFF_SHARE


def test_next_migrate__a_permission_no_longer_listed__is_taken_away():
    # Office staff once had "view appointment" (it showed every office's bookings).
    office_staff = Group.objects.get(name=OFFICE_STAFF)
    office_staff.permissions.add(Permission.objects.get(codename="view_appointment"))

    _migrate_again()

    assert _codenames(OFFICE_STAFF) == OFFICE_STAFF_SHARE


def test_next_migrate__a_permission_of_an_app_without_a_share__is_left_alone():
    phone = Group.objects.get(name=PHONE_SERVICE)
    phone.permissions.add(Permission.objects.get(codename="view_group"))

    _migrate_again()

    assert "auth.view_group" in _codenames(PHONE_SERVICE)


def test_next_migrate__deleted_groups__come_back():
    Group.objects.all().delete()

    _migrate_again()

    assert _codenames(OFFICE_STAFF) == OFFICE_STAFF_SHARE
    assert "callbacks.change_callbackrequest" in _codenames(PHONE_SERVICE)


@pytest.mark.django_db(transaction=True)
def test_transactional_test__after_the_flush__groups_are_there():
    assert "offices.view_office" in _codenames(PHONE_SERVICE)
