"""The Celery app: tenant-aware, so every task runs in the schema it was sent from."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")

app = CeleryApp("gianhang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
