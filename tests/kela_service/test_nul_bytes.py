"""A NUL byte in a request's path (404), query string or cookies (400) never makes a
500: PostgreSQL cannot store or compare one (form fields answer with a field error,
tested with each form). The URLs come from the URL resolver and the admin's list filters,
so that every new page and filter is covered without being listed here."""

import re

import pytest
from django.contrib import admin
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern

pytestmark = pytest.mark.django_db

NUL = "%00"
STAFF_PREFIXES = ("/admin/", "/staff/")


def _fill_regex(regex):
    """A regex pattern as a path, each named group (with its nested parentheses)
    replaced by a NUL byte."""
    out, i = [], 0
    while (start := regex.find("(?P<", i)) != -1:
        out.append(regex[i:start])
        depth, j = 0, start
        while True:
            if regex[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            j += 1
            if depth == 0:
                break
        out.append(NUL)
        i = j
    out.append(regex[i:])
    return "".join(out).lstrip("^").rstrip("$").replace("\\", "")


def _path(pattern):
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern.regex.pattern)
    return re.sub(r"<[^>]+>", NUL, str(pattern))


def _paths(patterns, prefix="/"):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            prefixes = (
                ["", "sv/"]
                if isinstance(entry.pattern, LocalePrefixPattern)
                else [_path(entry.pattern)]
            )
            for language in prefixes:
                yield from _paths(entry.url_patterns, prefix + language)
        else:
            yield prefix + _path(entry.pattern)


def every_url():
    """Each URL of the resolver with NUL bytes for its parameters, and each with a NUL
    byte in its query string."""
    paths = sorted(set(_paths(get_resolver().url_patterns)))
    return [*(path for path in paths if NUL in path), *(f"{path}?q={NUL}" for path in paths)]


URLS = every_url()
PUBLIC_URLS = [url for url in URLS if not url.startswith(STAFF_PREFIXES)]
STAFF_URLS = [url for url in URLS if url.startswith(STAFF_PREFIXES)]


def test_every_url__includes_the_ones_that_were_500s():
    assert "/callbacks/%00/%00/" in URLS
    assert "/api/v1/offices/%00/hours" in URLS
    assert "/staff/%00/%00/csv" in URLS
    assert "/sv/appointments/?q=%00" in URLS
    assert len(PUBLIC_URLS) > 40
    assert len(STAFF_URLS) > 100


def not_refused(client, method, urls, data=None):
    """The URLs (and their status) that did not answer 400 or 404."""
    answers = {url: getattr(client, method)(url, data).status_code for url in urls}
    return {url: status for url, status in answers.items() if status not in (400, 404)}


def test_public_urls__nul_bytes__400_or_404(client, offices):
    assert not_refused(client, "get", PUBLIC_URLS) == {}
    assert not_refused(client, "post", PUBLIC_URLS, {"name": "x"}) == {}


def test_staff_urls__nul_bytes__400_or_404(client, offices, superuser, staff_login):
    staff_login(superuser)

    assert not_refused(client, "get", STAFF_URLS) == {}


def test_cookie__nul_byte__400(client, offices):
    client.cookies["sessionid"] = "\x00" * 32

    assert client.get("/").status_code == 400


def test_nul_in_a_path__page_not_found_in_the_users_language(client, offices):
    response = client.get(f"/sv/callbacks/{NUL}/{NUL}/")

    assert response.status_code == 404
    assert '<html lang="sv">' in response.text
    assert "Sidan hittades inte" in response.text


def test_nul_in_a_query__bad_request_in_the_users_language(client, offices):
    response = client.get(f"/sv/appointments/days/?office={NUL}")

    assert response.status_code == 400
    assert '<html lang="sv">' in response.text
    assert "Felaktig begäran" in response.text


# --- The admin's list filters ------------------------------------------------------------


def list_filter_parameters(rf, user):
    """(changelist URL, query parameter) of every list filter and date hierarchy of every
    model in the admin."""
    found = []
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        request = rf.get(url)
        request.user = user
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            found.extend((url, parameter) for parameter in spec.expected_parameters())
        if model_admin.date_hierarchy:
            for part in ("year", "month", "day"):
                found.append((url, f"{model_admin.date_hierarchy}__{part}"))
    return found


@pytest.fixture
def filters(rf, offices, superuser):
    return list_filter_parameters(rf, superuser)


def test_list_filters__found_in_every_admin(filters):
    parameters = {parameter for _, parameter in filters}
    assert "status__exact" in parameters
    assert "slot__office__id__exact" in parameters
    assert len(filters) > 15


@pytest.mark.parametrize("value", [NUL, "x", "99999999999999999999"])
def test_admin_list_filters__nul_or_nonsense__never_500(
    client, superuser, filters, value, staff_login
):
    staff_login(superuser)

    answers = {
        f"{url}?{parameter}={value}": client.get(f"{url}?{parameter}={value}").status_code
        for url, parameter in filters
    }

    assert {url: status for url, status in answers.items() if status >= 500} == {}
    if value == NUL:
        assert set(answers.values()) == {400}
