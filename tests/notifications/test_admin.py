"""Messages in the admin: read-only, filters, sensitive text hidden, retry, the inline."""

import pytest
from django.contrib.auth.models import Permission

from notifications.models import Message, Status
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/message/"


@pytest.fixture
def admin_client(client, superuser, staff_login):
    staff_login(superuser)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def viewer_client(client, db, staff_login):
    """A staff member who may view messages, not retry them."""
    user = UserFactory(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_message"))
    staff_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def messages(queue):
    sms = queue("sms", event="moved:17", to="040 123 4567")
    code = queue("sms", event="code", body="Koodisi on 482913.", sensitive=True)
    email = queue("email", event="confirmed", to="maija@example.com")
    Message.objects.filter(pk=email.pk).update(status=Status.FAILED, last_error="SMTP down")
    return {"sms": sms, "code": code, "email": email}


def results(response):
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?channel__exact=sms",
        "?status__exact=failed",
        "?event=moved",
        "?delivery_status__exact=DELIVERED",
        "?q=maija",
        "?created_at__gte=2026-12-01+00%3A00%3A00%2B02%3A00"
        "&created_at__lt=2026-12-02+00%3A00%3A00%2B02%3A00",  # as the date filter links
    ],
)
def test_changelist__with_filters__renders(admin_client, messages, query):
    assert admin_client.get(CHANGELIST + query).status_code == 200


def test_changelist__event_filter__groups_events_by_the_word_before_the_colon(
    admin_client, messages, queue
):
    queue("sms", event="moved:18")

    response = admin_client.get(CHANGELIST + "?event=moved")

    assert {m.event for m in results(response)} == {"moved:17", "moved:18"}
    changelist = response.context["cl"]
    choices = [c["display"] for c in changelist.filter_specs[2].choices(changelist)]
    # The kinds the apps declare (notifications.kinds), whatever the outbox holds.
    assert choices == [
        "All",
        "affected",
        "cancelled",
        "code",
        "confirmed",
        "link",
        "moved",
        "reminder",
    ]


def test_changelist__search_by_phone_in_any_format__finds_the_message(admin_client, messages):
    response = admin_client.get(CHANGELIST, {"q": "+358 40 1234567"})

    assert {m.event for m in results(response)} == {"moved:17", "code"}


@pytest.mark.parametrize("count", [1, 500])
def test_changelist__one_or_500_messages__same_query_count(
    admin_client, queue, django_assert_num_queries, count
):
    admin_client.get(CHANGELIST)  # warm caches (content types, session)
    for n in range(count):
        queue("sms", event=f"more:{n}")

    # session, user, the count of the last 7 days (no count of the whole table; event
    # kinds and delivery states are fixed lists), the page (the content types come
    # with it: list_select_related)
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(5):
        response = admin_client.get(CHANGELIST)

    assert len(results(response)) == min(count, 100)


def test_changelist__by_default__the_last_7_days(client, superuser, staff_login, queue, pin_clock):
    pin_clock(helsinki(2026, 11, 1, 12, 0))
    old = queue("sms", event="old")
    pin_clock(helsinki(2026, 12, 4, 12, 0))
    new = queue("sms", event="new")
    admin_client = staff_login(superuser)  # now: a staff session ends when idle

    assert {m.pk for m in results(admin_client.get(CHANGELIST))} == {new.pk}
    everything = admin_client.get(CHANGELIST, {"created": "all"})
    assert {m.pk for m in results(everything)} == {new.pk, old.pk}


def test_change_view__sensitive_text_hidden_and_nothing_editable(admin_client, messages):
    response = admin_client.get(f"{CHANGELIST}{messages['code'].pk}/change/")

    assert response.status_code == 200
    assert b"482913" not in response.content
    assert b"Hidden: it holds a code or a private link." in response.content
    assert b'name="_save"' not in response.content


def test_change_view__ordinary_text_shown(admin_client, messages):
    response = admin_client.get(f"{CHANGELIST}{messages['sms'].pk}/change/")

    assert b"Aika varattu ma 7.12." in response.content


def test_add_and_delete__not_offered(admin_client, messages):
    assert admin_client.get(CHANGELIST + "add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{messages['sms'].pk}/delete/").status_code == 403


def test_retry_action__queues_the_failed_ones_again(admin_client, messages):
    selected = [messages["email"].pk, messages["sms"].pk]

    response = admin_client.post(
        CHANGELIST, {"action": "retry", "_selected_action": selected}, follow=True
    )

    assert "1 failed message queued again." in response.content.decode()
    assert Message.objects.get(pk=messages["email"].pk).status == Status.QUEUED
    assert Message.objects.get(pk=messages["sms"].pk).status == Status.QUEUED


def test_retry_action__not_offered_without_the_retry_permission(viewer_client, messages):
    response = viewer_client.get(CHANGELIST)

    assert response.status_code == 200
    assert b'value="retry"' not in response.content
    response = viewer_client.post(
        CHANGELIST, {"action": "retry", "_selected_action": [messages["email"].pk]}
    )
    assert Message.objects.get(pk=messages["email"].pk).status == Status.FAILED


@pytest.mark.urls("tests.notifications.admin_urls")
def test_message_inline__lists_an_objects_messages_read_only(admin_client, subject, messages):
    response = admin_client.get(f"/admin/auth/user/{subject.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "moved:17" in page
    assert "confirmed" in page
    assert "SMTP down" in page
    assert "482913" not in page
    assert 'name="notifications-message-content_type-object_id-0-event"' not in page
