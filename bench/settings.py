"""Bench-only settings: production settings plus bench/urls.py (a one-INSERT view).
Never used by the app itself; ``bench/ratios.py`` starts gunicorn with it."""

from kela_service.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
