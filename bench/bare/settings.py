"""Settings of the bare django-tenants project (same database server and pooling as the product)."""

import os
from urllib.parse import urlsplit

_db = urlsplit(os.environ["DATABASE_URL"])

SECRET_KEY = "bench-only-not-secret"  # noqa: S105 - a throw-away benchmark server
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

SHARED_APPS = ["django_tenants", "django.contrib.contenttypes", "bench.bare.customers"]
TENANT_APPS = ["bench.bare.shop"]
INSTALLED_APPS = SHARED_APPS + TENANT_APPS
TENANT_MODEL = "customers.Client"
TENANT_DOMAIN_MODEL = "customers.Domain"
TENANT_LIMIT_SET_CALLS = True  # as the product
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "postgres",
        "PASSWORD": _db.password or "",
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": _db.port or 5432,
        # The product's connection settings: persistent connections, checked once per request.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = ["django_tenants.middleware.main.TenantMainMiddleware"]
ROOT_URLCONF = "bench.bare.urls"
PUBLIC_SCHEMA_URLCONF = "bench.bare.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "OPTIONS": {"loaders": ["django.template.loaders.filesystem.Loader"]},
    }
]
WSGI_APPLICATION = "bench.bare.wsgi.application"
LOGGING_CONFIG = None
