"""Deployment checks of the access record, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def access_record_key(app_configs, **kwargs):
    """Without ACCESS_RECORD_KEY the record cannot hash citizens' phone numbers (staff
    pages would fail); a short key could be guessed, and with it every number."""
    key = getattr(settings, "ACCESS_RECORD_KEY", "")
    if not key:
        return [
            Error(
                "ACCESS_RECORD_KEY is not set: the access record cannot be written.",
                hint="Set ACCESS_RECORD_KEY to a long random value, and keep it as long "
                "as the access record's rows (ACCESS_RECORD_RETENTION_DAYS).",
                id="access.E001",
            )
        ]
    if len(key) < MIN_KEY_LENGTH:
        return [
            Warning(
                f"ACCESS_RECORD_KEY has fewer than {MIN_KEY_LENGTH} characters.",
                hint="Use a long random value, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'.",
                id="access.W001",
            )
        ]
    return []
