"""/healthz (the process is up) and /readyz (database, Redis, migrations applied)."""

from __future__ import annotations

from django.db import connection

from tests.conftest import in_stall, latest_migration


def test_healthz_answers_ok_on_the_platform_host(client_for, db):
    response = client_for(None).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_ok_on_a_stall_host(client_for, stall_a):
    assert client_for(stall_a).get("/healthz").status_code == 200


def test_healthz_is_never_cached(client_for, db):
    response = client_for(None).get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_refuses_writes(client_for, db):
    assert client_for(None).post("/healthz").status_code == 405


def test_readyz_reports_database_redis_and_migrations_ready(client_for, db):
    response = client_for(None).get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "schema": "public",
        "database": "ok",
        "redis": "ok",
        "migrations": "ok",
    }


def test_readyz_on_a_stall_host_checks_that_stall_schema(client_for, stall_a):
    body = client_for(stall_a).get("/readyz").json()
    assert body["schema"] == stall_a.schema_name
    assert body["migrations"] == "ok"


def test_readyz_is_unavailable_while_redis_is_down(client_for, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client_for(None).get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["redis"].startswith("error")


def test_readyz_is_unavailable_while_a_stall_has_a_migration_pending(client_for, stall_a):
    with in_stall(stall_a), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'catalog' AND name = %s",
            [latest_migration("catalog")[0]],
        )
    response = client_for(stall_a).get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "1 pending"


def test_readyz_checks_the_cache_redis_when_it_is_a_server_of_its_own(client_for, db, settings):
    settings.CACHE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    body = client_for(None).get("/readyz").json()
    assert body["redis"] == "ok"
    assert body["cache"].startswith("error")
    assert body["status"] == "unavailable"
