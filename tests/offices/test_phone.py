"""offices.phone: the one home of the phone-number rule."""

from unittest import mock

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from offices.phone import (
    PHONE_INVALID,
    PHONE_LETTERS,
    CheckedPhoneNumber,
    FinnishPhoneNumberField,
    parse_phone,
    tel_url,
)


@pytest.mark.parametrize("phone", ["+3584OOOOOOO", "040 123 456A", "O40 123 4567", "+358 40 ÄÖ"])
def test_parse_phone__letters__refused_before_parsing(phone):
    with pytest.raises(ValidationError) as error:
        parse_phone(phone)
    assert error.value.code == PHONE_LETTERS


@pytest.mark.parametrize("phone", ["", "123", "040 123", "+1 202 555 0", "0401234567890123"])
def test_parse_phone__not_a_valid_number__refused(phone):
    with pytest.raises(ValidationError) as error:
        parse_phone(phone)
    assert error.value.code == PHONE_INVALID


@pytest.mark.parametrize(
    ("phone", "e164"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358 50 765 4321", "+358507654321"),
        ("09 1234567", "+35891234567"),
    ],
)
def test_parse_phone__finnish_formats__e164(phone, e164):
    assert str(parse_phone(phone)) == e164


def test_parse_phone__with_a_field__the_error_is_that_fields():
    with pytest.raises(ValidationError) as error:
        parse_phone("040 ABC 4567", field="phone")
    assert error.value.error_dict["phone"][0].code == PHONE_LETTERS


def test_form_field__letters__refused_with_the_same_code():
    with pytest.raises(ValidationError) as error:
        FinnishPhoneNumberField().clean("040 ABC 4567")
    assert error.value.code == PHONE_LETTERS


@pytest.fixture
def plan_checks():
    """Counts the checks against the numbering plan (phonenumbers.is_valid_number)."""
    with mock.patch.object(
        phonenumbers, "is_valid_number", wraps=phonenumbers.is_valid_number
    ) as check:
        yield check


@pytest.mark.parametrize(
    "parse", [parse_phone, FinnishPhoneNumberField().clean], ids=["rule", "form field"]
)
def test_parsed_number__used_many_times__checked_against_the_plan_once(parse, plan_checks):
    number = parse("040 123 4567")
    uses = [str(number), len(number), bool(number), number.is_valid(), number.as_e164]

    assert isinstance(number, CheckedPhoneNumber)
    assert uses == ["+358401234567", 13, True, True, "+358401234567"]
    assert plan_checks.call_count == 1  # the parse's own check, then remembered


def test_checked_number__changed__checked_again(plan_checks):
    number = parse_phone("040 123 4567")
    assert number.is_valid()

    number.national_number = 123  # no such Finnish number

    assert not number.is_valid()
    assert str(number) == number.raw_input == "040 123 4567"


def test_checked_number__equal_to_the_librarys_own():
    number = parse_phone("040 123 4567")

    assert number == phonenumbers.parse("+358401234567")
    assert number == "+358401234567"
    assert hash(number) == hash(CheckedPhoneNumber.of(parse_phone("+358 40 123 4567")))


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("020 692 210", "tel:+35820692210"),
        ("040 123 4567", "tel:+358401234567"),
        ("+358 16 123", "tel:+35816123"),
        ("", ""),
    ],
)
def test_tel_url__as_staff_typed_it__a_tel_link(typed, link):
    assert tel_url(typed) == link
