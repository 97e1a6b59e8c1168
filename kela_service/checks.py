"""Deployment checks of our own, run by ``manage.py check --deploy``.

They are checks, not errors raised while the settings load, so that commands that run
without the production environment (``collectstatic`` in the image build) still work.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

# Mail backends that deliver nothing: the console one writes every message, private
# manage links included, to the log.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
# SMS_URL schemes that send nothing (notifications/sms.py): console prints them.
UNDELIVERED_SMS_SCHEMES = {"", "console", "memory"}


@register(Tags.security, deploy=True)
def rate_limit_behind_proxy(app_configs, **kwargs):
    """Behind a TLS proxy with NUM_PROXIES=0 every citizen shares the proxy's address,
    so one rate-limit bucket would throttle everybody."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.NUM_PROXIES:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER is set but NUM_PROXIES is 0: the rate limit "
                "would count every client behind the proxy as one address.",
                hint="Set NUM_PROXIES to the number of proxies that append to "
                "X-Forwarded-For (usually 1).",
                id="kela_service.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def link_key_set(app_configs, **kwargs):
    """The private links' encrypted copies need a key of their own in production (a
    development one is derived from SECRET_KEY only in DEBUG and the tests)."""
    from cryptography.fernet import Fernet

    try:
        Fernet(settings.LINK_KEY.encode())
    except (ValueError, TypeError):
        return [
            Error(
                "LINK_KEY is not set to a Fernet key: private links cannot be kept for "
                "reminders and closure notices.",
                hint='Set LINK_KEY to the output of python -c "from cryptography.fernet '
                'import Fernet; print(Fernet.generate_key().decode())".',
                id="kela_service.E010",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def production_services(app_configs, **kwargs):
    """In production (DEBUG off) the shared cache, the mail server and the SMS gateway
    are configured: without them the rate limits count per worker process, and e-mail
    and SMS to citizens, private links included, go to the log instead of to them."""
    if settings.DEBUG:
        return []
    errors = []
    if not issubclass(import_string(settings.CACHES["default"]["BACKEND"]), RedisCache):
        errors.append(
            Error(
                "REDIS_URL is not set: the rate limits would count per worker process "
                "and start again at every restart.",
                hint="Set REDIS_URL to the shared Redis, e.g. redis://redis.internal:6379/0.",
                id="kela_service.E001",
            )
        )
    if settings.EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
        errors.append(
            Error(
                "EMAIL_URL is not set: e-mail to citizens, private links included, would "
                "be written to the log instead of being sent.",
                hint="Set EMAIL_URL to the SMTP server, e.g. smtp+tls://user:pass@smtp:587.",
                id="kela_service.E002",
            )
        )
    if urlsplit(settings.SMS_URL).scheme in UNDELIVERED_SMS_SCHEMES:
        errors.append(
            Error(
                "SMS_URL is not set: text messages to citizens, private links included, "
                "would be written to the log instead of being sent.",
                hint="Set SMS_URL to the SMS gateway, e.g. "
                "gatewayapi://API_TOKEN@gatewayapi.eu?sender=Kela.",
                id="kela_service.E003",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def citizen_identification(app_configs, **kwargs):
    """In production the development identity provider is off (anyone could log in as
    any test person), the real provider is configured, and the identity hashes have a
    key of their own."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.OIDC_DEV_PROVIDER:
        errors.append(
            Error(
                "OIDC_DEV_PROVIDER is on: anyone could log in as a test person at /dev-idp/.",
                hint="Unset OIDC_DEV_PROVIDER (or set it to false) in production.",
                id="kela_service.E020",
            )
        )
    missing = [
        name
        for name, value in (
            ("OIDC_ISSUER", settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL),
            ("OIDC_CLIENT_ID", settings.OIDC_CLIENT_ID),
            ("OIDC_CLIENT_SECRET", settings.OIDC_CLIENT_SECRET),
        )
        if not value
    ]
    if missing:
        errors.append(
            Error(
                f"{', '.join(missing)} not set: citizens cannot log in.",
                hint="Set OIDC_ISSUER (or OIDC_DISCOVERY_URL), OIDC_CLIENT_ID and "
                "OIDC_CLIENT_SECRET to the identity broker's values.",
                id="kela_service.E021",
            )
        )
    if not settings.IDENTITY_KEY:
        errors.append(
            Error(
                "IDENTITY_KEY is not set: citizens' identities cannot be hashed.",
                hint="Set IDENTITY_KEY to a long random value, and keep it.",
                id="kela_service.E022",
            )
        )
    return errors
