"""Django settings, read from the environment (docs/configuration.md lists every variable).

BESPONSA_ENV selects the profile: "development" (default; SQLite under var/, console email),
"test" (used by the test suite) or "production" (refuses to start without SECRET_KEY and
ALLOWED_HOSTS, DEBUG always off, secure cookies and HSTS).
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

import dj_database_url

from besponsa.project.env import ConfigurationError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(env_str("BESPONSA_HOME", str(Path(__file__).resolve().parents[3])))
VAR_DIR = Path(env_str("BESPONSA_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_str("BESPONSA_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ConfigurationError(f"BESPONSA_ENV must be development, test or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"


def _development_key(name: str, make: Callable[[], str]) -> str:
    """A per-checkout key kept in var/<name> so it survives restarts; never used in production.

    Written to a private temporary file and linked into place: when several processes start on a fresh
    checkout at once (`make run`'s server and worker, parallel test workers), the first link wins and
    every process reads that one complete key, never a half-written file or a key another overwrote.
    """
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=VAR_DIR, prefix=f".{name}-")  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(make())
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process linked its key first: use that one
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def _development_secret_key() -> str:
    return _development_key("secret_key", lambda: secrets.token_urlsafe(50))


if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ConfigurationError("ALLOWED_HOSTS must be set in the environment in production")
    if env_bool("DEBUG", False):
        raise ConfigurationError("DEBUG cannot be turned on in production")
    DEBUG = False
else:
    SECRET_KEY = env_str("SECRET_KEY", "") or _development_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    DEBUG = env_bool("DEBUG", ENVIRONMENT == "development")

INSTALLED_APPS = [
    "besponsa.portal",
    "besponsa.tools",
    "besponsa.api",
    "besponsa.accounts",
    "besponsa.compliance",
    "besponsa.intake",
    "besponsa.services",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "besponsa.portal.middleware.RequestLogMiddleware",
    # Django's own headers (nosniff, Referrer-Policy, COOP, HSTS, the HTTPS redirect) and X-Frame-Options,
    # outside everything that can answer early (static files, the gate, the page cache).
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # What Django does not set: Content-Security-Policy and Permissions-Policy.
    "besponsa.portal.middleware.SecurityHeadersMiddleware",
    # HTML and JSON leave compressed (the BREACH reasoning is in docs/operations.md): rendered answers at
    # gzip level 1 (portal/compression.py); cached pages are stored compressed by the page cache and pass
    # through untouched.
    "besponsa.portal.compression.GZipMiddleware",
    "besponsa.portal.middleware.HcpGateMiddleware",
    "besponsa.portal.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "besponsa.accounts.middleware.AuditContextMiddleware",
    "besponsa.accounts.middleware.SessionLifetimeMiddleware",
    "besponsa.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Overridable only so that bench/ can add its framework-floor view beside the real URLs.
ROOT_URLCONF = env_str("ROOT_URLCONF", "besponsa.project.urls")
WSGI_APPLICATION = "besponsa.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "besponsa.portal.context.site_shell",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock up front so a write
    # never fails half-way on a busy database.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# The default alias is always this process's memory (Wagtail's site lookup, per-process memo caches): a
# page request never waits on the network for it and a Redis outage cannot break it. A cache every
# worker shares is the "shared" alias: Redis when configured (short timeouts: an outage must fail
# fast), else the same process memory.
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "besponsa"}
}
if REDIS_URL:
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
    }
else:
    CACHES["shared"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}
# Background work (docs/operations.md "Background worker"). "default" stays in-process for Wagtail's own
# housekeeping (search and reference index updates), as before. "outbox" is the durable queue for work
# that must survive a crash (notifications, hand-offs): rows in the database, run by `manage.py
# db_worker --backend outbox` (started by `make run`). Tests run it immediately unless they say otherwise.
TASKS_OUTBOX_BACKEND = env_str(
    "TASKS_OUTBOX_BACKEND",
    "immediate" if ENVIRONMENT == "test" else "database",
)
if TASKS_OUTBOX_BACKEND not in {"immediate", "database"}:
    raise ConfigurationError(f"TASKS_OUTBOX_BACKEND: immediate or database, not {TASKS_OUTBOX_BACKEND!r}")
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "outbox": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_OUTBOX_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    },
}
# Adverse-event reports and Medical Information requests (docs/safety.md). Health data is encrypted at
# rest with these Fernet keys (comma-separated; the first encrypts, all decrypt, so keys can be rotated).
# Production has no fallback: without the variable the forms and queues refuse to work (fail closed).


def _development_intake_key() -> str:
    return _development_key("intake_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())


INTAKE_ENCRYPTION_KEYS = env_list("INTAKE_ENCRYPTION_KEY", []) or (
    [] if PRODUCTION else [_development_intake_key()]
)
INTAKE_SAFETY_EMAIL = env_str("INTAKE_SAFETY_EMAIL", "drug-safety@localhost")
INTAKE_MEDICAL_INFORMATION_EMAIL = env_str(
    "INTAKE_MEDICAL_INFORMATION_EMAIL", "medical-information@localhost"
)
# E2B(R3) export (docs/safety.md): the sender and receiver identifiers agreed with the FDA gateway.
INTAKE_E2B_SENDER_ID = env_str("INTAKE_E2B_SENDER_ID", "BESPONSAHCP")
INTAKE_E2B_SENDER_NAME = env_str("INTAKE_E2B_SENDER_NAME", "Pfizer Inc")
INTAKE_E2B_RECEIVER_ID = env_str("INTAKE_E2B_RECEIVER_ID", "CDER")
INTAKE_MIN_FILL_SECONDS = env_int("INTAKE_MIN_FILL_SECONDS", 3)
INTAKE_REPORTS_PER_REPORTER_PER_HOUR = env_int("INTAKE_REPORTS_PER_REPORTER_PER_HOUR", 10)
INTAKE_REPORTS_PER_ADDRESS_PER_HOUR = env_int("INTAKE_REPORTS_PER_ADDRESS_PER_HOUR", 60)
# The published-page cache (besponsa.portal.pagecache, docs/operations.md "Serving and caching").
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_REDIS_URL = env_str("PAGE_CACHE_REDIS_URL", REDIS_URL)
PAGE_CACHE_MAX_ENTRIES = env_int("PAGE_CACHE_MAX_ENTRIES", 500)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 64 * 1024 * 1024)
PAGE_CACHE_REDIS_TIMEOUT = env_int("PAGE_CACHE_REDIS_TIMEOUT_MS", 250) / 1000
PAGE_CACHE_BREAKER_SECONDS = env_int("PAGE_CACHE_BREAKER_SECONDS", 5)
PAGE_CACHE_LOCK_SECONDS = env_int("PAGE_CACHE_LOCK_SECONDS", 5)
PAGE_CACHE_WAIT_SECONDS = env_int("PAGE_CACHE_WAIT_MS", 1000) / 1000
# Calls a minute one client address may make to /api/v1/clinical/* (docs/api.md); raise it for benchmarks.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
API_TOKEN_RATE_LIMIT_PER_MINUTE = env_int("API_TOKEN_RATE_LIMIT_PER_MINUTE", 600)

STRONG_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The test profile hashes with MD5: an Argon2 hash costs ~0.5 s on the 2-core test machine and the suite
# makes hundreds of users. Tests of the real hashers ask for the `argon2_hashing` fixture.
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"] if ENVIRONMENT == "test" else STRONG_PASSWORD_HASHERS
)
# Accounts (docs/accounts.md): email is the sign-in identifier; staff need TOTP for /cms/.
AUTHENTICATION_BACKENDS = ["besponsa.accounts.backends.EmailBackend"]
OTP_TOTP_ISSUER = "BESPONSA HCP"
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
ACCOUNTS_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ACCOUNTS_NPI_VERIFIER = env_str("NPI_VERIFIER", "besponsa.accounts.npi.OfflineNpiVerifier")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "besponsa.accounts.passwords.MinimumStrengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Assets the build installs from pinned npm packages (the typeface: scripts/build_static.sh). Git-ignored.
BUILD_STATIC_DIR = BASE_DIR / "build" / "static"
BUILD_STATIC_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BUILD_STATIC_DIR]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
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
# Outside production WhiteNoise serves straight from the app folders, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects the folder even when it is empty
WHITENOISE_AUTOREFRESH = DEBUG

# Security: the same habits everywhere, stricter transport settings in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# However active, a signed-in session ends this long after the sign-in (accounts.middleware).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "besponsa.portal.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
HCP_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

EMAIL_KIND = env_str("EMAIL_BACKEND", "console")
if EMAIL_KIND == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_KIND == "file":
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
elif EMAIL_KIND == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif EMAIL_KIND == "locmem":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    raise ConfigurationError(f"EMAIL_BACKEND must be console, file, smtp or locmem, not {EMAIL_KIND!r}")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BESPONSA HCP <no-reply@localhost>")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_SITE_NAME = "BESPONSA HCP"
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
# Private pages send visitors to our sign-in page; Wagtail's /_util/login/ still answers, but through the
# same throttled backend (besponsa.accounts.backends).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "docx", "xlsx", "pptx", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# MLR: an edit made during review restarts the approvals, so all three steps approve the same revision.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True

# The request log carries method, path, status and duration only: no bodies, no query strings. Every
# record of every logger also passes besponsa.accounts.logredact (emailed-link tokens, API tokens,
# email addresses and query strings are replaced before any handler sees them).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "besponsa.requests": {"handlers": ["console"], "level": env_str("REQUEST_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
