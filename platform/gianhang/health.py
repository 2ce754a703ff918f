"""Liveness (/healthz) and readiness (/readyz: database, Redis, migrations applied)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import redis_guard
from core.tenancy import current_schema


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report, never raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["redis"] = _redis_check(settings.REDIS_URL)
    if settings.CACHE_URL != settings.REDIS_URL:
        checks["cache"] = _redis_check(settings.CACHE_URL)
    if checks["database"] == "ok":
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
        except Exception as exc:  # noqa: BLE001
            checks["migrations"] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "schema": current_schema(), **checks},
        status=200 if ready else 503,
    )


def _redis_check(url: str) -> str:
    # Bounded: a hung Redis costs one timeout, then the breaker answers at once.
    try:
        client = redis_guard.client(url)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - report, never raise
        return f"error: {exc.__class__.__name__}"
    return "ok"
