"""Deployment checks of our own, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
