"""Settings for kela-service, driven by environment variables.

Every variable is declared once, with its type and default, in the ``env``
block below. A ``.env`` file in the project folder is read if present.
"""

import base64
import datetime
import functools
import hashlib
import os
from pathlib import Path

import environ
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# pytest sets PYTEST_VERSION; tests get a throwaway key and plain-HTTP settings.
TESTING = "PYTEST_VERSION" in os.environ

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    # Fernet key of the private links' encrypted copies (Fernet.generate_key()).
    LINK_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    REDIS_URL=(str, ""),
    TIME_ZONE=(str, "Europe/Helsinki"),
    USE_TZ=(bool, True),
    LOG_LEVEL=(str, "INFO"),
    # HTTPS hardening; on by default outside DEBUG and tests.
    SECURE_SSL_REDIRECT=(bool, None),
    SECURE_HSTS_SECONDS=(int, None),
    SECURE_PROXY_SSL_HEADER=(bool, False),
    # E-mail
    # Absolute links in emails sent outside a request (reminders).
    SITE_URL=(str, "http://127.0.0.1:8000"),
    EMAIL_URL=(str, ""),
    DEFAULT_FROM_EMAIL=(str, "Kela <no-reply@kela.example>"),
    # Seconds before an SMTP connection attempt or command gives up (workers send mail).
    EMAIL_TIMEOUT=(int, 20),
    # SMS: empty or console:// prints them (like EMAIL_URL), file:///path/to/dir, or
    # GatewayAPI: gatewayapi://API_TOKEN@gatewayapi.eu?sender=Kela (notifications/sms.py).
    SMS_URL=(str, ""),
    # The secret that signs GatewayAPI's delivery receipts (its webhook's JWT token).
    SMS_WEBHOOK_SECRET=(str, ""),
    # The outbox: attempts per message, first retry delay (doubling, at most 1 h), and
    # how long a worker holds a claimed message before another may take it over.
    NOTIFICATIONS_MAX_ATTEMPTS=(int, 8),
    NOTIFICATIONS_RETRY_SECONDS=(int, 60),
    NOTIFICATIONS_LEASE_SECONDS=(int, 300),
    # Task queue (django-q2 on the database): processes per `manage.py qcluster`, and
    # minutes between the scheduled runs of the housekeeping jobs (kela_service/jobs.py).
    Q_WORKERS=(int, 2),
    HOUSEKEEPING_MINUTES=(int, 15),
    # Reminders of tomorrow's appointments are queued from this local hour on.
    REMINDER_HOUR=(int, 12),
    # Proof of the phone number: codes per number and per client network in an hour.
    PHONE_CODES_PER_NUMBER=(int, 3),
    PHONE_CODES_PER_NETWORK=(int, 20),
    # Booking rules (editable without code changes)
    APPOINTMENT_MIN_NOTICE_MINUTES=(int, 120),
    APPOINTMENT_HORIZON_WEEKS=(int, 8),
    APPOINTMENT_SLOT_MINUTES=(int, 30),
    # Upcoming bookings one phone number may hold (staff may exceed it with a reason).
    APPOINTMENTS_PER_PHONE=(int, 2),
    CALLBACK_LEAD_MINUTES=(int, 15),
    CALLBACK_WINDOW_CAPACITY=(int, 10),
    PERSONAL_DATA_RETENTION_DAYS=(int, 90),
    # The access record (access/): the key of its keyed hashes of citizens' phone numbers
    # (required outside DEBUG and tests; keep it as long as the rows), and how long rows
    # are kept (5 years).
    ACCESS_RECORD_KEY=(str, ""),
    ACCESS_RECORD_RETENTION_DAYS=(int, 5 * 365 + 1),
    # Rate limits (kela_service/ratelimit.py): public POSTs per client address and per
    # its network (/24, /64); staff login POSTs per address and per network.
    PUBLIC_POST_RATE=(str, "20/10m"),
    PUBLIC_POST_NETWORK_RATE=(str, "100/10m"),
    STAFF_LOGIN_RATE=(str, "30/10m"),
    # /metrics for Prometheus (kela_service/metrics.py): the bearer token a scrape
    # sends; unset, the endpoint answers 404.
    METRICS_TOKEN=(str, ""),
    # Citizen login by OpenID Connect (citizens/oidc.py): the provider's issuer (its
    # discovery document at <issuer>/.well-known/openid-configuration) or the discovery
    # URL itself, this app's client id and secret, the scope asked for, and the ID token
    # claim that carries the personal identity code.
    OIDC_ISSUER=(str, ""),
    OIDC_DISCOVERY_URL=(str, ""),
    OIDC_CLIENT_ID=(str, ""),
    OIDC_CLIENT_SECRET=(str, ""),
    OIDC_SCOPE=(str, "openid profile"),
    OIDC_IDENTITY_CLAIM=(str, "personal_identity_code"),
    # The development identity provider at /dev-idp/ (dev_identity/): on by default
    # with DEBUG and in the tests, never in production (check --deploy fails).
    OIDC_DEV_PROVIDER=(bool, None),
    # The key of the citizens' identity hashes (HMAC of the personal identity code);
    # required outside DEBUG and tests; keep it, or nobody is recognised again.
    IDENTITY_KEY=(str, ""),
    # Minutes without activity after which an identified citizen is logged out.
    CITIZEN_IDLE_MINUTES=(int, 15),
    # Reverse proxies in front of the app that append to X-Forwarded-For (0 = none).
    NUM_PROXIES=(int, 0),
    # Test database name, so that parallel runs on one machine do not collide.
    TEST_DB_NAME=(str, ""),
)
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env("DEBUG")
PRODUCTION = not (DEBUG or TESTING)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise environ.ImproperlyConfigured("Set SECRET_KEY (DEBUG is off).")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105

# Without LINK_KEY outside DEBUG and the tests, check --deploy fails (kela_service.checks).
LINK_KEY = env("LINK_KEY")
if not LINK_KEY and not PRODUCTION:
    # DEBUG and the tests: a Fernet key derived from the development SECRET_KEY.
    LINK_KEY = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin, behind the second factor (accounts.admin_site.StaffAdminSite).
    "accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "phonenumber_field",
    "csp",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Before oauth2_provider: its templates override the toolkit's.
    "dev_identity",
    "oauth2_provider",
    "kela_service",
    "offices",
    "notifications",
    "citizens",
    "access",
    "accounts",
    "appointments",
    "callbacks",
    "desk",
    "reports",
]

MIDDLEWARE = [
    # With its pair near the end: request counts and latency per view for /metrics
    # (django-prometheus, kela_service/metrics.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kela_service.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Staff and admin pages (and their CSV) are never stored by a browser or proxy.
    "accounts.middleware.StaffNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The development identity provider's own session under /dev-idp/ (404 when off).
    "dev_identity.middleware.DevProviderMiddleware",
    "kela_service.middleware.StaffAwareLocaleMiddleware",
    "kela_service.middleware.ClientAddressMiddleware",
    "kela_service.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kela_service.ratelimit.PublicPostRateLimitMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The staff door (accounts/): 30 minutes idle logs out; every admin and staff page
    # asks for the second factor (or sends to its enrolment) before any view runs.
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Sees each response as it leaves (Axes' lockout page included).
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as its documentation asks: turns a login refused for a lockout into the
    # lockout page (accounts.views.locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kela_service.urls"
# One set of form templates (templates/forms/) for every form.
FORM_RENDERER = "kela_service.forms.FormRenderer"
WSGI_APPLICATION = "kela_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite by default (WAL, IMMEDIATE transactions so writers queue on the
# busy timeout instead of failing on lock upgrade); PostgreSQL via DATABASE_URL.
DATABASES = {"default": env.db_url("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file test database: in-memory shared cache ignores the busy timeout.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / (env("TEST_DB_NAME") or "test_db")) + ".sqlite3"
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer fails a request in seconds (a 503 page), rather
    # than holding a worker until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    if env("TEST_DB_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's, one redis.Redis per pool (kela_service/cache.py).
            "BACKEND": "kela_service.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "kela",
            # A Redis that does not answer must not hold a request for long: the rate
            # limit then counts per process (kela_service/ratelimit.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Staff passwords guard citizens' data: 12 characters at least.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is not under test; the default costs about a second per user.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "admin:login"
# After logging in, staff land on their home page (kela_service.staff_home).
LOGIN_REDIRECT_URL = "staff_home"
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The staff door (accounts/). A staff session lasts a working day at most, and ends
# after 30 minutes without a request to a staff or admin page.
SESSION_COOKIE_AGE = 8 * 60 * 60
STAFF_IDLE_TIMEOUT = 30 * 60
# The paths behind the door: the admin and the staff pages (kela_service/urls.py).
STAFF_PATH_PREFIXES = ("/admin/", "/staff/")
# Messages (e.g. "logged out after 30 minutes idle") in the session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "Kela service"
# django-axes: 10 failed logins lock out that user name from that address, and 10 from
# one address lock the address out (any user name), for 15 minutes after the last
# failure. Never for good: a permanent lock would let anyone lock staff out by typing
# their user names. The address is the one the rate limits see (behind NUM_PROXIES).
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "kela_service.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Logins are in the access record already (access/); axes keeps the failures only.
AXES_DISABLE_ACCESS_LOG = True
# Its list of failed logins is registered by kela_service/admin.py.
AXES_ENABLE_ADMIN = False
# Masked in axes' log lines and its stored form data (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
CSRF_FAILURE_VIEW = "kela_service.views.csrf_failure"

# Internationalisation: Finnish first, Swedish and English complete.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One written style of dates and times per language (offices/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["offices.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE")
USE_TZ = env("USE_TZ")
PHONENUMBER_DEFAULT_REGION = "FI"
PHONENUMBER_DB_FORMAT = "E164"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: console in development, locmem in tests, SMTP via EMAIL_URL.
if env("EMAIL_URL"):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
EMAIL_TIMEOUT = env("EMAIL_TIMEOUT")
SITE_URL = env("SITE_URL").rstrip("/")

# SMS and the outbox (notifications/).
SMS_URL = env("SMS_URL")
SMS_WEBHOOK_SECRET = env("SMS_WEBHOOK_SECRET")
NOTIFICATIONS_MAX_ATTEMPTS = env("NOTIFICATIONS_MAX_ATTEMPTS")
NOTIFICATIONS_RETRY_SECONDS = env("NOTIFICATIONS_RETRY_SECONDS")
NOTIFICATIONS_LEASE_SECONDS = env("NOTIFICATIONS_LEASE_SECONDS")

# Task queue: django-q2 with the database as its broker, on SQLite and PostgreSQL alike,
# also when REDIS_URL is set (Redis stays the cache). Workers on any number of machines
# share the database queue (a conditional UPDATE hands each task to one), and a task
# whose worker died is handed out again after "retry" seconds; django-q2's Redis broker
# pops tasks without acknowledgement and would lose that one. The jobs are idempotent,
# so a failed run is recorded, not repeated: the next scheduled run does the work.
Q_CLUSTER = {
    "name": "kela",
    "orm": "default",
    "workers": env("Q_WORKERS"),
    "timeout": 240,
    "retry": 300,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 100,
    "poll": 0.5,
    "label": _("Task queue"),
}
HOUSEKEEPING_MINUTES = env("HOUSEKEEPING_MINUTES")
REMINDER_HOUR = env("REMINDER_HOUR")
PHONE_CODES_PER_NUMBER = env("PHONE_CODES_PER_NUMBER")
PHONE_CODES_PER_NETWORK = env("PHONE_CODES_PER_NETWORK")

# Security headers (check --deploy passes with PRODUCTION on).
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
if SECURE_SSL_REDIRECT is None:
    SECURE_SSL_REDIRECT = PRODUCTION
# Probes and scrapes may reach gunicorn without the proxy (no HTTPS to redirect to).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^metrics$"]
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
if SECURE_HSTS_SECONDS is None:
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page here uses, denied to every page and frame
# (kela_service.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin sets a few inline style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"mask_secrets": {"()": "kela_service.redact.MaskSecretsFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_secrets"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL")},
    # runserver's request lines (Django gives them a handler of their own): through the
    # same masks as everything else.
    "loggers": {"django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False}},
}

# Domain settings (see DOMAIN.md: assumptions are data, not code).
APPOINTMENT_MIN_NOTICE_MINUTES = env("APPOINTMENT_MIN_NOTICE_MINUTES")
APPOINTMENT_HORIZON_WEEKS = env("APPOINTMENT_HORIZON_WEEKS")
APPOINTMENT_SLOT_MINUTES = env("APPOINTMENT_SLOT_MINUTES")
APPOINTMENTS_PER_PHONE = env("APPOINTMENTS_PER_PHONE")
CALLBACK_LEAD_MINUTES = env("CALLBACK_LEAD_MINUTES")
CALLBACK_WINDOW_CAPACITY = env("CALLBACK_WINDOW_CAPACITY")
PERSONAL_DATA_RETENTION_DAYS = env("PERSONAL_DATA_RETENTION_DAYS")
# The access record (access/): who looked at which citizen's data. Citizens appear as
# HMACs with this key; a deploy check (access.E001) refuses production without one.
ACCESS_RECORD_KEY = env("ACCESS_RECORD_KEY")
if not ACCESS_RECORD_KEY and not PRODUCTION:
    ACCESS_RECORD_KEY = "insecure-development-access-record-key-for-debug-and-tests"
ACCESS_RECORD_RETENTION_DAYS = env("ACCESS_RECORD_RETENTION_DAYS")
# The client's address as the rate limit sees it (behind NUM_PROXIES proxies).
ACCESS_RECORD_CLIENT_ADDRESS = "kela_service.ratelimit.client_address"
# "<count>/<period>" with period s, m, h or d, optionally prefixed with a number.
PUBLIC_POST_RATE = env("PUBLIC_POST_RATE")
PUBLIC_POST_NETWORK_RATE = env("PUBLIC_POST_NETWORK_RATE")
STAFF_LOGIN_RATE = env("STAFF_LOGIN_RATE")
METRICS_TOKEN = env("METRICS_TOKEN")
NUM_PROXIES = env("NUM_PROXIES")

# Identified citizens (citizens/identity.py, citizens/oidc.py). Without IDENTITY_KEY or
# the OIDC settings outside DEBUG and the tests, check --deploy fails.
IDENTITY_KEY = env("IDENTITY_KEY")
if not IDENTITY_KEY and not PRODUCTION:
    IDENTITY_KEY = "insecure-development-identity-key-for-debug-and-tests"
CITIZEN_IDLE_MINUTES = env("CITIZEN_IDLE_MINUTES")
OIDC_DEV_PROVIDER = env("OIDC_DEV_PROVIDER")
if OIDC_DEV_PROVIDER is None:
    OIDC_DEV_PROVIDER = not PRODUCTION
OIDC_ISSUER = env("OIDC_ISSUER")
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_SCOPE = env("OIDC_SCOPE")
OIDC_IDENTITY_CLAIM = env("OIDC_IDENTITY_CLAIM")
if OIDC_DEV_PROVIDER:
    # The development provider, mounted at /dev-idp/ in this process (the tests point
    # OIDC_ISSUER at their live server).
    OIDC_ISSUER = OIDC_ISSUER or f"{SITE_URL}/dev-idp/o"
    OIDC_CLIENT_ID = OIDC_CLIENT_ID or "kela-service-dev"
    OIDC_CLIENT_SECRET = OIDC_CLIENT_SECRET or "kela-service-dev-secret"


@functools.cache
def _dev_provider_key():
    """The development provider's RSA key: new in each process (it signs ID tokens for
    test persons only; serve the provider from one process, as runserver does)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


# django-oauth-toolkit: the development identity provider (dev_identity/), with
# OpenID Connect, PKCE, short-lived codes and RP-initiated logout.
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": lazy(_dev_provider_key, str)() if OIDC_DEV_PROVIDER else "",
    "OAUTH2_VALIDATOR_CLASS": "dev_identity.provider.Validator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name, birth date, identity code"},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "ALLOW_LOCALHOST_LOOPBACK": True,
    # The development app answers on http://127.0.0.1 and http://localhost.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if OIDC_DEV_PROVIDER else ["https"],
    # RFC 9700 (the OAuth 2.0 security BCP) throughout.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
