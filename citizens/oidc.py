"""The citizen login by OpenID Connect, with authlib.

authlib (``authlib.integrations.django_client``) reads the provider's discovery
document, sends the citizen there with the code flow, PKCE (S256), ``state`` and a
``nonce`` (kept in the session until the callback), exchanges the code over HTTP and
checks the ID token: its signature against the provider's published keys, and ``iss``,
``aud``, ``exp``, ``iat`` and ``nonce`` (``claims_options`` below makes ``iss`` and
``aud`` compulsory and exact). Unlike mozilla-django-oidc and django-allauth it touches
no Django user: the identity goes to ``citizens.identity``.

Every way a login can fail ends in ``LoginFailed`` with one of the reasons below, which
the view shows as a page; nothing of the ID token is stored or logged.
"""

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError

logger = logging.getLogger(__name__)

NAME = "identity"
# Seconds the ID token's times may be off (clock skew between us and the provider).
LEEWAY = 60
# Seconds before a request to the provider gives up.
TIMEOUT = 10

CANCELLED = "cancelled"  # the citizen cancelled at the provider
UNAVAILABLE = "unavailable"  # the provider did not answer, or answered nonsense
REFUSED = "refused"  # the answer did not hold: signature, nonce, audience, expiry, code
STALE = "stale"  # no login under way in this browser session (an old or replayed link)


class LoginFailed(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


_clients = {}


def discovery_url():
    if settings.OIDC_DISCOVERY_URL:
        return settings.OIDC_DISCOVERY_URL
    return settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"


def client():
    """The authlib client for the configured provider (one per configuration; the
    discovery document and keys are fetched once and kept)."""
    config = (
        discovery_url(),
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPE,
    )
    if config not in _clients:
        oauth = OAuth()
        _clients.clear()
        _clients[config] = oauth.register(
            name=NAME,
            server_metadata_url=config[0],
            client_id=config[1],
            client_secret=config[2],
            client_kwargs={
                "scope": config[3],
                "code_challenge_method": "S256",
                "default_timeout": TIMEOUT,
            },
        )
    return _clients[config]


def _metadata():
    """The discovery document; its issuer must be the configured one."""
    try:
        metadata = client().load_server_metadata()
    except (requests.RequestException, ValueError, TypeError) as error:
        _log("discovery", error)
        raise LoginFailed(UNAVAILABLE) from None
    issuer = metadata.get("issuer") if isinstance(metadata, dict) else None
    expected = settings.OIDC_ISSUER.rstrip("/")
    if not issuer or (expected and issuer.rstrip("/") != expected):
        logger.warning("OIDC discovery: the issuer is not the configured one")
        raise LoginFailed(UNAVAILABLE)
    return metadata


def _log(step, error):
    # The class and the OAuth error code only: never a token, a claim value or a code.
    code = getattr(error, "error", "")
    logger.warning("OIDC %s failed: %s %s", step, type(error).__name__, code)


def authorize_redirect(request, redirect_uri):
    """The redirect to the provider's login (state, nonce and PKCE kept in the session)."""
    _metadata()
    try:
        return client().authorize_redirect(request, redirect_uri)
    except (requests.RequestException, RuntimeError, KeyError, ValueError) as error:
        _log("authorisation request", error)
        raise LoginFailed(UNAVAILABLE) from None


def authorize_callback(request):
    """The verified claims of the ID token this callback brings, or LoginFailed."""
    metadata = _metadata()
    if request.GET.get("error") == "access_denied":
        _forget_state(request)
        raise LoginFailed(CANCELLED)
    options = {
        "iss": {"essential": True, "value": metadata["issuer"]},
        "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "sub": {"essential": True},
    }
    try:
        token = client().authorize_access_token(request, claims_options=options, leeway=LEEWAY)
    except OAuthError as error:
        _log("callback", error)
        reason = STALE if error.error == "mismatching_state" else REFUSED
        raise LoginFailed(reason) from None
    except requests.RequestException as error:
        _log("token request", error)
        raise LoginFailed(UNAVAILABLE) from None
    except (JoseError, ValueError, KeyError, TypeError, RuntimeError) as error:
        _log("ID token", error)
        raise LoginFailed(REFUSED) from None
    claims = token.get("userinfo")
    if not claims:  # no ID token at all
        logger.warning("OIDC callback: no ID token")
        raise LoginFailed(REFUSED)
    return claims


def _forget_state(request):
    # A session is not iterable: its keys() are.
    for key in [key for key in request.session.keys() if key.startswith(f"_state_{NAME}_")]:  # noqa: SIM118
        del request.session[key]


def identity_of(claims):
    """(personal identity code, name) from verified claims, or LoginFailed."""
    code = claims.get(settings.OIDC_IDENTITY_CLAIM)
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    if not isinstance(code, str) or not isinstance(name, str) or not name.strip():
        logger.warning("OIDC callback: no identity code or name in the ID token")
        raise LoginFailed(REFUSED)
    return code, name


def logout_url(post_logout_redirect_uri):
    """The provider's end-session URL with our ``client_id`` (no ID token is kept for an
    ``id_token_hint``), or None if the provider has none or cannot be reached."""
    try:
        result = client().create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            client_id=settings.OIDC_CLIENT_ID,
        )
    except (requests.RequestException, RuntimeError, ValueError) as error:
        _log("logout", error)
        return None
    return result["url"]
