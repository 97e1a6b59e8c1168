"""One visual system on every public page: buttons big enough to hit (24 px, 44 px on a
phone-sized window), a focus ring that can be seen (3:1 against what it sits on), and
axe-core's WCAG 2.2 A/AA rules with no violation, on the pages as they are and in their
error states. The citizen's flows are walked in a real browser at 1280 and 390 px."""

import datetime
import re

import pytest

from appointments import rules
from appointments.models import Appointment
from offices import hours
from tests.e2e.conftest import assert_accessible, code_from_outbox

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+358401234567"

# Every focusable element's focus ring: its colour and the colour of what it sits on
# (the first ancestor with a background), read after a real Tab key press.
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  let bg = 'rgb(255, 255, 255)';
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    const clear = colour === 'transparent' || /rgba\\(.*, 0\\)$/.test(colour);
    if (colour && !clear) { bg = colour; break; }
  }
  return {
    what: el.tagName + ' ' + (el.innerText || el.value || el.name || '').trim().slice(0, 40),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: style.outlineColor, background: bg,
  };
}"""

BUTTONS = """() => Array.from(document.querySelectorAll('button, input[type=submit]'))
  .filter(el => el.offsetParent !== null)
  .map(el => { const box = el.getBoundingClientRect();
    return {what: (el.innerText || el.value).trim(), width: box.width, height: box.height}; })"""


def _luminance(colour):
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(channel):
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first, second):
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_buttons_big_enough(page, minimum):
    buttons = page.evaluate(BUTTONS)
    small = [b for b in buttons if b["width"] < minimum or b["height"] < minimum]
    assert not small, f"{page.url}: buttons under {minimum} px: {small}"


def assert_focus_rings_visible(page, presses=80):
    """Tab through the page: every element that takes focus shows a solid ring of at
    least 2 px with 3:1 contrast against the background it sits on."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.locator("body").focus()
    seen = 0
    for _ in range(presses):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None:
            break
        seen += 1
        assert ring["style"] != "none", f"{page.url}: no focus ring on {ring['what']}"
        assert ring["width"] >= 2, f"{page.url}: thin focus ring on {ring['what']}"
        ratio = contrast(ring["colour"], ring["background"])
        assert ratio >= 3, f"{page.url}: focus ring {ratio:.2f}:1 on {ring}"
    assert seen > 0, f"{page.url}: nothing takes focus"


RADIO_SIZES = """() => Array.from(
  document.querySelectorAll('input[type=radio], input[type=checkbox]'))
  .filter(el => el.offsetParent !== null)
  .map(el => { const box = el.getBoundingClientRect(); return [box.width, box.height]; })"""


def assert_one_radio_size(page):
    sizes = {tuple(size) for size in page.evaluate(RADIO_SIZES)}
    assert len(sizes) <= 1, f"{page.url}: radio buttons and checkboxes in sizes {sizes}"
    assert all(width >= 20 for width, _height in sizes), f"{page.url}: small radios {sizes}"


def check(page, minimum):
    """The whole visual-system check of the page as it is now."""
    assert_buttons_big_enough(page, minimum)
    assert_one_radio_size(page)
    assert_accessible(page)
    assert_focus_rings_visible(page)


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.fixture
def slots(friday, offices):
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))
    return offices


@pytest.fixture(params=[1280, 390], ids=["desktop", "mobile"])
def sized_page(request, browser, live_server):
    width = request.param
    context = browser.new_context(
        base_url=live_server.url,
        locale="fi-FI",
        timezone_id="Europe/Helsinki",
        viewport={"width": width, "height": 900},
        has_touch=width < 600,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page, (44 if width < 600 else 24)
    context.close()


def test_information_pages__buttons_focus_and_axe(sized_page, slots):
    page, minimum = sized_page
    for path in [
        "/",
        "/offices/",
        "/offices/tornio/",
        "/offices/kemi/",
        "/phone-service/",
        "/accessibility/",
        "/privacy/",
        "/en/",
        "/sv/offices/kemi/",
        "/no-such-page/",
    ]:
        page.goto(path)
        check(page, minimum)


def test_booking_and_managing__every_step_and_error_state(sized_page, slots):
    page, minimum = sized_page

    page.goto("/appointments/?office=tornio")
    check(page, minimum)
    page.locator("input[name=topic]").first.check()
    press(page, "Jatka")
    check(page, minimum)  # day and time
    with page.expect_navigation():  # the chosen day's page, not the old one
        page.locator("table.month td.free a").last.click()
    page.locator("input[name=slot]").first.check()
    press(page, "Jatka")

    check(page, minimum)
    press(page, "Varaa aika")  # nothing typed: the error summary
    assert page.locator("#error-summary").count() == 1
    check(page, minimum)
    page.fill("#id_name", "Maija Meikäläinen")
    page.fill("#id_phone", "040 123 4567")
    press(page, "Varaa aika")

    # The code step, also with a wrong code.
    page.wait_for_selector("#id_code")
    check(page, minimum)
    page.fill("#id_code", "000000")
    press(page, "Vahvista koodi")
    assert page.locator("#error-summary").count() == 1
    check(page, minimum)
    page.fill("#id_code", code_from_outbox(PHONE))
    press(page, "Vahvista koodi")

    if page.get_by_role("button", name="Vahvista varaus").count():
        check(page, minimum)
        press(page, "Vahvista varaus")
    page.wait_for_url(re.compile(r".*/appointments/booked/[-\w]+/$"))
    check(page, minimum)

    appointment = Appointment.objects.get(name="Maija Meikäläinen")
    manage = f"/appointments/manage/{appointment.manage_token}/"
    page.goto(manage)
    check(page, minimum)
    page.goto(manage + "move/")
    check(page, minimum)
    page.goto(manage + "cancel/")
    check(page, minimum)
    page.goto("/appointments/manage/not-a-real-link/")
    check(page, minimum)

    page.goto("/appointments/find/")
    check(page, minimum)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    check(page, minimum)


def test_callback_request__every_step_and_error_state(sized_page, slots):
    page, minimum = sized_page

    page.goto("/callbacks/")
    check(page, minimum)
    page.fill("#id_phone", "12")
    press(page, "Lähetä soittopyyntö")
    page.wait_for_selector("#error-summary")
    check(page, minimum)

    page.locator("input[name=window]").first.check()
    page.fill("#id_phone", "040 123 4567")
    page.locator("input[name=topic]").first.check()
    press(page, "Lähetä soittopyyntö")
    page.wait_for_selector("#id_code")
    check(page, minimum)
    page.fill("#id_code", code_from_outbox(PHONE))
    press(page, "Vahvista koodi")
    page.wait_for_url("**/callbacks/*/*/")
    check(page, minimum)

    page.get_by_role("link", name="Peru soittopyyntö").click()
    page.wait_for_url("**/cancel/")
    check(page, minimum)
    press(page, "Kyllä, peru soittopyyntö")
    check(page, minimum)
    page.goto("/callbacks/NOPE1234/not-a-real-link/")
    check(page, minimum)

    # A lost link: the form, its error state, and (the number is proven) the answer.
    page.goto("/callbacks/lost-link/")
    check(page, minimum)
    press(page, "Lähetä linkki")
    page.wait_for_selector("#error-summary")
    check(page, minimum)
    page.fill("#id_phone", "040 123 4567")
    press(page, "Lähetä linkki")
    check(page, minimum)
