"""Finnish personal identity codes in free text: recognised by shape, date and check
character, in both century-sign generations; other numbers pass."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from offices.validators import identity_codes, refuse_identity_codes

# 131052-308T is the population register's own example; 010594Y9021 its example of the
# century signs of 2023 (Y, X, W, V, U for the 1900s; B to F besides A for the 2000s).
VALID = [
    "131052-308T",
    "010594Y9021",
    "010594X9021",
    "010594U9021",
    "020304A123P",
    "020304F123P",
    "010101+123N",  # born 1801
    "131052-308t",  # lower case
    "131052\u2013308T",  # a word processor's en dash
    "131052\u2212308T",  # a minus sign
]
NOT_CODES = [
    "131052-308U",  # wrong check character
    "290201A101U",  # 29.2.2001 is no date (the check character would fit)
    "310452-308K",  # 31.4. is no date (the check character would fit)
    "131052*308T",  # no century sign
    "131052-30T",  # too short
    "1131052-308T",  # part of a longer number
    "131052-308TX",  # part of a longer word
    "040-1234567",  # a phone number
    "Asia koskee päätöstä 12.3.2026, viite K7M2QX9P, summa 131052 euroa",
]


@pytest.mark.parametrize("code", VALID)
def test_identity_codes__valid_codes__found(code):
    assert identity_codes(f"Hetuni on {code}, kiitos.") == [code]


@pytest.mark.parametrize("text", NOT_CODES)
def test_identity_codes__other_text__passes(text):
    assert identity_codes(text) == []
    refuse_identity_codes(text)


def test_identity_codes__two_in_a_text__both_found():
    assert identity_codes("131052-308T ja lapsen 020304A123P") == ["131052-308T", "020304A123P"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fi", "Poista henkilötunnus tekstistä."),
        ("sv", "Ta bort personbeteckningen ur texten."),
        ("en", "Remove the personal identity code from the text."),
    ],
)
def test_refuse_identity_codes__says_what_to_do_in_each_language(language, message):
    with pytest.raises(ValidationError) as refused:
        refuse_identity_codes("Hetu 131052-308T")

    assert refused.value.code == "identity_code"
    with translation.override(language):
        assert refused.value.messages[0].startswith(message)
