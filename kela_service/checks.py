"""Deployment checks of our own, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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
