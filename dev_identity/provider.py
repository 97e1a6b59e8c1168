"""The development identity provider: django-oauth-toolkit with OpenID Connect, its
client (this app) registered on first use, and the claims of the test persons.

Only for ``make run`` and the tests (``OIDC_DEV_PROVIDER``); a deployment check fails
if it is on in production. The app talks to it over HTTP exactly as to the real broker.
"""

from urllib.parse import urlsplit

from django.conf import settings
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from .persons import BY_USERNAME

# The app's fixed URLs (citizens.urls_identity): where the provider sends the citizen
# back after the login and after logging out.
CALLBACK_PATH = "/identity/callback/"
LOGGED_OUT_PATH = "/identity/logged-out/"
# Hosts the app answers on in development and the tests (127.0.0.1 and localhost: any
# port, RFC 8252's loopback rule), and the test client's.
DEV_HOSTS = ("http://127.0.0.1", "http://localhost", "http://testserver")


def _origins():
    site = urlsplit(settings.SITE_URL)
    return sorted({*DEV_HOSTS, f"{site.scheme}://{site.netloc}"})


def ensure_client():
    """Register this app as the provider's client (``OIDC_CLIENT_ID``), if not yet."""
    application = get_application_model()
    if application.objects.filter(client_id=settings.OIDC_CLIENT_ID).exists():
        return
    application.objects.get_or_create(
        client_id=settings.OIDC_CLIENT_ID,
        defaults={
            "name": "kela-service (development)",
            "client_type": application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": application.GRANT_AUTHORIZATION_CODE,
            "client_secret": settings.OIDC_CLIENT_SECRET,
            "redirect_uris": " ".join(origin + CALLBACK_PATH for origin in _origins()),
            "post_logout_redirect_uris": " ".join(
                origin + LOGGED_OUT_PATH for origin in _origins()
            ),
            "algorithm": application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )


class Validator(OAuth2Validator):
    """The test person's name, birth date and personal identity code as claims of the
    ``profile`` scope, in the ID token as a strong-identification broker sends them."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "personal_identity_code": "profile",
    }

    def get_additional_claims(self, request):
        person = BY_USERNAME.get(request.user.get_username())
        if person is None:
            return {}
        return {
            "name": person.name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "birthdate": person.birth_date.isoformat(),
            "personal_identity_code": person.identity_code,
        }
