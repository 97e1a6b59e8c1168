"""No personal identity codes in a booking's free text: the citizen's note and name
(the wizard) and the admin's booking form refuse them on the field, keeping the rest."""

import pytest
from django.urls import reverse

from appointments.models import Appointment
from tests.appointments.public_helpers import details, slot_on, url

pytestmark = pytest.mark.django_db

CODE = "131052-308T"
MESSAGES = {
    "fi": "Poista henkilötunnus tekstistä.",
    "sv": "Ta bort personbeteckningen ur texten.",
    "en": "Remove the personal identity code from the text.",
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("field", ["note", "name"])
def test_booking__identity_code_in_free_text__refused_on_the_field(client, slots, language, field):
    slot = slot_on(slots["tornio"])
    data = details(slot, language=language, **{field: f"Hetuni {CODE}"})

    response = client.post(url("confirm", language), {**data, "action": "book"})

    assert response.status_code == 200
    assert MESSAGES[language] in response.text
    assert f'href="#id_{field}"' in response.text
    assert "maija@example.com" in response.text  # the rest is kept
    assert not Appointment.objects.exists()


def test_admin_booking__identity_code_in_the_note__refused(
    now, client, phone_staff, tornio_slot, topic, staff_login
):
    staff_login(phone_staff)
    data = {
        "slot": tornio_slot.pk,
        "topic": topic.pk,
        "name": "Matti Virtanen",
        "phone": "040 765 4321",
        "email": "",
        "language": "fi",
        "note": f"Asiakkaan hetu {CODE}",
    }

    response = client.post(reverse("admin:appointments_appointment_add"), data)

    assert response.status_code == 200
    assert MESSAGES["fi"] in response.text
    assert not Appointment.objects.exists()
