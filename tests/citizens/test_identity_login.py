"""The citizen login by OpenID Connect against the development identity provider,
over real HTTP (the live server): discovery, code flow with PKCE, the ID token's
signature and claims, the provider's own login state, logout at the provider."""

import io
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from citizens.identity import SESSION_KEY, identity_hash
from citizens.models import Citizen
from dev_identity.middleware import COOKIE_NAME
from dev_identity.persons import BY_KEY
from tests.citizens.identity_helpers import CSRF, at_provider, client_login

pytestmark = pytest.mark.django_db(transaction=True)

MATTI = BY_KEY["matti"]


def test_login__test_person__identified_on_my_page(client, dev_idp):
    response = client_login(client, person="matti")

    assert response.status_code == 302
    assert response["Location"] == "/my/"
    page = client.get("/my/")
    assert "Matti Meikäläinen" in page.text
    assert "1.1.1950" in page.text
    citizen = Citizen.objects.get()
    assert citizen.identity_hash == identity_hash(MATTI.identity_code)
    assert client.session[SESSION_KEY]["id"] == citizen.pk


def test_login__the_same_person_twice__one_citizen(client, dev_idp):
    client_login(client, person="aino")
    client.post("/my/logout/")
    client_login(client, person="aino")

    assert Citizen.objects.count() == 1


def test_login__in_swedish__back_on_the_swedish_page(client, dev_idp):
    response = client_login(client, person="brita", language_prefix="/sv")

    assert response["Location"] == "/sv/my/"


def test_login__no_identity_code_anywhere_in_the_database(client, dev_idp):
    for person in ("matti", "elias"):
        client_login(client, person=person)
    dump = io.StringIO()

    call_command("dumpdata", stdout=dump)

    assert Citizen.objects.count() == 2
    for person in (MATTI, BY_KEY["elias"]):
        assert person.identity_code not in dump.getvalue()


def test_login__no_identity_code_in_the_logs(client, dev_idp, caplog):
    caplog.set_level(logging.DEBUG)

    client_login(client, person="matti")
    client.get("/my/")
    client.post("/my/logout/")

    assert caplog.records
    assert MATTI.identity_code not in caplog.text
    assert MATTI.identity_code.replace("-", "") not in caplog.text


def test_citizen_login__is_no_django_user__no_admin_no_staff(client, dev_idp):
    client_login(client)

    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/staff/")["Location"].startswith("/admin/login/")
    assert client.get("/staff/callbacks/")["Location"].startswith("/admin/login/")


def test_staff_login__is_no_citizen(client, db, phone_staff, staff_login):
    staff_login(phone_staff)

    page = client.get("/my/")

    assert 'href="/my/login/"' in page.text
    assert "Matti" not in page.text


def test_one_browser__provider_and_app_keep_their_own_sessions(dev_idp, superuser):
    """Staff logged in to the admin, then a citizen login and a logout at the provider in
    the same browser: the provider's cookie is its own and the staff login stays."""
    app = TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    browser = requests.Session()
    login_page = browser.get(f"{dev_idp}/admin/login/")
    browser.post(
        f"{dev_idp}/admin/login/",
        data={
            "csrfmiddlewaretoken": CSRF.search(login_page.text)[1],
            "username": "root",
            "password": "correct horse battery staple",
            "otp_token": f"{totp(app.bin_key):06d}",
        },
    )
    assert browser.get(f"{dev_idp}/admin/", allow_redirects=False).status_code == 200

    start = browser.get(f"{dev_idp}/my/login/", allow_redirects=False)
    back = at_provider(start.headers["Location"], person="aino", browser=browser)
    browser.get(back)

    cookies = {cookie.name: cookie for cookie in browser.cookies}
    assert cookies[COOKIE_NAME].path == "/dev-idp/"
    assert cookies["sessionid"].value != cookies[COOKIE_NAME].value
    assert "Aino Virtanen" in browser.get(f"{dev_idp}/my/").text
    assert browser.get(f"{dev_idp}/admin/", allow_redirects=False).status_code == 200

    # Logout: here, then at the provider (it asks, as it must without an id_token_hint).
    my_page = browser.get(f"{dev_idp}/my/")
    confirm = browser.post(
        f"{dev_idp}/my/logout/", data={"csrfmiddlewaretoken": CSRF.search(my_page.text)[1]}
    )
    assert "/dev-idp/o/logout/" in confirm.url
    query = parse_qs(urlsplit(confirm.url).query)
    assert query["client_id"] == ["kela-service-dev"]
    assert "id_token_hint" not in query
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm.text))
    done = browser.post(confirm.url, data={**form, "allow": "1"})

    assert urlsplit(done.url).path == "/my/"
    assert 'href="/my/login/"' in done.text
    assert COOKIE_NAME not in {cookie.name for cookie in browser.cookies}
    assert browser.get(f"{dev_idp}/admin/", allow_redirects=False).status_code == 200
    # Logged out at the provider too: the next login asks for a person again.
    start = browser.get(f"{dev_idp}/my/login/", allow_redirects=False)
    again = browser.get(start.headers["Location"], allow_redirects=False)
    assert "/dev-idp/login/" in again.headers["Location"]


def test_logout__at_the_provider_with_client_id_and_no_id_token_hint(client, dev_idp):
    client_login(client)

    response = client.post("/en/my/logout/")

    assert SESSION_KEY not in client.session
    url = urlsplit(response["Location"])
    assert url.path == "/dev-idp/o/logout/"
    query = parse_qs(url.query)
    assert query["client_id"] == ["kela-service-dev"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/identity/logged-out/"]
    assert "id_token_hint" not in query
    back = client.get("/identity/logged-out/")
    assert back["Location"] == "/en/my/"


def test_provider_login_page__lists_the_test_persons(client, dev_idp):
    start = client.get("/my/login/")
    login = requests.get(start["Location"], timeout=10)

    assert login.status_code == 200
    for person in BY_KEY.values():
        assert person.name in login.text
        assert person.identity_code in login.text


# --- The development provider is there only when switched on -----------------------


@pytest.mark.parametrize(
    "path",
    [
        "/dev-idp/o/.well-known/openid-configuration",
        "/dev-idp/o/.well-known/jwks.json",
        "/dev-idp/o/authorize/?client_id=kela-service-dev",
        "/dev-idp/o/token/",
        "/dev-idp/login/?next=/dev-idp/o/authorize/",
    ],
)
@pytest.mark.django_db
def test_dev_provider__off__404(client, settings, path):
    settings.OIDC_DEV_PROVIDER = False

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


@pytest.mark.django_db
def test_dev_provider__on__discovery_answers(client, settings):
    settings.OIDC_DEV_PROVIDER = True

    response = client.get("/dev-idp/o/.well-known/openid-configuration")

    assert response.status_code == 200
    assert response.json()["issuer"] == "http://testserver/dev-idp/o"
    assert "S256" in response.json()["code_challenge_methods_supported"]


@pytest.mark.django_db
def test_dev_provider_login__next_elsewhere__refused(client):
    assert client.get("/dev-idp/login/?next=https://evil.example/").status_code == 400
    assert client.get("/dev-idp/login/?next=/admin/").status_code == 400
