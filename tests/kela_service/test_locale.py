import pytest

pytestmark = pytest.mark.django_db


def test_public_page__unprefixed__is_finnish_whatever_the_browser_says(client, offices):
    response = client.get("/offices/", headers={"accept-language": "sv"})

    assert response.headers["Content-Language"] == "fi"
    assert "Palvelupisteet" in response.text


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [(None, None, "fi"), (None, "sv-FI,sv;q=0.9", "sv"), ("en", "sv", "en"), ("sv", None, "sv")],
)
def test_admin_login__language__from_cookie_then_browser_then_finnish(
    client, cookie, accept, expected
):
    if cookie:
        client.cookies["django_language"] = cookie
    headers = {"accept-language": accept} if accept else {}

    response = client.get("/admin/login/", headers=headers)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == expected
    assert f'lang="{expected}"' in response.text
