"""Driving the development identity provider over HTTP, as a browser does."""

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def at_provider(authorize_url, *, person="matti", cancel=False, browser=None):
    """From the app's redirect to the provider's authorisation endpoint: choose the test
    person (or cancel) on its login page. Returns the URL the provider sends back to."""
    browser = browser or requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    if answer.status_code == 302 and "/dev-idp/login/" in answer.headers["Location"]:
        login_url = urljoin(authorize_url, answer.headers["Location"])
        page = browser.get(login_url, timeout=10)
        data = {
            "csrfmiddlewaretoken": CSRF.search(page.text)[1],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
            **({"cancel": "1"} if cancel else {"person": person}),
        }
        answer = browser.post(login_url, data=data, allow_redirects=False, timeout=10)
        if cancel:
            return answer.headers["Location"]
        answer = browser.get(
            urljoin(login_url, answer.headers["Location"]), allow_redirects=False, timeout=10
        )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def local(url):
    """The path and query of an absolute URL (for the test client)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def client_login(client, *, person="matti", language_prefix=""):
    """The whole login with the Django test client for the app and HTTP for the
    provider: the callback's response."""
    start = client.get(f"{language_prefix}/my/login/")
    assert start.status_code == 302, start.content[:500]
    back = at_provider(start["Location"], person=person)
    return client.get(local(back))
