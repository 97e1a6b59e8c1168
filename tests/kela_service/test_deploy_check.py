"""Production settings: `manage.py check --deploy` passes with no warnings with the
README's production variables, and fails without the services production needs.

Runs manage.py in a subprocess with production variables and without PYTEST_VERSION
(settings treat that variable as "under test" and relax HTTPS and the secret key).
The variables and their example values are CI's (.ci/production.env), which a test here
keeps in step with the README's production section.
"""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CI_PRODUCTION_ENV = BASE_DIR / ".ci" / "production.env"
# Variables of the calling shell that would change what the settings see.
DROPPED = {
    "PYTEST_VERSION",
    "PYTEST_XDIST_WORKER",
    "TEST_DB_NAME",
    "DJANGO_SETTINGS_MODULE",
    # set by the browser tests in this process; check --deploy rightly refuses it
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def readme_production_variables():
    """The names the README's production section sets (its ``export`` command)."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    export = re.search(r"^export (.*?)(?<!\\)$", section, re.M | re.S)[1]
    return set(re.findall(r"(?:^|\s)([A-Z][A-Z0-9_]*)=", export))


def ci_production_variables():
    """.ci/production.env: NAME=value lines, # comments."""
    lines = CI_PRODUCTION_ENV.read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return dict(pairs)


def production_env(tmp_path, **overrides):
    """The calling environment without what would change what the settings see, plus
    every production variable (CI's example values, a fresh SECRET_KEY, a database in
    ``tmp_path``); a value of None in ``overrides`` removes that variable."""
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env = {key: value for key, value in env.items() if not key.startswith(("SECURE_", "DEBUG"))}
    env = {key: value for key, value in env.items() if key not in readme_production_variables()}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(ci_production_variables())
    env["SECRET_KEY"] = "".join(secrets.choice(alphabet) for _ in range(60))
    # A database of its own, should a command open one.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def python(env, *args):
    """``python *args`` in the project folder with ``env``: the finished process."""
    return subprocess.run(  # noqa: S603 (this venv's python, our own arguments)
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(env, *args):
    return python(env, "manage.py", *args)


def test_readme_production_variables__every_one_in_ci_production_env():
    names = readme_production_variables()

    assert {"REDIS_URL", "EMAIL_URL", "SMS_URL", "DATABASE_URL", "NUM_PROXIES"} <= names
    assert names - {"SECRET_KEY"} == set(ci_production_variables())


def test_check_deploy__production_variables__no_warnings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "error"),
    [("REDIS_URL", "E001"), ("EMAIL_URL", "E002"), ("SMS_URL", "E003")],
)
@pytest.mark.parametrize("value", [None, ""])
def test_check_deploy__without_a_production_service__fails_with_an_error(
    tmp_path, missing, error, value
):
    result = manage(production_env(tmp_path, **{missing: value}), "check", "--deploy")

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"ERRORS:\n?: (kela_service.{error}) {missing} is not set" in output
    assert output.count("kela_service.E0") == 1


@pytest.mark.parametrize(
    ("variable", "value"), [("EMAIL_URL", "consolemail://"), ("SMS_URL", "console://")]
)
def test_check_deploy__messages_to_the_console__fails(tmp_path, variable, value):
    result = manage(production_env(tmp_path, **{variable: value}), "check", "--deploy")

    assert result.returncode != 0
    assert f"{variable} is not set" in result.stdout + result.stderr


def test_collectstatic__without_the_production_services__still_runs(tmp_path):
    # The image build collects static files with no REDIS_URL, EMAIL_URL or SMS_URL.
    env = production_env(tmp_path, REDIS_URL=None, EMAIL_URL=None, SMS_URL=None)

    result = manage(env, "collectstatic", "--no-input", "--dry-run")

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy__debug_on__is_flagged(tmp_path):
    # The same check must be able to fail: DEBUG on in "production" is a warning.
    result = manage(
        production_env(tmp_path, DEBUG="true"), "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_check_deploy__without_access_record_key__fails(tmp_path):
    result = manage(
        production_env(tmp_path, ACCESS_RECORD_KEY=None),
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
    )

    assert result.returncode != 0
    assert "access.E001" in result.stdout + result.stderr


@pytest.mark.parametrize("secret_key", [None, ""])
def test_settings__production_without_secret_key__improperly_configured(tmp_path, secret_key):
    result = manage(production_env(tmp_path, SECRET_KEY=secret_key), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_check_deploy__without_link_key__fails(tmp_path):
    result = manage(production_env(tmp_path, LINK_KEY=None), "check", "--deploy")

    assert result.returncode != 0
    assert "kela_service.E010" in result.stderr


def test_dockerfile_gunicorn__listens_on_loopback_and_trusts_only_it(tmp_path):
    """The image's command, as gunicorn resolves it with gunicorn.conf.py: only a proxy
    beside it can connect, and only its forwarded headers are believed."""
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    command = json.loads(
        re.search(r"^CMD (\[.*?\])$", dockerfile, re.M | re.S)[1].replace("\\\n", "")
    )
    env = production_env(tmp_path, PORT="8000", FORWARDED_ALLOW_IPS=None)

    result = python(env, "-m", *command, "--print-config")

    config = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.M))
    assert command[0] == "gunicorn"
    assert config["bind"] == "['127.0.0.1:8000']", result.stdout + result.stderr
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_check_deploy__development_identity_provider_on__fails(tmp_path):
    env = production_env(tmp_path, OIDC_DEV_PROVIDER="true")

    result = manage(env, "check", "--deploy")

    assert result.returncode != 0
    assert "kela_service.E020" in result.stderr
    assert "OIDC_DEV_PROVIDER is on" in result.stderr


@pytest.mark.parametrize("missing", ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"])
def test_check_deploy__without_an_oidc_setting__fails(tmp_path, missing):
    result = manage(production_env(tmp_path, **{missing: None}), "check", "--deploy")

    assert result.returncode != 0
    assert "kela_service.E021" in result.stderr
    assert missing in result.stderr


def test_check_deploy__oidc_discovery_url_instead_of_issuer__passes(tmp_path):
    env = production_env(
        tmp_path,
        OIDC_ISSUER=None,
        OIDC_DISCOVERY_URL="https://tunnistus.kela.example/.well-known/openid-configuration",
    )

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy__without_identity_key__fails(tmp_path):
    result = manage(production_env(tmp_path, IDENTITY_KEY=None), "check", "--deploy")

    assert result.returncode != 0
    assert "kela_service.E022" in result.stderr
