"""Django settings of the jicai web app, read from the environment.

``JICAI_HOME``        the jicai home (default ``./jicai-data``): the SQLite file
                      ``web.sqlite3``, uploads under ``media/``, the warehouse
``DATABASE_URL``      PostgreSQL (``postgres://user:pw@host:5432/name``) instead of SQLite
``JICAI_PROFILE``     the policy profile the workflows follow (default ``national``)
``JICAI_CALENDAR``    a working-day override file (CSV ``date,is_workday``)
``JICAI_SECRET_KEY``  else one is generated and kept in the home
``JICAI_DEBUG``       ``1`` for Django's debug pages (never in production)
``JICAI_ALLOWED_HOSTS`` comma-separated host names (default: local names only)
``JICAI_AUDIT_DB_GUARD`` ``0`` leaves out the database triggers guarding the audit log
                      (only for test databases that are flushed between tests)
``JICAI_HTTPS``       ``1`` behind a TLS-terminating proxy: secure cookies, HSTS, HTTP
                      redirected to HTTPS (see docs/web.md, "Security")
``JICAI_TRUSTED_PROXY`` the proxy's address whose ``X-Forwarded-Proto`` waitress trusts
                      (default ``127.0.0.1`` with ``JICAI_HTTPS=1``)
``JICAI_LOCKOUT_FAILURES`` failed sign-ins before a username or an address is locked (5)
``JICAI_LOCKOUT_MINUTES`` how long a lockout lasts (30)
``JICAI_IDLE_MINUTES``  a session ends after this long without a request (30)

``JICAI_NOW`` is a setting, not an environment variable: the moment the app's clock
stands at (an aware datetime), set in-process by the demo server on the demo's data
and by the tests; None — real time — everywhere else (decision 0011).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from jicai.web import dburl
from jicai.web.env import env_bool, env_list, jicai_home, private_file, secret_key

WEB_DIR = Path(__file__).resolve().parent
HOME = jicai_home()

SECRET_KEY = secret_key(HOME)
DEBUG = env_bool("JICAI_DEBUG", False)
ALLOWED_HOSTS = env_list("JICAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "ninja",
    "jicai.web.accounts",
    "jicai.web.reference",
    "jicai.web.audit",
    "jicai.web.filings",
    "jicai.web.tickets",
    "jicai.web.purchases",
    "jicai.web.agreements",
    "jicai.web.alerts",
    "jicai.web.monitoring",
    "jicai.web.dashboards",
    "jicai.web.api",
    # background jobs (decision 0009): Django's Tasks API (backport) with its queue in
    # this database; `jicai serve` runs the worker
    "django_tasks",
    "django_tasks_db",
    "jicai.web.jobs",
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /static/ straight from the package (no web server needed in front), cached
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # a NUL character in an address, query or form: 400 (PostgreSQL cannot store it)
    "jicai.web.nul.NulRefusedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jicai.web.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # sign-in lockout (登录失败处理, 等保 2.0): last, as django-axes asks
    "axes.middleware.AxesMiddleware",
    # a busy (import running) or unreadable warehouse: a 503 page, not a 500
    "jicai.web.busy.WarehouseBusyMiddleware",
]

ROOT_URLCONF = "jicai.web.urls"
WSGI_APPLICATION = "jicai.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jicai.web.accounts.context.navigation",
                "csp.context_processors.nonce",
                "jicai.web.clock.context",
            ],
        },
    },
]

_url = os.environ.get("DATABASE_URL")
if not _url:
    # The database holds password hashes, tokens' digests and the audit log: owner only.
    private_file(HOME / "web.sqlite3")
# SQLite for a threaded server: WAL lets readers go on while one writes, IMMEDIATE
# transactions take the write lock up front (no "database is locked" half-way), and a
# writer waits up to 20 s for another one instead of failing.
_SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "web.sqlite3"),
           "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                       "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
DATABASES = {"default": dburl.parse(_url) if _url else _SQLITE}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's own validators (等保 2.0 身份鉴别: complexity): at least 10 characters, not
# like the username, not a common password, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout after repeated failures, per username and per address apart (django-axes):
# 5 failures lock for 30 minutes; a success clears the count. The API's bearer tokens
# do not sign in and are not counted.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("JICAI_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("JICAI_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Idle timeout (超时退出): a session ends after 30 minutes without a request.
SESSION_COOKIE_AGE = int(os.environ.get("JICAI_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Simplified Chinese by default; English through the language switch (only the switch:
# the browser's Accept-Language is not followed, see jicai.web.language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
# Deadlines are Beijing dates: every "today" and every date shown is Asia/Shanghai.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = HOME / "static"
MEDIA_ROOT = HOME / "media"
# Uploaded letters (承诺书) are for the bureau's eyes: owner-only files and folders.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# WhiteNoise serves the package's static files (and ninja's Swagger UI) without
# collectstatic; they change only with a new jicai version.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600
WHITENOISE_ALLOW_ALL_ORIGINS = False  # no other site needs jicai's files
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise also serves collectstatic's copy

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind a TLS-terminating proxy (JICAI_HTTPS=1) every cookie is secure, browsers are
# told to use HTTPS only (HSTS), and a plain-HTTP request is redirected. Off for the
# default loopback or intranet server over plain HTTP, where secure cookies would make
# signing in impossible. waitress sets the scheme from X-Forwarded-Proto only when the
# request comes from JICAI_TRUSTED_PROXY (jicai.web.commands).
HTTPS = env_bool("JICAI_HTTPS", False)
TRUSTED_PROXY = os.environ.get("JICAI_TRUSTED_PROXY") or ("127.0.0.1" if HTTPS else None)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JICAI_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("JICAI_HSTS_PRELOAD", True)

# Content-Security-Policy: scripts and styles only from jicai itself (ECharts and
# Swagger UI are served locally; nothing from a CDN), no inline script unless it
# carries the request's nonce ({{ request.csp_nonce }}). Inline style *attributes*
# are allowed (style-src-attr): ECharts writes them into its tooltips and they cannot
# run code; <style> elements and style sheets must still come from 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

JICAI_PROFILE = os.environ.get("JICAI_PROFILE", "national")
JICAI_CALENDAR = os.environ.get("JICAI_CALENDAR") or None
# The app's clock: None is real time. Set only in-process — by `jicai serve --demo` and
# `jicai demo --serve` on the demo's data, and by the tests — never from the environment
# (jicai.web.clock, decision 0011).
JICAI_NOW: dt.datetime | None = None
# Database triggers that refuse UPDATE/DELETE of audit events (see audit migration 0002).
JICAI_AUDIT_DB_GUARD = env_bool("JICAI_AUDIT_DB_GUARD", True)

NINJA_PAGINATION_PER_PAGE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}
