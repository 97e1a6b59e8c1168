import pytest

from tests.e2e.conftest import LANGUAGE_PREFIXES, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

HEADINGS = {
    "fi": ("Kelan palvelut Torniossa ja Kemissä", "Kelan palvelupiste Kemi"),
    "sv": ("FPA:s tjänster i Torneå och Kemi", "FPA:s serviceställe Kemi"),
    "en": ("Kela's services in Tornio and Kemi", "Kela service point Kemi"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_home_and_service_point__in_each_language__read_and_pass_axe(page, offices, language):
    prefix = LANGUAGE_PREFIXES[language]
    home_heading, office_heading = HEADINGS[language]

    page.goto(f"{prefix}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == home_heading
    assert_accessible(page)

    page.goto(f"{prefix}/offices/kemi/")
    assert page.locator("h1").inner_text() == office_heading
    assert page.get_by_text("Meripuistokatu 16").is_visible()
    assert page.locator("table.hours").count() == 2
    assert_accessible(page)


def test_language_switcher__from_finnish_office_page__opens_swedish_page(page, offices):
    page.goto("/offices/tornio/")
    page.get_by_role("button", name="Svenska").click()
    page.wait_for_url("**/sv/offices/tornio/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "FPA:s serviceställe Torneå"
