"""SuperTeam settings: one module, configured only from environment variables.

Every knob is an environment variable (12-factor); docs/configuration.md lists them.
Without any, this is a development installation on a SQLite file under var/.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest sets PYTEST_VERSION for the whole run: tests get fast hashing and plain HTTP.
TESTING = bool(os.environ.get("PYTEST_VERSION"))
# A demo installation lists its demo accounts on the sign-in page; never set in production.
DEMO_MODE = env_bool("DEMO_MODE", False)

_INSECURE_DEV_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or _INSECURE_DEV_KEY
if SECRET_KEY == _INSECURE_DEV_KEY and not (DEBUG or TESTING):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "superteam.core.apps.SuperTeamAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, not a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "superteam.core",
    "superteam.org",
    "superteam.ledger",
    "superteam.agreements",
    "superteam.meetings",
    "superteam.innovations",
    "superteam.reports",
    "superteam.scoring",
    "superteam.news",
    "superteam.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "superteam.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "superteam.core.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "superteam.urls"
WSGI_APPLICATION = "superteam.wsgi.application"
ASGI_APPLICATION = "superteam.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "superteam.core.context_processors.superteam",
            ],
            "builtins": ["superteam.core.templatetags.superteam"],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite file under var/ unless DATABASE_URL says otherwise (postgres://...).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'superteam.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# IMMEDIATE transactions make concurrent writers queue instead of failing with
# "database is locked" when a read turns into a write (ledger appends rely on it).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    # Not mmap_size: measured in the reports benchmark, the page faults of the mapping cost
    # more system time than the read calls they replace (docs/reports.md, session 8).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers of all processes queue on a file lock rather than SQLite's sleep-and-retry
    # (superteam/core/sqlite_queue/base.py).
    DATABASES["default"]["ENGINE"] = "superteam.core.sqlite_queue"
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
# Parallel test runs against one PostgreSQL server each need their own test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Lock an account (per username and address) out for 15 minutes after 5 failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind HTTPS (production): secure cookies, HSTS and redirects. Off for the local demo.
HTTPS = env_bool("HTTPS", not (DEBUG or TESTING))
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages, time, formats ---------------------------------------------------------
LANGUAGE_CODE = "id"
# Each language is named in itself, as language switches do.
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "superteam_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_THOUSAND_SEPARATOR = True
# English short dates day first, with the month named (superteam/formats/en/formats.py).
FORMAT_MODULE_PATH = ["superteam.formats"]
# Each app keeps its own catalogue in superteam/<app>/locale/ (see docs/translation.md).
# Listed here, they come before every installed app's: where Django, its admin or axes
# translate the same words otherwise ("Sandi", "Nama Pengguna"), ours are used throughout
# (the sign-in page said "Sandi" above "Lupa kata sandi?").
# In INSTALLED_APPS order, as before: where two of our apps translate a word differently,
# the same one wins.
LOCALE_PATHS: list[Path] = [
    BASE_DIR.joinpath(*app.split("."), "locale")
    for app in INSTALLED_APPS
    if app.startswith("superteam.") and BASE_DIR.joinpath(*app.split("."), "locale").is_dir()
]

# --- Static files and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Originals (photos with EXIF, evidence files) never leave through a public URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Multipart bodies are split by superteam/core/uploads.py (a report's body in 0.4 ms
# instead of Django's 0.9), the files handled by Django's own handlers.
FILE_UPLOAD_HANDLERS = [
    "superteam.core.uploads.MultipartHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SuperTeam <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work ------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "superteam.core.tasks_backend.DatabaseBackend"),
        "QUEUES": ["default", "photos", "mail"],
    }
}

# --- Cache ----------------------------------------------------------------------------
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level applies to the handler too: Django's own loggers (django.request's 4xx
    # warnings) pass their records up to it whatever the root logger's level.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- News portal (superteam/news, docs/news.md) ---------------------------------------
# Editors are the holders of positions in these units (codes, comma-separated) and their
# sub-units; the heads of these units (and admins) also review and publish. Default:
# Diskominfo's public information and communication division.
NEWS_EDITOR_UNITS = env_list("NEWS_EDITOR_UNITS", "DISKOMINFO-B1")
# Local time of the daily news digest, and the mailbox named in List-Unsubscribe (mailto).
NEWS_DAILY_DIGEST_AT = os.environ.get("NEWS_DAILY_DIGEST_AT", "06:00")
NEWS_UNSUBSCRIBE_MAILTO = os.environ.get("NEWS_UNSUBSCRIBE_MAILTO", "")
# Public portal pages are cached per language: the in-process cache's default of 300
# entries would not even hold the latest stories in both languages.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "3000"))}

# --- Reports (issue 4): daily reports, photo evidence, digest -------------------------
# Local times (HH:MM) of the regent's daily digest and of the reminders to late units.
REPORTS_DIGEST_TIME = os.environ.get("REPORTS_DIGEST_TIME", "16:00")
REPORTS_REMINDER_TIME = os.environ.get("REPORTS_REMINDER_TIME", "13:00")
REPORTS_REMINDER_UNTIL = os.environ.get("REPORTS_REMINDER_UNTIL", "19:00")
# Photo caps: bytes per photo, pixels per photo (decompression bombs), photos per report.
REPORTS_MAX_PHOTO_BYTES = int(os.environ.get("REPORTS_MAX_PHOTO_MB", "12")) * 1024 * 1024
REPORTS_MAX_PHOTO_PIXELS = int(os.environ.get("REPORTS_MAX_PHOTO_MEGAPIXELS", "50")) * 1_000_000
REPORTS_MAX_PHOTOS = int(os.environ.get("REPORTS_MAX_PHOTOS", "6"))
# A photo taken farther than this from its unit, or on another day, is flagged.
REPORTS_MAX_DISTANCE_KM = float(os.environ.get("REPORTS_MAX_DISTANCE_KM", "5"))
REPORTS_DAY_TOLERANCE = int(os.environ.get("REPORTS_DAY_TOLERANCE", "0"))
# Perceptual-hash distance (bits of 64) under which two photos count as the same picture.
REPORTS_REUSE_MAX_DISTANCE = int(os.environ.get("REPORTS_REUSE_MAX_DISTANCE", "6"))
# How many days back a report may be dated (queued phones send late).
REPORTS_BACKDATE_DAYS = int(os.environ.get("REPORTS_BACKDATE_DAYS", "7"))

# --- Agreements and ledger (issue 3; docs/agreements.md) -------------------------------
# Argon2id cost sealing each person's signing key under their password (RFC 9106's
# second recommended option by default); stored with each key, so a change is safe.
SIGNING_KDF_TIME_COST = int(os.environ.get("SIGNING_KDF_TIME_COST", "1" if TESTING else "3"))
SIGNING_KDF_MEMORY_KIB = int(
    os.environ.get("SIGNING_KDF_MEMORY_KIB", "8192" if TESTING else "65536")
)
SIGNING_KDF_PARALLELISM = int(os.environ.get("SIGNING_KDF_PARALLELISM", "1" if TESTING else "4"))
# Every password set makes the person's signing key follow it (kept on a change,
# replaced on a reset): Django calls this validator's password_changed hook.
AUTH_PASSWORD_VALIDATORS = [
    *AUTH_PASSWORD_VALIDATORS,
    {"NAME": "superteam.agreements.keyring.SigningKeyFollowsPassword"},
]
# The installation key signing ledger checkpoints: a 32-byte Ed25519 seed in hex or
# base64, or else generated once into this file (mode 0600).
LEDGER_SIGNING_KEY = os.environ.get("LEDGER_SIGNING_KEY", "")
LEDGER_SIGNING_KEY_FILE = Path(
    os.environ.get(
        "LEDGER_SIGNING_KEY_FILE",
        # Tests never leave a key in the installation's VAR_DIR.
        Path("/tmp/superteam-test-ledger-key") if TESTING else VAR_DIR / "ledger-signing-key",  # noqa: S108
    )
)
# Local time of the daily signed checkpoint and chain verification, and of the refresh
# of every indicator's status (on track / at risk / late).
LEDGER_CHECKPOINT_AT = os.environ.get("LEDGER_CHECKPOINT_AT", "01:00")
AGREEMENTS_PROGRESS_AT = os.environ.get("AGREEMENTS_PROGRESS_AT", "00:30")
# A TrueType font with the glyphs of both languages for agreement PDFs (else DejaVu Sans
# or Liberation Sans from the system, else static/agreements/fonts).
AGREEMENTS_PDF_FONT = os.environ.get("AGREEMENTS_PDF_FONT", "")

# --- Meetings (rakor scheduler) --------------------------------------------------------
# CP-SAT search workers per solve: 1 by default (2-core servers); with more, the search
# interleaves its workers deterministically, so a given value always gives the same schedule.
MEETINGS_SOLVER_WORKERS = int(os.environ.get("MEETINGS_SOLVER_WORKERS", "1"))
