"""The public form and pages, the staff queue, the API and the admin, through the client."""

import datetime
import re

import pytest
from django.urls import reverse

from callbacks import rules
from callbacks.models import CallbackAttempt, CallbackRequest
from offices.models import DateException, ServiceKind
from tests.conftest import FRIDAY_14
from tests.factories import UserFactory, helsinki

Status = CallbackRequest.Status
# The population register's example of the century signs of 2023.
IDENTITY_CODE = "010594Y9021"

pytestmark = pytest.mark.django_db


def form_data(topic, **overrides):
    return {
        "window": "2026-12-04T14:30",
        "phone": "040 123 4567",
        "topic": topic.pk,
        "language": "fi",
        "message": "Kysymys asumistuesta",
        **overrides,
    }


# --- Public form --------------------------------------------------------------------


def test_request_form__friday_14__lists_todays_and_mondays_windows(client, friday):
    response = client.get("/en/callbacks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'value="(2026-12-04T[0-9:]+)"', html) == [
        "2026-12-04T14:30",
        "2026-12-04T15:00",
        "2026-12-04T15:30",
    ]
    assert len(re.findall(r'value="2026-12-07T', html)) == 14
    assert "Fri 4 Dec 2026" in html
    assert "Mon 7 Dec 2026" in html


def test_request_form__valid_post__redirects_to_private_confirmation_page(client, friday, topic):
    response = client.post("/en/callbacks/", form_data(topic, language="en"))
    callback = CallbackRequest.objects.get()
    assert response.status_code == 302
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    assert response.url == f"/en/callbacks/{callback.reference}/{token}/"
    assert CallbackRequest.objects.by_token(token).get() == callback  # found by its hash
    assert token not in str(callback.manage_token_hash)  # the link itself is not stored
    page = client.get(response.url).content.decode()
    assert callback.reference in page
    assert "We will call you on Fri 4 Dec 2026 between 14:30 and 15:00." in page
    assert f"/en/callbacks/{callback.reference}/{token}/cancel/" in page


@pytest.mark.parametrize(
    ("prefix", "sentence"),
    [
        ("", "Soitamme sinulle pe 4.12.2026 klo 14.30–15.00."),
        ("/sv", "Vi ringer dig fr 4.12.2026 mellan kl. 14.30 och 15.00."),
    ],
)
def test_confirmation_page__finnish_and_swedish__localised_sentence(
    client, friday, make_callback, prefix, sentence
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    page = client.get(f"{prefix}/callbacks/{callback.reference}/{callback.manage_token}/")
    assert sentence in page.content.decode()


def test_confirmation_page__wrong_secret__is_404(client, friday, make_callback):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    token = callback.manage_token
    wrong = ("y" if token[0] == "x" else "x") + token[1:]
    assert client.get(f"/callbacks/{callback.reference}/{wrong}/").status_code == 404
    assert client.get(f"/callbacks/{callback.reference}/").status_code == 404


def test_cancel__post_with_private_link__cancels_and_frees_the_place(client, friday, make_callback):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    response = client.post(f"/en/callbacks/{callback.reference}/{callback.manage_token}/cancel/")
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == Status.CANCELLED
    page = client.get(response.url).content.decode()
    assert "Your callback request has been cancelled." in page
    assert "Cancelled" in page
    again = client.post(f"/en/callbacks/{callback.reference}/{callback.manage_token}/cancel/")
    assert "already closed" in client.get(again.url).content.decode()


def test_cancel__get__asks_once_more_and_cancels_nothing(client, friday, make_callback):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    url = f"/sv/callbacks/{callback.reference}/{callback.manage_token}/cancel/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vill du avboka kontaktbegäran?" in page
    assert f'action="{url}"' in page
    assert "Ja, avboka kontaktbegäran" in page
    assert f'href="/sv/callbacks/{callback.reference}/{callback.manage_token}/"' in page
    callback.refresh_from_db()
    assert callback.status == Status.PENDING
    assert client.get(f"/callbacks/{callback.reference}/wrong/cancel/").status_code == 404


def test_cancel__get_when_taken_by_staff__redirects_to_the_requests_page(
    client, friday, make_callback, phone_staff
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    rules.callback_take(callback=callback, user=phone_staff)
    response = client.get(f"/en/callbacks/{callback.reference}/{callback.manage_token}/cancel/")
    assert response.status_code == 302
    assert response.url == f"/en/callbacks/{callback.reference}/{callback.manage_token}/"


def test_confirmation_page__success_panel_with_summary_and_what_to_have_at_hand(
    client, friday, make_callback
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30), language="sv", message="Bostad")
    page = client.get(f"/en/callbacks/{callback.reference}/{callback.manage_token}/")
    html = page.content.decode()
    assert '<div class="confirmation-panel">' in html
    assert "Your callback request has been received" in html
    assert "Fri 4 Dec 2026 between 14:30 and 15:00" in html
    assert callback.phone.as_national in html
    assert "Swedish" in html
    assert "Bostad" in html
    assert "one-time code in OmaKela" in html
    assert 'href="tel:+35820692210"' in html


def test_unknown_link__friendly_404_with_the_ways_forward(client, friday, make_callback):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    response = client.get(f"/en/callbacks/{callback.reference}/not-the-token/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link does not open a booking or a callback request" in page
    assert 'href="/en/appointments/find/"' in page


def test_cancel__taken_by_staff__refused_with_the_phone_service_number(
    client, friday, make_callback, phone_staff
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    rules.callback_take(callback=callback, user=phone_staff)
    page = client.get(
        f"/en/callbacks/{callback.reference}/{callback.manage_token}/"
    ).content.decode()
    assert "/cancel/" not in page
    assert "already handling your request" in page
    assert 'call the phone service at <a href="tel:+35820692210">020 692 210</a>' in page
    response = client.post(
        f"/en/callbacks/{callback.reference}/{callback.manage_token}/cancel/", follow=True
    )
    assert "We are already handling this callback request" in response.content.decode()
    callback.refresh_from_db()
    assert callback.status == Status.IN_PROGRESS


def test_request_form__errors__keep_what_was_typed_and_link_from_summary(client, friday, topic):
    response = client.post(
        "/en/callbacks/", form_data(topic, phone="12", window="", message="Minun viesti")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="12"' in html
    assert "Minun viesti" in html
    assert 'href="#id_phone"' in html
    assert 'href="#id_window_0_0"' in html
    assert 'id="id_window_0_0"' in html
    assert "Enter a valid phone number" in html
    assert "Choose a time for the call." in html
    assert not CallbackRequest.objects.exists()


@pytest.mark.parametrize("phone", ["+3584OOOOOOO", "040 ABC 4567"])
def test_request_form__phone_with_letters__asks_for_digits_only(client, friday, topic, phone):
    response = client.post("/en/callbacks/", form_data(topic, phone=phone))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Use only digits in the phone number" in html
    assert f'value="{phone}"' in html
    assert 'href="#id_phone"' in html
    assert not CallbackRequest.objects.exists()
    finnish = client.post("/callbacks/", form_data(topic, phone=phone)).content.decode()
    assert "Käytä puhelinnumerossa vain numeroita" in finnish


def test_request_form__finnish_errors__in_finnish(client, friday, topic):
    response = client.post("/callbacks/", form_data(topic, phone=""))
    assert "Anna puhelinnumero, johon soitamme." in response.content.decode()


def test_request_form__window_taken_meanwhile__says_fully_booked(
    client, friday, topic, make_callback, settings
):
    settings.CALLBACK_WINDOW_CAPACITY = 1
    page = client.get("/en/callbacks/")
    assert 'value="2026-12-04T14:30"' in page.content.decode()
    make_callback(helsinki(2026, 12, 4, 14, 30))
    response = client.post("/en/callbacks/", form_data(topic))
    assert response.status_code == 200
    assert "not available any more" in response.content.decode()
    assert CallbackRequest.objects.count() == 1


def test_request_form__second_request_same_phone__says_so_without_revealing_it(
    client, friday, topic, make_callback
):
    first = make_callback(helsinki(2026, 12, 7, 9, 0), phone="0401234567")
    response = client.post("/en/callbacks/", form_data(topic))
    (message,) = response.context["form"].errors["phone"]
    assert message.startswith("There is already an open callback request for this number")
    assert "Mon 7 Dec 2026" not in message
    assert "9:00" not in message
    assert first.reference not in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "Poista henkilötunnus tekstistä."),
        ("/sv", "Ta bort personbeteckningen ur texten."),
        ("/en", "Remove the personal identity code from the text."),
    ],
)
def test_request_form__identity_code_in_the_message__refused_on_the_field(
    client, friday, topic, prefix, message
):
    response = client.post(
        f"{prefix}/callbacks/", form_data(topic, message=f"Hetu {IDENTITY_CODE}, soittakaa")
    )

    assert response.status_code == 200
    assert message in response.text
    assert 'href="#id_message"' in response.text
    assert "040 123 4567" in response.text
    assert not CallbackRequest.objects.exists()


def test_call_attempt__identity_code_in_the_note__refused(
    client, friday, make_callback, phone_staff, staff_login
):
    callback = make_callback(helsinki(2026, 12, 7, 9, 0))
    rules.callback_take(callback=callback, user=phone_staff)
    staff_login(phone_staff)

    response = client.post(
        reverse("callback_queue:detail", kwargs={"pk": callback.pk}),
        {"result": "done", "note": f"Asiakas kertoi hetun {IDENTITY_CODE}"},
    )

    assert response.status_code == 200
    assert "Poista henkilötunnus tekstistä." in response.text
    assert not CallbackAttempt.objects.exists()


def test_request_form__no_windows__says_so(client, db, pin_clock):
    pin_clock(FRIDAY_14)
    response = client.get("/en/callbacks/")
    assert "No callback times are available" in response.content.decode()


def test_request_form__too_many_posts__429(client, friday, topic, settings):
    settings.PUBLIC_POST_RATE = "2/m"
    for _ in range(2):
        assert client.post("/en/callbacks/", {"phone": "x"}).status_code == 200
    assert client.post("/en/callbacks/", {"phone": "x"}).status_code == 429


# --- Staff queue -----------------------------------------------------------------


def test_queue__anonymous__redirected_to_login(client, db):
    response = client.get("/staff/callbacks/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_queue__staff_without_permission__403(client, offices, staff_login):
    staff_login(UserFactory(username="tornio", groups=["Office staff"]))
    assert client.get("/staff/callbacks/").status_code == 403
    assert client.get("/staff/callbacks/summary/").status_code == 403


def test_queue__phone_staff__orders_by_due_time_and_highlights_overdue(
    client, offices, pin_clock, make_callback, phone_staff, django_assert_num_queries, staff_login
):
    pin_clock(helsinki(2026, 12, 4, 9, 0))
    later = make_callback(helsinki(2026, 12, 4, 11, 0))
    overdue = make_callback(helsinki(2026, 12, 4, 10, 0))
    make_callback(helsinki(2026, 12, 7, 9, 0))
    done = make_callback(helsinki(2026, 12, 4, 9, 30))
    rules.callback_take(callback=done, user=phone_staff)
    rules.callback_record_attempt(callback=done, user=phone_staff, outcome="done")
    pin_clock(helsinki(2026, 12, 4, 10, 45))
    staff_login(phone_staff)
    # session, user, 2 permission checks, counts, requests, access record (INSERT),
    # phone service, periods, rules, exceptions, load per window, the staff header's offices
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(14):
        response = client.get("/staff/callbacks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(overdue.reference) < html.index(later.reference)
    assert done.reference not in html
    assert html.count('class="is-overdue"') == 1
    assert "1 myöhässä" in html  # unprefixed staff pages are in Finnish
    assert [r.reference for r in response.context["requests"] if r.overdue] == [overdue.reference]
    load = dict(response.context["load"])
    assert [(f"{s:%H:%M}", taken) for s, _e, taken, _c in load[datetime.date(2026, 12, 4)]][:5] == [
        ("09:00", 0),
        ("09:30", 1),
        ("10:00", 1),
        ("10:30", 0),
        ("11:00", 1),
    ]
    assert sum(t for _s, _e, t, _c in load[datetime.date(2026, 12, 7)]) == 1


def test_queue__many_requests__query_count_does_not_grow(
    client, friday, make_callback, phone_staff, django_assert_num_queries, staff_login
):
    for hour in range(9, 15):
        make_callback(helsinki(2026, 12, 7, hour, 0))
        make_callback(helsinki(2026, 12, 7, hour, 30))
    staff_login(phone_staff)
    # 11, the access record's INSERT, the staff header's offices, and the second
    # factor's device of the session (django-otp, since the staff door)
    with django_assert_num_queries(14):
        assert client.get("/staff/callbacks/").status_code == 200


def make_many(make_callback, count):
    """``count`` requests on Monday 7 December, ten to a window from 09:00."""
    for i in range(count):
        make_callback(helsinki(2026, 12, 7, 9 + i // 20, 30 * (i // 10 % 2)))


@pytest.mark.parametrize("count", [1, 500])
def test_queue__one_or_500_open_requests__same_query_count(
    client, friday, many_callbacks, phone_staff, django_assert_num_queries, count, staff_login
):
    many_callbacks(datetime.date(2026, 12, 7), count)
    staff_login(phone_staff)
    # session, user, 2 permission checks, counts, requests, access record (INSERT),
    # phone service, periods, rules, exceptions, load per window, the staff header's offices
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(14):
        response = client.get("/staff/callbacks/")
    assert response.status_code == 200
    assert len(response.context["requests"]) == min(count, 50)


@pytest.mark.parametrize("count", [1, 500])
def test_admin_changelist__one_or_500_open_requests__same_query_count(
    client, friday, many_callbacks, superuser, django_assert_num_queries, count, staff_login
):
    many_callbacks(datetime.date(2026, 12, 7), count)
    staff_login(superuser)
    client.get("/admin/callbacks/callbackrequest/")  # warm the session
    # session, user, topics (of the topic filter), the count of the open requests (no
    # count of the whole table, no date hierarchy), the page, the access record's INSERT
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(7):
        response = client.get("/admin/callbacks/callbackrequest/")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(count, 100)


def test_queue__sixty_requests__fifty_a_page_in_due_order(
    client, friday, make_callback, phone_staff, staff_login
):
    make_many(make_callback, 60)
    staff_login(phone_staff)
    first = client.get("/staff/callbacks/")
    assert "60 avointa pyyntöä" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/staff/callbacks/?page=2")
    assert len(second.context["requests"]) == 10
    seen = [r.pk for r in first.context["requests"]] + [r.pk for r in second.context["requests"]]
    expected = list(CallbackRequest.objects.open().by_due_time().values_list("pk", flat=True))
    assert seen == expected
    for page in ["0", "99", "x", "99999999999999999999999"]:
        response = client.get("/staff/callbacks/", {"page": page})
        assert response.status_code == 200


def test_take__two_staff__second_gets_a_message(
    client, friday, make_callback, phone_staff, other_phone_staff, staff_login
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    rules.callback_take(callback=callback, user=other_phone_staff)
    staff_login(phone_staff)
    response = client.post(f"/staff/callbacks/{callback.pk}/take/", follow=True)
    assert "Outi Toinen ehti ottaa tämän pyynnön ensin." in response.content.decode()
    callback.refresh_from_db()
    assert callback.handled_by == other_phone_staff


def test_take_and_record__through_pages__closes_the_request(
    client, friday, make_callback, phone_staff, staff_login
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    staff_login(phone_staff)
    response = client.post(f"/staff/callbacks/{callback.pk}/take/")
    assert response.url == f"/staff/callbacks/{callback.pk}/"
    page = client.get(response.url)
    assert page.context["can_record"]
    response = client.post(response.url, {"result": "retry", "note": "Ei vastannut"})
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == Status.IN_PROGRESS
    response = client.post(f"/staff/callbacks/{callback.pk}/", {"result": "done", "note": "OK"})
    assert response.url == "/staff/callbacks/"
    callback.refresh_from_db()
    assert callback.status == Status.DONE
    assert callback.attempts.count() == 2


def test_record__without_taking__shows_error(
    client, friday, make_callback, phone_staff, staff_login
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    staff_login(phone_staff)
    response = client.post(f"/staff/callbacks/{callback.pk}/", {"result": "done"})
    assert response.status_code == 200
    assert "Ota pyyntö käsittelyyn ennen kuin kirjaat puhelun." in response.content.decode()


def test_summary__phone_staff__shows_the_days_figures(
    client, friday, make_callback, phone_staff, staff_login
):
    make_callback(helsinki(2026, 12, 4, 15, 0))
    staff_login(phone_staff)
    response = client.get("/staff/callbacks/summary/?date=2026-12-04")
    assert response.status_code == 200
    assert response.context["summary"]["requests"] == 1
    assert client.get("/staff/callbacks/summary/?date=nonsense").status_code == 200


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "nonsense", ""])
def test_summary__date_out_of_range_or_garbage__shows_today_with_a_message(
    client, friday, phone_staff, value, staff_login
):
    staff_login(phone_staff)
    response = client.get("/staff/callbacks/summary/", {"date": value})
    assert response.status_code == 200
    assert response.context["day"] == datetime.date(2026, 12, 4)
    assert "Näytetään tämä päivä." in response.content.decode()


def test_summary__last_supported_date__renders(client, friday, phone_staff, staff_login):
    staff_login(phone_staff)
    response = client.get("/staff/callbacks/summary/?date=2100-12-31")
    assert response.status_code == 200
    assert response.context["day"] == datetime.date(2100, 12, 31)


def test_take__get__redirects_to_the_request(
    client, friday, make_callback, phone_staff, staff_login
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    staff_login(phone_staff)
    response = client.get(f"/staff/callbacks/{callback.pk}/take/")
    assert response.status_code == 302
    assert response.url == f"/staff/callbacks/{callback.pk}/"
    callback.refresh_from_db()
    assert callback.status == Status.PENDING


# --- API ---------------------------------------------------------------------------


def test_api_windows__friday_14__lists_friday_afternoon_and_all_of_monday(client, friday):
    response = client.get("/api/v1/callbacks/windows")
    assert response.status_code == 200
    days = response.json()["days"]
    assert [d["date"] for d in days] == ["2026-12-04", "2026-12-07"]
    assert days[0]["windows"] == [
        {"start": "2026-12-04T14:30:00+02:00", "end": "2026-12-04T15:00:00+02:00", "remaining": 10},
        {"start": "2026-12-04T15:00:00+02:00", "end": "2026-12-04T15:30:00+02:00", "remaining": 10},
        {"start": "2026-12-04T15:30:00+02:00", "end": "2026-12-04T16:00:00+02:00", "remaining": 10},
    ]
    monday = [w["start"][11:16] for w in days[1]["windows"]]
    assert monday == [f"{h:02d}:{m:02d}" for h in range(9, 16) for m in (0, 30)]


def test_api_windows__same_as_form(client, friday, make_callback, settings):
    settings.CALLBACK_WINDOW_CAPACITY = 2
    make_callback(helsinki(2026, 12, 4, 15, 0))
    make_callback(helsinki(2026, 12, 4, 15, 0))
    make_callback(helsinki(2026, 12, 4, 15, 30))
    days = client.get("/api/v1/callbacks/windows").json()["days"]
    assert [(w["start"][11:16], w["remaining"]) for w in days[0]["windows"]] == [
        ("14:30", 2),
        ("15:30", 1),
    ]
    form_values = re.findall(
        r'value="(2026-12-0\dT[0-9:]+)"', client.get("/callbacks/").content.decode()
    )
    assert form_values == [w["start"][:16] for d in days for w in d["windows"]]


# --- Admin -----------------------------------------------------------------------


def test_admin__changelist_and_change_page_render(
    client, friday, make_callback, phone_staff, superuser, staff_login
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    staff_login(superuser)
    for params in ["", "?show=all", "?show=overdue", "?show=today", "?q=0401"]:
        response = client.get(f"/admin/callbacks/callbackrequest/{params}")
        assert response.status_code == 200
    assert callback.reference in client.get("/admin/callbacks/callbackrequest/").content.decode()
    assert client.get(f"/admin/callbacks/callbackrequest/{callback.pk}/change/").status_code == 200


def test_admin__phone_staff_adds_a_request_with_the_same_rules(
    client, friday, topic, phone_staff, staff_login
):
    staff_login(phone_staff)
    url = "/admin/callbacks/callbackrequest/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(topic, window="2026-12-04T14:00"))
    assert response.status_code == 200
    assert not CallbackRequest.objects.exists()
    response = client.post(url, form_data(topic))
    assert response.status_code == 302
    callback = CallbackRequest.objects.get()
    assert callback.window_start == helsinki(2026, 12, 4, 14, 30)
    assert str(callback.phone) == "+358401234567"
    # The same number again: the same message as the citizens get.
    response = client.post(url, form_data(topic, window="2026-12-07T10:00"))
    assert "Tälle numerolle on jo avoin soittopyyntö" in response.content.decode()


def test_reverse__named_urls_exist():
    assert reverse("callbacks:request") == "/callbacks/"
    assert reverse("callback_queue:queue") == "/staff/callbacks/"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ("window_start__year=9999", 200),
        ("window_start__year=9999&window_start__month=12&window_start__day=31", 200),
        ("window_start__year=x", 302),
    ],
)
def test_admin__old_date_hierarchy_link__is_a_plain_filter_not_a_500(
    client, friday, superuser, params, status, staff_login
):
    # The list has no date hierarchy any more (an aggregate over the whole history); an
    # old link filters on the request's own field, or is an incorrect lookup (?e=1).
    staff_login(superuser)
    response = client.get(f"/admin/callbacks/callbackrequest/?show=all&{params}")
    assert response.status_code == status


def test_request_form__next_working_day_closed__says_why_it_offers_the_day_after(
    client, friday, offices
):
    DateException.objects.create(
        office=offices["phone"],
        date=datetime.date(2026, 12, 7),
        service=ServiceKind.PHONE,
        closed=True,
        reason="Koulutus",
    )

    html = client.get("/callbacks/").content.decode()

    assert (
        "Puhelinpalvelu on suljettu ma 7.12.2026 (Koulutus), joten tarjoamme seuraavaa "
        "päivää, jona se on auki." in html
    )
    assert "ti 8.12.2026" in html


# --- A lost link, sent again after the code proof ------------------------------------------


def test_lost_link__unproven_number__the_code_step_first_and_nothing_sent(
    client, friday, make_callback, sms_outbox, deliver
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30), phone="+358407654321")
    old_token = callback.manage_token

    response = client.post("/en/callbacks/lost-link/", {"phone": "040 765 4321"})

    assert 'name="code"' in response.content.decode()
    deliver()
    assert all("/callbacks/" not in sms["text"] for sms in sms_outbox)
    assert client.get(callback.get_absolute_url()).status_code == 200
    assert CallbackRequest.objects.by_token(old_token).exists()


def test_lost_link__identified_but_number_unproven__the_code_step_and_the_link_kept(
    client, friday, make_callback, citizen, identify
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30), phone="+358407654321")
    old_token = callback.manage_token
    identify(citizen)  # logged in, but not the owner of 040 765 4321

    response = client.post("/en/callbacks/lost-link/", {"phone": "040 765 4321"})

    assert 'name="code"' in response.content.decode()
    assert CallbackRequest.objects.by_token(old_token).exists()


def test_lost_link__proven_number__a_new_link_by_sms_and_the_old_one_stops(
    client, friday, make_callback, sms_outbox, deliver, settings
):
    settings.SITE_URL = "https://kela.example"
    callback = make_callback(helsinki(2026, 12, 4, 14, 30), phone="+358401234567", language="sv")
    old_url = f"/callbacks/{callback.reference}/{callback.manage_token}/"

    response = client.post("/en/callbacks/lost-link/", {"phone": "040 123 4567"})

    assert "We sent a new link to your callback request" in response.content.decode()
    deliver()
    text = sms_outbox[-1]["text"]
    assert sms_outbox[-1]["to"] == "+358401234567"
    new_url = re.search(r"https://kela\.example(/sv/callbacks/\S+/)", text)[1]
    assert callback.reference in text
    assert client.get(new_url).status_code == 200
    assert client.get(old_url).status_code == 404


def test_lost_link__proven_number_without_an_open_request__says_so(client, friday):
    response = client.post("/en/callbacks/lost-link/", {"phone": "040 123 4567"})

    assert "has no open callback request" in response.content.decode()


def test_lost_link__empty_or_bad_number__error_and_what_was_typed_kept(client, friday):
    empty = client.post("/en/callbacks/lost-link/", {"phone": ""}).content.decode()
    bad = client.post("/en/callbacks/lost-link/", {"phone": "12ab"}).content.decode()

    assert "Enter the phone number you gave in the callback request." in empty
    assert 'value="12ab"' in bad
    assert "error-summary" in bad
