"""Reference codes citizens read aloud on the phone (shared by appointments and callbacks)."""

import secrets

# Unambiguous when read aloud or handwritten: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference():
    """8 characters of a 31-letter alphabet: about 8.5 * 10^11 codes, not guessable."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_token():
    """The private part of a citizen's link (a booking's or a callback request's)."""
    return secrets.token_urlsafe(32)
