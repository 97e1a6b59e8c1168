"""Production settings: `manage.py check --deploy` passes with no warnings.

Runs manage.py in a subprocess with production variables and without PYTEST_VERSION
(settings treat that variable as "under test" and relax HTTPS and the secret key).
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables of the calling shell that would change what the settings see.
DROPPED = {
    "PYTEST_VERSION",
    "PYTEST_XDIST_WORKER",
    "TEST_DB_NAME",
    "DJANGO_SETTINGS_MODULE",
    # set by the browser tests in this process; check --deploy rightly refuses it
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env = {key: value for key, value in env.items() if not key.startswith(("SECURE_", "DEBUG"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
            "ACCESS_RECORD_KEY": secrets.token_urlsafe(48),
            "LINK_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "kela.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *args):
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy__production_variables__no_warnings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


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
