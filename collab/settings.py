"""Django settings for Collab, read from the environment (see the contract's settings table).

With no variables set Collab runs on the embedded default: SQLite, the in-memory channel layer,
a file cache and Celery's filesystem broker. `DATABASE_URL` and `REDIS_URL` switch it to
PostgreSQL (pooled) and Redis for the channel layer, the broker, the cache and rate limits.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

from collab.config import (
    check_redis_url,
    check_secret_key,
    database_config,
    filesystem_celery,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if not os.environ.get("COLLAB_IGNORE_DOTENV") and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = check_secret_key(env.str("SECRET_KEY", default="") or None, debug=DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=["http://localhost", "http://127.0.0.1"]
)
PORT = env.int("PORT", default=8000)

# Where the embedded default keeps its broker queue, cache and uploads.
DATA_DIR = Path(env.str("COLLAB_DATA_DIR", default=str(BASE_DIR / "var")))
if not DATA_DIR.is_absolute():
    DATA_DIR = BASE_DIR / DATA_DIR

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.mfa",
    "collab",
    "accounts",
    "chat",
    "issues",
]

MIDDLEWARE = [
    "collab.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "collab.urls"
ASGI_APPLICATION = "collab.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "collab.context_processors.header",
            ],
        },
    },
]

# Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL", default="") or None, default_sqlite=BASE_DIR / "db.sqlite3"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: channel layer, broker, cache, rate limits -------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="") or None
if REDIS_URL:
    check_redis_url(REDIS_URL)
CACHE_KEY_PREFIX = env.str("COLLAB_CACHE_PREFIX", default="collab")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env.str("COLLAB_CHANNEL_PREFIX", default="asgi"),
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    # A file cache, unlike local memory, is shared by the web, worker and beat processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery ---------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # kombu's filesystem transport runs a real worker with no broker server to install.
    _fs_celery = filesystem_celery(DATA_DIR)
    CELERY_BROKER_URL = _fs_celery["broker_url"]
    CELERY_BROKER_TRANSPORT_OPTIONS = _fs_celery["broker_transport_options"]
    CELERY_RESULT_BACKEND = _fs_celery["result_backend"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}

# Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
SOCIALACCOUNT_PROVIDERS: dict = {}
GITHUB_CLIENT_ID = env.str("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET = env.str("GITHUB_CLIENT_SECRET", default="")
if GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET:
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APPS": [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET, "key": ""}],
        "SCOPE": ["read:user", "user:email"],
    }

# Mail -----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Collab <collab@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "collab.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "collab.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collab API",
    "DESCRIPTION": "Team chat, issue reporting and notifications.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "collab.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# Security -------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way decision for the operator's domain; it stays opt-in.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Logging: readable lines in development, one JSON object per line in production --------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "collab.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "celery": {"level": "INFO"},
    },
}

# Sentry, only when configured -----------------------------------------------------------------
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:  # pragma: no cover - needs an outside service
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0)

# Collab's own knobs ---------------------------------------------------------------------------
CHAT_RATE_LIMIT = env.int("CHAT_RATE_LIMIT", default=20)
CHAT_RATE_WINDOW = env.int("CHAT_RATE_WINDOW", default=10)
DEMO_PASSWORD = "collab-demo-2026"  # noqa: S105 - printed by seed_demo, demo data only

# Issues ---------------------------------------------------------------------------------------
from celery.schedules import crontab  # noqa: E402

# An issue still pending after this many hours is escalated to every lead, once.
ISSUES_ESCALATE_AFTER_HOURS = env.int("ISSUES_ESCALATE_AFTER_HOURS", default=48)
ISSUES_REOPEN_DAYS = env.int("ISSUES_REOPEN_DAYS", default=14)
ISSUES_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
CELERY_BEAT_SCHEDULE["issues-escalate-pending"] = {
    "task": "issues.tasks.escalate_pending_issues",
    "schedule": env.int("ISSUES_ESCALATION_CHECK_SECONDS", default=900),
}
CELERY_BEAT_SCHEDULE["issues-triage-summary"] = {
    "task": "issues.tasks.send_triage_summary",
    "schedule": crontab(hour=env.int("ISSUES_TRIAGE_SUMMARY_HOUR", default=8), minute=0),
}

# Accounts ----
# allauth's user sessions list a person's active sessions and let deactivation end them.
INSTALLED_APPS += ["allauth.usersessions"]
MIDDLEWARE += [
    "accounts.middleware.ClientIpMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# "open": anyone may sign up; "invite": only people holding a lead's invitation link.
COLLAB_SIGNUP_MODE = env.str("COLLAB_SIGNUP_MODE", default="open")
if COLLAB_SIGNUP_MODE not in {"open", "invite"}:
    from collab.config import ConfigError

    raise ConfigError(f"COLLAB_SIGNUP_MODE={COLLAB_SIGNUP_MODE!r}: use open or invite.")
COLLAB_INVITATION_MAX_AGE_DAYS = env.int("COLLAB_INVITATION_MAX_AGE_DAYS", default=7)
# Staff and leads must set up two-factor authentication before using Collab.
COLLAB_MFA_REQUIRED_FOR_LEADS = env.bool("COLLAB_MFA_REQUIRED_FOR_LEADS", default=False)
COLLAB_AVATAR_MAX_BYTES = env.int("COLLAB_AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
COLLAB_AVATAR_SIZE = 256  # pixels, square; uploads are cropped and resized to this
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Collab] "
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_PASSWORD_INPUT_RENDER_VALUE = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Collab")
USERSESSIONS_TRACK_ACTIVITY = False
# Counted in the shared cache (Redis when REDIS_URL is set), so they hold across processes.
# The eleventh failed password in a minute, per address or per account, is refused before the
# password is checked; "api_token" guards POST /api/v1/auth/token/ the same way.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("COLLAB_LOGIN_FAILED_RATE", default="10/m/ip,10/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "api_token": env.str("COLLAB_API_TOKEN_RATE", default="10/m/ip,10/5m/key"),
}
# Behind N trusted proxies, the client is the Nth address from the right of X-Forwarded-For;
# 0 trusts no header and uses the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("COLLAB_TRUSTED_PROXY_COUNT", default=0)
LOGGING["filters"]["client_ip"] = {"()": "accounts.middleware.ClientIpFilter"}
LOGGING["loggers"]["collab.security"] = {"level": "INFO", "filters": ["client_ip"]}

# Notifications --------------------------------------------------------------------------------

# A mention or direct message is mailed only if still unread this many seconds later.
NOTIFICATION_EMAIL_DELAY = env.int("NOTIFICATION_EMAIL_DELAY", default=300)
# Read notifications older than this many days are purged every night.
NOTIFICATION_PURGE_DAYS = env.int("NOTIFICATION_PURGE_DAYS", default=30)
# The daily digest (of the previous UTC day) goes out at this hour, UTC.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)
# A claimed email still "sending" after this many seconds belongs to a worker that died.
NOTIFICATION_EMAIL_CLAIM_TIMEOUT = env.int("NOTIFICATION_EMAIL_CLAIM_TIMEOUT", default=900)
# Links in emails are absolute: the address people reach Collab at.
NOTIFICATION_SITE_URL = env.str("NOTIFICATION_SITE_URL", default="http://localhost:8000")
CELERY_BEAT_SCHEDULE["collab.send_daily_digests"] = {
    "task": "collab.tasks.send_daily_digests",
    "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=0),
}
CELERY_BEAT_SCHEDULE["collab.purge_read_notifications"] = {
    "task": "collab.tasks.purge_read_notifications",
    "schedule": crontab(hour=3, minute=30),
}
# One name in the API schema for the email delivery choices every kind shares.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["DeliveryEnum"] = (
    "collab.models.Delivery"
)

# Chat ---------------------------------------------------------------------------------------
if REDIS_URL:
    # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s that channels_redis
    # blocks in BZPOPMIN: an idle socket's receive then times out and daphne closes it (1011).
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [{"address": REDIS_URL, "socket_timeout": 15}]
