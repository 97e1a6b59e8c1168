"""Who gets an SMS, and which texts fit one."""

import pytest
from phonenumber_field.phonenumber import PhoneNumber

from notifications.sms import e164, sms_capable, sms_fits, sms_septets, sms_text_problem


@pytest.mark.parametrize(
    ("phone", "capable"),
    [
        ("040 123 4567", True),
        ("050 1234567", True),
        ("0457 1234567", True),
        ("+358 44 123 4567", True),
        ("+358401234567", True),
        (PhoneNumber.from_string("041 123 4567", region="FI"), True),
        ("09 123 4567", False),  # Helsinki landline
        ("018 12345", False),  # Åland landline
        ("020 634 11", False),  # service number
        ("0100 100", False),
        ("+46 70 123 4567", False),  # a Swedish mobile
        ("040 123", False),
        ("040 123 ABCD", False),  # letters are not digits
        ("not a number", False),
        ("", False),
        (None, False),
    ],
)
def test_sms_capable__only_finnish_mobile_numbers(phone, capable):
    assert sms_capable(phone) is capable


def test_e164__finnish_formats__become_one_international_form():
    assert e164("040 123 4567") == e164("+358 40 1234567") == "+358401234567"


@pytest.mark.parametrize(
    ("text", "septets"),
    [
        ("Hei! Aikasi on ma 7.12. klo 9.00.", 33),
        ("Åbo, Ähtäri, Öljyvuori: äöå ÄÖÅ ü é", 35),
        ("Hinta 5 €", 10),  # € is in the extension table: two septets
        ("[ref]", 7),
        ("klo 9–16", None),  # en dash
        ("Kela\u2019s", None),  # typographic apostrophe
        ("„quoted“", None),
        ("Emoji 🙂", None),
        ("", 0),
    ],
)
def test_sms_septets__counts_gsm7_and_refuses_the_rest(text, septets):
    assert sms_septets(text) == septets


def test_sms_fits__160_septets__fits_and_161_does_not():
    assert sms_fits("x" * 160)
    assert not sms_fits("x" * 161)
    assert not sms_fits("€" * 81)  # 162 septets
    assert sms_fits("€" * 80)


def test_sms_text_problem__names_the_offending_characters():
    assert sms_text_problem("9–16 \u2019") == "not GSM-7: '–', '\u2019'"
    assert sms_text_problem("x" * 200) == "200 septets, over 160"
    assert sms_text_problem("OK") == ""
