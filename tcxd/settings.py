"""TCXD settings: one module, driven by the environment.

Environment variables (all optional except SECRET_KEY):
  SECRET_KEY       required; no default outside `make run` / `make test`.
  DEBUG            0/1, default 0.
  DATABASE_URL     default sqlite:///var/tcxd.sqlite3 (the embedded default);
                   production: postgres://user@host:5432/tcxd
  ALLOWED_HOSTS    comma-separated, default "localhost,127.0.0.1".
  HTTPS            0/1, default 1 when DEBUG=0: secure cookies, SSL redirect, HSTS.
  BEHIND_PROXY     0/1: trust X-Forwarded-Proto from the reverse proxy (nginx).
  SESSION_IDLE_MINUTES  idle session expiry, default 30.
  SESSION_DIR      on SQLite, where the session files go (default var/sessions).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (env_str(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and env_bool("TCXD_OFFLINE_COMMAND", False):
    import secrets

    SECRET_KEY = secrets.token_urlsafe(50)  # schema tooling only (see manage.py); never serves requests
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Use `make run` for a development server, or set SECRET_KEY."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "treebeard",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # TCXD bounded contexts; dependencies point one way:
    # common <- audit <- rules <- geo <- authz <- orgs <- (members <- cadres <- reports ...)
    "tcxd.common",
    "tcxd.audit",
    "tcxd.rules",
    "tcxd.geo",
    "tcxd.authz",
    "tcxd.orgs",
    "tcxd.members",
    "tcxd.fees",
    "tcxd.meetings",
    "tcxd.cadres",
    "tcxd.reports",
    "tcxd.restructure",
    "tcxd.imports",
    "tcxd.exports",
    "tcxd.documents",  # decision templates, dossier documents (Word, PDF)
    "tcxd.demo",
    "tcxd.ops",
    "tcxd.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tcxd.common.middleware.SecurityHeadersMiddleware",
    "tcxd.common.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tcxd.audit.middleware.RequestContextMiddleware",
    "tcxd.common.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tcxd.urls"
WSGI_APPLICATION = "tcxd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tcxd" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tcxd.common.context_processors.tcxd",
            ],
            "builtins": ["tcxd.common.templatetags.vn", "template_partials.templatetags.partials"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'tcxd.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(
    DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60),
    # a kept connection is checked before reuse: after a PostgreSQL restart each web worker's first request would fail
    conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    # pgbouncer in transaction mode (docs/deployment.md): named cursors cannot outlive its transactions
    disable_server_side_cursors=env_bool("PG_DISABLE_SERVER_SIDE_CURSORS", False))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-200000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_SQLITE_NAME", None)}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's cost of a name search's token stream (it cannot know how soon
    # the page fills) passes jit_above_cost, and compiling took 18 ms of a 27 ms query (size L).
    # PG_OPTIONS: more server settings for the app's connections ("-c name=value …").
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit=off {env_str('PG_OPTIONS', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches and background tasks ------------------------------------------------------------------
# "progress": a long operation's progress, written by the worker while its transaction is open and read
# by the web process (files: both run on the one server of an offline LAN).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": env_str("PROGRESS_DIR", str(
                     # the test workers' databases share a name (SQLite in memory): each its own folder
                     Path(tempfile.gettempdir()) / f"tcxd-test-progress-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
                     if env_bool("TCXD_TESTING", False) else BASE_DIR / "var" / "progress"))},
}
# Long operations (restructuring) run in `manage.py db_worker` (django-tasks, database queue: nothing else
# to install); TASKS_IMMEDIATE=1 runs them inline (tests, a one-process demo).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
                     if env_bool("TASKS_IMMEDIATE", env_bool("TCXD_TESTING", False))
                     else "django_tasks_db.DatabaseBackend"}}
# Exports of lists (tcxd.exports.conf): files of background exports, rows above which an export runs in the
# background, days the files are kept (`manage.py exports_purge`).
EXPORTS = {"ROOT": env_str("EXPORT_DIR", str(Path(tempfile.gettempdir()) / "tcxd-test-exports"
                                             if env_bool("TCXD_TESTING", False) else BASE_DIR / "var" / "exports")),
           "BACKGROUND_ABOVE": env_int("EXPORT_BACKGROUND_ABOVE", 20_000), "KEEP_DAYS": env_int("EXPORT_KEEP_DAYS", 7)}
# Imports (tcxd.imports): largest upload; rows judged, held in memory and written per step (one progress
# step each; memory grows with it);
# TCXD_IMPORT_CHUNK_PAUSE (seconds after each step) exists only for the fault-injection test (kill -9).
TCXD_IMPORT_MAX_MB = env_int("TCXD_IMPORT_MAX_MB", 50)
TCXD_IMPORT_CHUNK = env_int("TCXD_IMPORT_CHUNK", 5000)
TCXD_IMPORT_CHUNK_PAUSE = float(env_str("TCXD_IMPORT_CHUNK_PAUSE", "0") or 0)
# PostgreSQL working memory of one transaction that groups millions of rows (tcxd.common.db.big_grouping)
TCXD_GROUPING_WORK_MEM = env_str("TCXD_GROUPING_WORK_MEM", "128MB")
# PostgreSQL sort/group memory of the benchmark dataset's load transaction (tcxd.bench.loader.bulk_session)
TCXD_DATASET_MEMORY = env_str("TCXD_DATASET_MEMORY", "1GB")

# --- Auth and security ----------------------------------------------------------------------------
AUTH_USER_MODEL = "authz.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tcxd.authz.validators.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tcxd.authz.lockout.lockout_response"
AXES_VERBOSE = False

HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: every request extends the session
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Sessions in files beside the embedded database: a session saved on every request would otherwise wait for
    # SQLite's single write lock while a background task (a restructuring preview or apply) holds it, and the
    # page's progress polls would fail. PostgreSQL keeps them in the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.file"
    SESSION_FILE_PATH = env_str("SESSION_DIR", str(
        Path(tempfile.gettempdir()) / "tcxd-test-sessions" if env_bool("TCXD_TESTING", False)
        else BASE_DIR / "var" / "sessions"))
    Path(SESSION_FILE_PATH).mkdir(parents=True, exist_ok=True)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tcxd.common.views.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Content-Security-Policy sent by tcxd.common.middleware.SecurityHeadersMiddleware.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

# --- Language, time, formats ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tcxd.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tcxd" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("TCXD_TESTING", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("TCXD_TESTING", False)

# --- Uploaded files (dossier documents) --------------------------------------------------------------
# Never served directly: files go out only through the scoped, audited download view (no MEDIA_URL).
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

if env_bool("TCXD_TESTING", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    AXES_ENABLED = env_bool("AXES_ENABLED", True)
