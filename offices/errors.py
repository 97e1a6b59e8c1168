"""Rule errors with one message per code.

Each app's rules declare their codes as named constants and one catalogue of messages;
``catalogue(code, **params)`` raises nothing, it builds the ``ValidationError`` (code
kept, message interpolated only when shown, so lazy translations stay lazy)."""

from django.core.exceptions import ValidationError


class ErrorCatalogue:
    def __init__(self, messages):
        self.messages = messages

    def __call__(self, code, *, field=None, **params):
        """The ValidationError of ``code``; with ``field``, as that field's error."""
        error = ValidationError(self.messages[code], code=code, params=params or None)
        return ValidationError({field: error}) if field else error

    def __getitem__(self, code):
        return self.messages[code]
