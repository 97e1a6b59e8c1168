"""Browser tests: Playwright driving Debian's Chromium against the live server.

Locally they skip when /usr/bin/chromium is missing; with REQUIRE_E2E=1 (CI) a
missing browser fails the run instead.
"""

import os
import re
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls beside it
# are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGE_PREFIXES = {"fi": "", "sv": "/sv", "en": "/en"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_E2E"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) on the live server, Helsinki time, Finnish."""
    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", timezone_id="Europe/Helsinki"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page):
    """axe-core finds no WCAG 2.2 A/AA violation (target size included) on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def admin_login(page, username, password="correct horse battery staple"):  # noqa: S107
    """Log in through the admin login form (UserFactory's default password) with the
    code the user's authenticator app shows now (the app is created if missing)."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", app_code(username))
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/**")


def app_code(username):
    """The code ``username``'s authenticator app shows now, as the phone would."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return otpauth_code(device.config_url)


def otpauth_code(uri):
    """The code an authenticator app shows now for the otpauth:// URI it was given."""
    from base64 import b32decode
    from urllib.parse import parse_qs, urlsplit

    from django_otp.oath import totp

    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    return f"{totp(b32decode(secret)):06d}"


def code_from_outbox(phone):
    """The code of the last SMS to ``phone``, delivered here by the outbox's delivery
    (the SMS backend of the test process is in memory)."""
    from notifications import sms
    from notifications.outbox import deliver_due

    deliver_due()
    texts = [message["text"] for message in sms.memory_outbox if message["to"] == phone]
    return re.search(r"\b(\d{6})\b", texts[-1])[1]


def enter_sms_code(page, phone="+358401234567", *, read=code_from_outbox):
    """The code step, as a citizen does it: read the code the SMS brought, type it, and
    confirm (the page is axe-checked on the way)."""
    page.wait_for_selector("#id_code")
    assert_accessible(page)
    page.fill("#id_code", read(phone))
    page.locator("button[name=action][value=prove]").click()
    page.wait_for_load_state()
