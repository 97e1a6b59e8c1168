import pytest
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from appointments import rules
from appointments.models import Appointment, Slot
from tests.appointments.conftest import finnish
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

APPOINTMENTS = reverse("admin:appointments_appointment_changelist")
ADD = reverse("admin:appointments_appointment_add")
SLOTS = reverse("admin:appointments_slot_changelist")
AUTOCOMPLETE = reverse("admin:autocomplete")


@pytest.fixture
def phone_client(client, phone_staff, staff_login):
    staff_login(phone_staff)
    return client


@pytest.fixture
def admin_client_(client, superuser, staff_login):
    staff_login(superuser)
    return client


def _booking(slot, topic, **overrides):
    return {
        "slot": slot.pk,
        "topic": topic.pk,
        "name": "Matti Virtanen",
        "phone": "040 765 4321",
        "email": "",
        "language": "fi",
        "note": "Soittaa asumistuesta",
        **overrides,
    }


def test_appointment_changelist__phone_staff__renders(now, phone_client, tornio_slot, book):
    book(tornio_slot, name="Maija Meikäläinen")

    response = phone_client.get(APPOINTMENTS)

    assert response.status_code == 200
    assert "Maija Meikäläinen" in response.text


def test_appointment_changelist__default_filter__hides_past_days(
    now, phone_client, kemi, make_slot, book, pin_clock
):
    pin_clock(helsinki(2026, 12, 1, 8, 0))
    book(make_slot(kemi, helsinki(2026, 12, 2, 12, 0)), name="Eilinen Asiakas")
    book(make_slot(kemi, helsinki(2026, 12, 3, 15, 0)), name="Tämänpäiväinen Asiakas")
    pin_clock(helsinki(2026, 12, 3, 8, 0))

    default = phone_client.get(APPOINTMENTS).text
    everything = phone_client.get(APPOINTMENTS, {"when": "all"}).text

    assert "Tämänpäiväinen Asiakas" in default
    assert "Eilinen Asiakas" not in default
    assert "Eilinen Asiakas" in everything


def test_appointment_changelist__search_by_phone_in_national_format__finds_it(
    now, phone_client, tornio_slot, book
):
    book(tornio_slot, name="Maija Meikäläinen", phone="+358401234567")

    response = phone_client.get(APPOINTMENTS, {"q": "040 123 4567"})

    assert "Maija Meikäläinen" in response.text


@pytest.mark.parametrize("count", [1, 500])
def test_appointment_changelist__one_or_500_this_week__same_query_count(
    now, admin_client_, phone_office, many_bookings, django_assert_num_queries, count
):
    many_bookings(phone_office, helsinki(2026, 12, 4, 9, 0), count)
    admin_client_.get(APPOINTMENTS)  # warm the session and permission caches

    # session, user, the offices of the office filter, the count of the week's rows
    # (no count of the whole table, no date hierarchy), the page, and the access
    # record's INSERT of the rows shown
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(7):
        response = admin_client_.get(APPOINTMENTS)

    assert response.status_code == 200
    assert response.text.count("Asiakas ") == min(count, 100)


def test_appointment_changelist__by_default__this_week_and_a_search_looks_at_every_date(
    now, admin_client_, tornio, make_slot, book
):
    this_week = book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), name="Tällä Viikolla")
    later = book(make_slot(tornio, helsinki(2027, 1, 11, 9, 0)), name="Ensi Vuonna")

    listed = admin_client_.get(APPOINTMENTS).text
    found = admin_client_.get(APPOINTMENTS, {"q": later.reference}).text

    assert this_week.reference in listed
    assert later.reference not in listed
    assert later.reference in found
    assert later.reference in admin_client_.get(APPOINTMENTS, {"when": "upcoming"}).text


def test_appointment_add__phone_staff_posts_a_booking__books_it(
    now, phone_client, phone_staff, tornio_slot, topic
):
    response = phone_client.post(ADD, _booking(tornio_slot, topic))

    assert response.status_code == 302, response.context["adminform"].form.errors
    appointment = Appointment.objects.get()
    assert appointment.name == "Matti Virtanen"
    assert appointment.booked_by == phone_staff
    assert appointment.updated_by == phone_staff
    assert appointment.channel == Appointment.Channel.OFFICE
    tornio_slot.refresh_from_db()
    assert tornio_slot.booked_count == 1


def test_appointment_add__taken_slot__field_error_and_the_typed_data_kept(
    now, phone_client, tornio_slot, topic, book
):
    book(tornio_slot)

    response = phone_client.post(ADD, _booking(tornio_slot, topic))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.has_error("slot", code="slot_taken")
    assert finnish(rules.error[rules.SLOT_TAKEN]) in response.text
    assert 'value="Matti Virtanen"' in response.text
    assert Appointment.objects.count() == 1


def test_appointment_add__slot_from_the_query_string__is_preselected(
    now, phone_client, tornio_slot
):
    response = phone_client.get(ADD, {"slot": tornio_slot.pk})

    assert response.context["adminform"].form.initial["slot"] == str(tornio_slot.pk)


@pytest.mark.parametrize("slot", ["abc", "١٢", "12.5", "-"])
def test_appointment_add__non_numeric_slot_in_the_query_string__page_without_it(
    now, phone_client, tornio_slot, slot
):
    response = phone_client.get(ADD, {"slot": slot})

    assert response.status_code == 200
    assert "selected" not in response.text.split('name="slot"', 1)[1].split("</select>", 1)[0]


@pytest.mark.parametrize("slot", ["abc", "١٢", "12.5"])
def test_appointment_add__non_numeric_slot_posted__form_error_and_the_typed_data_kept(
    now, phone_client, tornio_slot, topic, slot
):
    response = phone_client.post(ADD, {**_booking(tornio_slot, topic), "slot": slot})

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("slot", code="invalid_choice")
    assert 'value="Matti Virtanen"' in response.text
    assert not Appointment.objects.exists()


def test_appointment_add__office_staff__is_forbidden(now, client, office_staff, staff_login):
    staff_login(office_staff)

    assert client.get(ADD).status_code == 403


def test_appointment_changelist__office_staff_of_tornio__sees_no_kemi_citizen(
    now, client, office_staff, kemi, make_slot, book, staff_login
):
    book(make_slot(kemi, helsinki(2026, 12, 3, 12, 0)), name="Kemiläinen Asiakas")
    staff_login(office_staff)

    response = client.get(APPOINTMENTS, {"q": "Kemi", "when": "all"})

    assert response.status_code == 403
    assert "Kemiläinen" not in response.text


def test_appointment_add__with_an_email__emails_the_citizen_once(
    now, phone_client, tornio_slot, topic, deliver
):
    response = phone_client.post(
        ADD, _booking(tornio_slot, topic, email="matti@example.com", language="sv")
    )
    deliver()
    deliver()

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["matti@example.com"]
    assert message.subject == "Din tid hos FPA må 7.12.2026 är bokad"
    assert Appointment.objects.get().manage_token in message.body


def test_appointment_add__without_an_email__emails_nothing_and_sends_the_sms(
    now, phone_client, tornio_slot, topic, deliver, sms_outbox
):
    phone_client.post(ADD, _booking(tornio_slot, topic))
    deliver()

    assert mail.outbox == []
    assert [sms["to"] for sms in sms_outbox] == ["+358407654321"]


def test_appointment_change__status_cancelled__frees_the_slot_and_records_who(
    now, phone_client, phone_staff, tornio_slot, topic, book
):
    appointment = book(tornio_slot)
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])

    response = phone_client.post(url, {**_booking(tornio_slot, topic), "status": "cancelled"})

    assert response.status_code == 302
    appointment.refresh_from_db()
    tornio_slot.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_at is not None
    assert appointment.updated_by == phone_staff
    assert appointment.name == "Matti Virtanen"
    assert tornio_slot.booked_count == 0


def test_appointment_change__new_slot__moves_the_place(
    now, phone_client, tornio, tornio_slot, make_slot, topic, book
):
    appointment = book(tornio_slot)
    new_slot = make_slot(tornio, helsinki(2026, 12, 8, 10, 0))
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])

    response = phone_client.post(url, {**_booking(new_slot, topic), "status": "booked"})

    assert response.status_code == 302
    tornio_slot.refresh_from_db()
    new_slot.refresh_from_db()
    assert Appointment.objects.get().slot == new_slot
    assert (tornio_slot.booked_count, new_slot.booked_count) == (0, 1)


def test_appointment_change__taken_new_slot__error_and_the_old_time_kept(
    now, phone_client, tornio, tornio_slot, make_slot, topic, book
):
    appointment = book(tornio_slot)
    full = make_slot(tornio, helsinki(2026, 12, 8, 10, 0))
    book(full, name="Nopeampi")
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])

    response = phone_client.post(url, {**_booking(full, topic), "status": "booked"})

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("slot", code="slot_taken")
    appointment.refresh_from_db()
    assert appointment.slot == tornio_slot
    assert appointment.name == "Maija Meikäläinen"


def test_appointment_cancel_action__frees_the_places(now, phone_client, tornio_slot, book):
    appointment = book(tornio_slot)

    response = phone_client.post(
        APPOINTMENTS,
        {"action": "cancel_appointments", ACTION_CHECKBOX_NAME: [appointment.pk]},
    )

    assert response.status_code == 302
    tornio_slot.refresh_from_db()
    assert tornio_slot.booked_count == 0
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED


def test_appointment_cancel_action__emails_each_citizen_a_cancellation(
    now, phone_client, tornio, tornio_slot, make_slot, book, deliver
):
    first = book(tornio_slot, email="maija@example.com")
    second = book(make_slot(tornio, helsinki(2026, 12, 8, 10, 0)), email="")
    deliver()
    mail.outbox.clear()

    phone_client.post(
        APPOINTMENTS,
        {"action": "cancel_appointments", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )
    deliver()

    (message,) = mail.outbox
    assert message.to == ["maija@example.com"]
    assert message.subject == "Kelan ajanvarauksesi ma 7.12.2026 on peruttu"


def test_appointment_change__new_slot__emails_the_new_time(
    now,
    phone_client,
    tornio,
    tornio_slot,
    make_slot,
    topic,
    book,
    deliver,
):
    appointment = book(tornio_slot, email="maija@example.com")
    new_slot = make_slot(tornio, helsinki(2026, 12, 8, 10, 0))
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    deliver()
    mail.outbox.clear()

    phone_client.post(
        url, {**_booking(new_slot, topic, email="maija@example.com"), "status": "booked"}
    )
    deliver()

    (message,) = mail.outbox
    assert message.subject == "Kelan ajanvarauksesi on siirretty päivälle ti 8.12.2026"


def test_slot_autocomplete__from_the_appointment_form__offers_free_future_slots_only(
    now, phone_client, tornio, kemi, make_slot, book
):
    free = make_slot(kemi, helsinki(2026, 12, 3, 12, 0))
    full = make_slot(kemi, helsinki(2026, 12, 3, 12, 30))
    book(full, booked_by=None)
    make_slot(kemi, helsinki(2026, 12, 3, 13, 0), is_blocked=True)
    make_slot(kemi, helsinki(2026, 11, 27, 12, 0))  # past
    make_slot(tornio, helsinki(2026, 12, 7, 9, 0))  # another office

    response = phone_client.get(
        AUTOCOMPLETE,
        {
            "app_label": "appointments",
            "model_name": "appointment",
            "field_name": "slot",
            "term": "kemi",
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(free.pk)]


def test_slot_autocomplete__date_and_time_words__narrow_the_list(
    now, phone_client, phone_office, make_slot
):
    wanted = make_slot(phone_office, helsinki(2026, 12, 4, 10, 30))
    make_slot(phone_office, helsinki(2026, 12, 4, 11, 0))
    make_slot(phone_office, helsinki(2026, 12, 7, 10, 30))

    response = phone_client.get(
        AUTOCOMPLETE,
        {
            "app_label": "appointments",
            "model_name": "appointment",
            "field_name": "slot",
            "term": "phone 4.12. 10:30",
        },
    )

    assert [r["id"] for r in response.json()["results"]] == [str(wanted.pk)]


def picker(client, term):
    """The ids the appointment form's slot picker offers for ``term``."""
    params = {"app_label": "appointments", "model_name": "appointment", "field_name": "slot"}
    response = client.get(AUTOCOMPLETE, {**params, "term": term})
    return [int(result["id"]) for result in response.json()["results"]]


def test_slot_autocomplete__day_and_month__a_date_not_a_time(
    now, phone_client, phone_office, make_slot
):
    on_the_third = make_slot(phone_office, helsinki(2026, 12, 3, 10, 0))
    make_slot(phone_office, helsinki(2026, 12, 4, 3, 0))  # not 03:12 either, but early

    assert picker(phone_client, "3.12") == [on_the_third.pk]
    assert picker(phone_client, "3.12.") == [on_the_third.pk]


@pytest.mark.parametrize(
    ("term", "day"),
    [("pe", 4), ("perjantai", 4), ("fre", 4), ("fri", 4), ("huomenna", 4), ("i morgon", 4)],
)
def test_slot_autocomplete__weekday_and_relative_words__that_day(
    now, phone_client, phone_office, make_slot, term, day
):
    wanted = make_slot(phone_office, helsinki(2026, 12, day, 10, 0))
    make_slot(phone_office, helsinki(2026, 12, 7, 10, 0))

    assert picker(phone_client, term) == [wanted.pk]


def test_slot_autocomplete__todays_weekday__today_while_free_then_next_week(
    now, phone_client, phone_office, make_slot
):
    # Now is Thursday 3 December 8:00.
    later_today = make_slot(phone_office, helsinki(2026, 12, 3, 14, 0))
    next_thursday = make_slot(phone_office, helsinki(2026, 12, 10, 10, 0))

    today_first = picker(phone_client, "to")
    later_today.is_blocked = True
    later_today.save()
    then_next_week = picker(phone_client, "torstaina")

    assert today_first == [later_today.pk]
    assert then_next_week == [next_thursday.pk]


def test_slot_autocomplete__next_week__monday_to_friday_in_time_order(
    now, phone_client, phone_office, make_slot
):
    make_slot(phone_office, helsinki(2026, 12, 4, 10, 0))  # this week
    monday = make_slot(phone_office, helsinki(2026, 12, 7, 10, 0))
    friday = make_slot(phone_office, helsinki(2026, 12, 11, 10, 0))
    make_slot(phone_office, helsinki(2026, 12, 14, 10, 0))  # the week after

    assert picker(phone_client, "phone ensi viikko") == [monday.pk, friday.pk]
    assert picker(phone_client, "next week") == [monday.pk, friday.pk]


@pytest.mark.parametrize("q", ["9999-12-31", "31.12.9999", "1.1.0001", "0001-01-01", "31.12."])
def test_slot_search__date_outside_the_known_years__is_ignored_not_a_500(
    now, phone_client, tornio_slot, q
):
    response = phone_client.get(SLOTS, {"q": q, "when": "all"})

    assert response.status_code == 200


@pytest.mark.parametrize("year", ["9999", "2026"])
def test_appointment_changelist__old_date_hierarchy_link__is_a_bad_request_not_a_500(
    now, phone_client, year
):
    # The list has no date hierarchy any more (an aggregate over every slot); links
    # to one are lookups the admin does not allow.
    params = {"slot__starts_at__year": year, "slot__starts_at__month": "12"}

    response = phone_client.get(APPOINTMENTS, params)

    assert response.status_code == 400


def test_slot_changelist__renders_with_remaining_places(now, phone_client, tornio, make_slot):
    make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=3)

    response = phone_client.get(SLOTS)

    assert response.status_code == 200
    assert "ma 7.12.2026 9.00" in response.text


@pytest.mark.parametrize("count", [1, 500])
def test_slot_changelist__one_or_500_this_week__same_query_count(
    now, admin_client_, phone_office, many_slots, django_assert_num_queries, count
):
    many_slots(phone_office, helsinki(2026, 12, 4, 9, 0), count)
    admin_client_.get(SLOTS)

    # session, user, the offices of the office filter, the count of the week's slots
    # (no count of the whole table), the page
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(6):
        response = admin_client_.get(SLOTS)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(count, 100)


def test_slot_actions__block_and_unblock(now, phone_client, tornio_slot):
    phone_client.post(SLOTS, {"action": "block_slots", ACTION_CHECKBOX_NAME: [tornio_slot.pk]})
    tornio_slot.refresh_from_db()
    assert tornio_slot.is_blocked

    phone_client.post(SLOTS, {"action": "unblock_slots", ACTION_CHECKBOX_NAME: [tornio_slot.pk]})
    tornio_slot.refresh_from_db()
    assert not tornio_slot.is_blocked


def test_slot_generate_action__needs_no_selection_and_is_idempotent(now, admin_client_, offices):
    response = admin_client_.post(SLOTS, {"action": "generate_slots"}, follow=True)

    created = Slot.objects.count()
    assert created > 0
    assert [m.level for m in response.context["messages"]] == [messages.SUCCESS]
    admin_client_.post(SLOTS, {"action": "generate_slots"})
    assert Slot.objects.count() == created


def test_slot_delete__with_a_booking__is_refused_with_a_message(
    now, admin_client_, tornio_slot, book
):
    book(tornio_slot)
    url = reverse("admin:appointments_slot_delete", args=[tornio_slot.pk])

    response = admin_client_.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]
    assert Slot.objects.filter(pk=tornio_slot.pk).exists()


def test_slot_delete_action__keeps_booked_slots_and_deletes_free_ones(
    now, admin_client_, tornio, tornio_slot, make_slot, book
):
    book(tornio_slot)
    free = make_slot(tornio, helsinki(2026, 12, 7, 10, 0))

    response = admin_client_.post(
        SLOTS,
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [tornio_slot.pk]},
    )
    assert response.status_code == 200  # Django's "cannot delete: protected" page
    assert Slot.objects.filter(pk=tornio_slot.pk).exists()

    admin_client_.post(
        SLOTS, {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [free.pk]}
    )
    assert not Slot.objects.filter(pk=free.pk).exists()


def test_slot_change__capacity_below_bookings__is_refused(
    now, admin_client_, tornio, make_slot, book
):
    slot = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=2)
    book(slot)
    book(slot)
    url = reverse("admin:appointments_slot_change", args=[slot.pk])

    response = admin_client_.post(url, {"capacity": 1, "is_blocked": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("capacity")
    slot.refresh_from_db()
    assert slot.capacity == 2


def test_appointment_add_form__no_shortcuts_to_create_or_edit_slots_and_topics(admin_client):
    html = admin_client.get("/admin/appointments/appointment/add/").text

    assert "add_id_slot" not in html
    assert "change_id_slot" not in html
    assert "add_id_topic" not in html


# --- Row checkboxes (offices.admin_tools.PlainCheckboxMixin) ---------------------------------


@pytest.mark.parametrize("url", [APPOINTMENTS, SLOTS])
def test_changelist__row_checkbox__djangos_markup_without_the_renderer(
    now, admin_client_, tornio_slot, book, url
):
    appointment = book(tornio_slot)
    obj = appointment if url == APPOINTMENTS else tornio_slot
    model_admin = admin.site.get_model_admin(type(obj))

    response = admin_client_.get(url, {"when": "all"})

    expected = admin.ModelAdmin.action_checkbox(model_admin, obj)
    assert model_admin.action_checkbox(obj) == expected
    assert expected in response.text
