"""Every way an OpenID Connect login can go wrong ends on a clear page in the citizen's
language, with no citizen logged in, never a 500: ID tokens crafted with the
development provider's key (or another), the provider's real answers to a replayed
code and a cancel, and a provider that does not answer."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import Client
from jwcrypto import jwk

from citizens import oidc
from citizens.identity import SESSION_KEY
from citizens.models import Citizen
from dev_identity.persons import BY_KEY
from tests.citizens.identity_helpers import at_provider, local
from tests.faults import free_port

pytestmark = pytest.mark.django_db(transaction=True)

MATTI = BY_KEY["matti"]


def _provider_key():
    return str(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"])


def _kid(pem):
    return jwk.JWK.from_pem(pem.encode()).thumbprint()


def _other_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _start(client):
    """Start a login: (the state, the nonce the app keeps for it)."""
    response = client.get("/en/my/login/")
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    nonce = client.session[f"_state_{oidc.NAME}_{state}"]["data"]["nonce"]
    return state, nonce


def _claims(dev_idp, expected_nonce, **changes):
    now = int(time.time())
    claims = {
        "iss": f"{dev_idp}/dev-idp/o",
        "aud": settings.OIDC_CLIENT_ID,
        "sub": "1",
        "iat": now,
        "exp": now + 300,
        "nonce": expected_nonce,
        "name": MATTI.name,
        "personal_identity_code": MATTI.identity_code,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def _answer_with(monkeypatch, id_token):
    """The provider's token endpoint answers with this ID token."""

    def fetch_access_token(self, *args, **kwargs):
        return {"access_token": "at", "token_type": "Bearer", "id_token": id_token}

    monkeypatch.setattr(type(oidc.client()), "fetch_access_token", fetch_access_token)


def _sign(claims, key=None, kid=None, algorithm="RS256"):
    key = key or _provider_key()
    return jwt.encode(
        claims, key, algorithm=algorithm, headers={"kid": kid or _kid(_provider_key())}
    )


def _assert_refused(client, response, status=400, text="We could not verify the identification"):
    assert response.status_code == status
    assert text in response.text
    assert SESSION_KEY not in client.session
    assert not Citizen.objects.exists()
    assert "Matti" not in client.get("/en/my/").text


def test_crafted_token__right_key_and_claims__logs_in(client, dev_idp, monkeypatch):
    """The control: the crafting below is right, so each refusal is for its one fault."""
    state, nonce = _start(client)
    _answer_with(monkeypatch, _sign(_claims(dev_idp, nonce)))

    response = client.get(f"/identity/callback/?code=c&state={state}")

    assert response.status_code == 302
    assert client.session[SESSION_KEY]["id"] == Citizen.objects.get().pk


def _tampered(dev_idp, nonce):
    header, _payload, signature = _sign(_claims(dev_idp, nonce)).split(".")
    forged = jwt.encode(_claims(dev_idp, nonce, name="Someone Else"), "x" * 32, algorithm="HS256")
    return f"{header}.{forged.split('.')[1]}.{signature}"


CASES = {
    "tampered payload": lambda dev_idp, nonce: _tampered(dev_idp, nonce),
    "tampered signature": lambda dev_idp, nonce: _sign(_claims(dev_idp, nonce))[:-6] + "AAAAAA",
    "another key": lambda dev_idp, nonce: _sign(_claims(dev_idp, nonce), key=_other_key()),
    "wrong nonce": lambda dev_idp, nonce: _sign(_claims(dev_idp, nonce, nonce="n" * 20)),
    "no nonce": lambda dev_idp, nonce: _sign(_claims(dev_idp, nonce, nonce=None)),
    "wrong audience": lambda dev_idp, nonce: _sign(_claims(dev_idp, nonce, aud="another-app")),
    "audience list without us": lambda dev_idp, nonce: _sign(
        _claims(dev_idp, nonce, aud=["another-app", "third"])
    ),
    "wrong issuer": lambda dev_idp, nonce: _sign(
        _claims(dev_idp, nonce, iss="https://evil.example")
    ),
    "expired": lambda dev_idp, nonce: _sign(
        _claims(dev_idp, nonce, iat=int(time.time()) - 900, exp=int(time.time()) - 600)
    ),
    "no expiry": lambda dev_idp, nonce: _sign(_claims(dev_idp, nonce, exp=None)),
    "issued in the future": lambda dev_idp, nonce: _sign(
        _claims(dev_idp, nonce, iat=int(time.time()) + 3600)
    ),
    "unsigned (alg none)": lambda dev_idp, nonce: jwt.encode(
        _claims(dev_idp, nonce), None, algorithm="none"
    ),
    "HS256 with the client secret": lambda dev_idp, nonce: jwt.encode(
        _claims(dev_idp, nonce), settings.OIDC_CLIENT_SECRET, algorithm="HS256"
    ),
    "no identity code": lambda dev_idp, nonce: _sign(
        _claims(dev_idp, nonce, personal_identity_code=None)
    ),
    "invalid identity code": lambda dev_idp, nonce: _sign(
        _claims(dev_idp, nonce, personal_identity_code="010150-917A")
    ),
    "not a JWT": lambda dev_idp, nonce: "not-a-token",
}


@pytest.mark.parametrize("case", CASES)
def test_crafted_token__refused_with_a_page__no_session(client, dev_idp, monkeypatch, case):
    state, nonce = _start(client)
    _answer_with(monkeypatch, CASES[case](dev_idp, nonce))

    response = client.get(f"/identity/callback/?code=c&state={state}")

    _assert_refused(client, response)


def test_token_answer_without_id_token__refused(client, dev_idp, monkeypatch):
    state, _nonce = _start(client)
    monkeypatch.setattr(
        type(oidc.client()),
        "fetch_access_token",
        lambda self, *args, **kwargs: {"access_token": "at", "token_type": "Bearer"},
    )

    response = client.get(f"/identity/callback/?code=c&state={state}")

    _assert_refused(client, response)


def test_replayed_callback__in_another_browser__refused(client, dev_idp):
    start = client.get("/en/my/login/")
    back = local(at_provider(start["Location"]))
    assert client.get(back).status_code == 302  # the citizen's own login
    other = Client()

    response = other.get(back)

    assert response.status_code == 400
    assert "on jo käytetty tai se on vanhentunut" in response.text  # Finnish: no language known
    assert SESSION_KEY not in other.session


def test_replayed_code__with_a_login_under_way__refused_by_the_provider(client, dev_idp):
    first = Client()
    start = first.get("/my/login/")
    back = local(at_provider(start["Location"]))
    code = parse_qs(urlsplit(back).query)["code"][0]
    assert first.get(back).status_code == 302  # the code is used up
    state, _nonce = _start(client)

    response = client.get(f"/identity/callback/?code={code}&state={state}")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert Citizen.objects.count() == 1  # the first login's only


def test_replayed_code__the_same_callback_twice__second_refused(client, dev_idp):
    start = client.get("/en/my/login/")
    back = local(at_provider(start["Location"]))
    assert client.get(back).status_code == 302
    client.post("/my/logout/")

    response = client.get(back)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_cancel_at_the_provider__cancelled_page__no_session(client, dev_idp):
    start = client.get("/sv/my/login/")
    back = at_provider(start["Location"], cancel=True)
    assert "error=access_denied" in back

    response = client.get(local(back))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "sv"
    assert SESSION_KEY not in client.session
    assert not Citizen.objects.exists()


def test_callback__without_a_login_under_way__stale_page(client, dev_idp):
    response = client.get("/identity/callback/?code=abc&state=def")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "query", ["", "?state=", "?code=&state=", "?error=server_error&state=x", "?code=%00"]
)
def test_callback__nonsense__a_page_not_a_500(client, dev_idp, query):
    _start(client)

    response = client.get(f"/identity/callback/{query}")

    assert response.status_code in (400, 200)
    assert SESSION_KEY not in client.session


def test_provider_down__at_the_start__unavailable_page(client, db, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/o"
    oidc._clients.clear()

    response = client.get("/en/my/login/")

    assert response.status_code == 502
    assert "did not answer" in response.text
    oidc._clients.clear()


def test_provider_down__at_the_token_exchange__unavailable_page(client, dev_idp):
    state, _nonce = _start(client)
    oidc.client().server_metadata["token_endpoint"] = f"http://127.0.0.1:{free_port()}/token/"

    response = client.get(f"/identity/callback/?code=c&state={state}")

    _assert_refused(client, response, status=502, text="did not answer")


def test_not_configured__unavailable_page(client, db, settings):
    settings.OIDC_ISSUER = ""
    settings.OIDC_DISCOVERY_URL = ""

    assert client.get("/my/login/").status_code == 502
    assert client.get("/identity/callback/?code=a&state=b").status_code == 502
