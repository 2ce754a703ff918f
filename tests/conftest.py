"""Fixtures shared by the whole suite: stalls (rolled back or committed), clients, users."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.utils import translation

from tenants.geography import geography_load
from tenants.models import Membership, Stall, Unit
from tenants.services import (
    membership_grant,
    public_tenant_ensure,
    stall_provision,
    stall_template_migrate,
    unit_get_or_create,
)

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request in English leaves English active
    in the thread, and the next test's messages (and any text it stores) would be English."""
    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    django_db_keepdb,
    django_db_createdb,
):
    """The test database, always, plus what every run needs: public tenant, template, geography.

    pytest-django would set up only the databases that marked tests ask for; committed
    stalls (``live_stall_factory``) need it too, even when no selected test is marked.
    """
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            keepdb=keepdb,
        )
        _drop_leftover_stalls()
        public_tenant_ensure()
        stall_template_migrate()
        geography_load()
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            connections.close_all()
            _end_other_sessions()
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


def _end_other_sessions() -> None:
    """Close what a stopped thread or child process left connected to the test database.

    A browser test's server thread or a killed worker can leave one session behind for a
    moment; dropping the database would then fail the whole run at its very end.
    """
    import psycopg

    db = connection.settings_dict
    params = {"dbname": "postgres", "user": db["USER"], "password": db["PASSWORD"] or None}
    params["host"] = db["HOST"] or "127.0.0.1"
    if db["PORT"]:
        params["port"] = db["PORT"]
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [db["NAME"]],
        )


def _drop_leftover_stalls() -> None:
    connection.set_schema_to_public()
    for stall in Stall.objects.exclude(schema_name="public"):
        stall.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'stall\\_%%' "
            "AND nspname <> 'stall_template'"
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _district() -> Unit:
    province = unit_get_or_create(
        kind=Unit.Kind.PROVINCE, name="Tỉnh Đoàn Tiền Giang", code="tien-giang"
    )
    return unit_get_or_create(
        kind=Unit.Kind.DISTRICT,
        name="Huyện Đoàn Tân Phước",
        code="tien-giang/tan-phuoc",
        parent=province,
    )


def make_stall(
    slug: str | None = None, name: str | None = None, parent: Unit | None = None
) -> Stall:
    n = next(_counter)
    slug = slug or f"truong-{n}"
    result = stall_provision(
        slug=slug, name=name or f"Đoàn trường thử {n}", parent_unit=parent or _district()
    )
    return result.stall


@pytest.fixture
def stall_factory(db):
    """Make stalls inside the test's transaction: rolled back, schema and all, at the end."""

    def factory(**kwargs) -> Stall:
        return make_stall(**kwargs)

    yield factory
    connection.set_schema_to_public()


@pytest.fixture
def stall_a(stall_factory) -> Stall:
    return stall_factory(slug="truong-a", name="Đoàn trường A")


@pytest.fixture
def stall_b(stall_factory) -> Stall:
    return stall_factory(slug="truong-b", name="Đoàn trường B")


def make_user(username: str, *, unit: Unit | None = None, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        email=username if "@" in username else "",
        password="mat-khau-dai-123",
        **extra,
    )
    if unit is not None and role is not None:
        membership_grant(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def officer_factory(db):
    def factory(stall: Stall, username: str | None = None):
        return make_user(
            username or f"canbo-{stall.slug}@example.vn",
            unit=stall.unit,
            role=Membership.Role.SCHOOL_OFFICER,
        )

    return factory


def latest_migration(app_label: str) -> tuple[str, str]:
    """(the app's newest migration, the one before it): tests that put a stall one
    release behind use these, so they keep working as migrations are added."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (leaf,) = graph.leaf_nodes(app_label)
    parents = [key for key in graph.node_map[leaf].parents if key[0] == app_label]
    return leaf[1], parents[0][1]


def database_url_of_tests() -> str:
    """DATABASE_URL of the test database, for commands and workers run in another process.

    Handles both a TCP host and the embedded server's socket directory.
    """
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{auth}@/{db['NAME']}?host={host}"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def host_of(stall: Stall) -> str:
    return stall.domains.get(is_primary=True).domain


@pytest.fixture
def client_for():
    """A test client talking to a stall's host (or the public host), optionally logged in."""

    def factory(stall: Stall | None = None, user=None) -> Client:
        host = host_of(stall) if stall is not None else "localhost"
        client = Client(HTTP_HOST=host)
        if user is not None:
            # Log in through the real login page of that host, so the session is bound to it.
            response = client.post(
                "/accounts/login/", {"username": user.username, "password": "mat-khau-dai-123"}
            )
            assert response.status_code == 302, response.content[:500]
        return client

    return factory


@contextlib.contextmanager
def in_stall(stall: Stall) -> Iterator[Stall]:
    """Run the block inside a stall's schema, then return to public."""
    connection.set_tenant(stall)
    try:
        yield stall
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def live_stall_factory(django_db_setup, django_db_blocker):
    """Committed stalls, visible to other connections, threads and processes.

    For concurrency, worker and browser tests. Everything made here is deleted at the end:
    the stall rows, their schemas, their units and their officers.
    """
    made: list[Stall] = []
    with django_db_blocker.unblock():

        def factory(**kwargs) -> Stall:
            connection.set_schema_to_public()
            stall = make_stall(**kwargs)
            made.append(stall)
            return stall

        yield factory
        connections.close_all()
        connection.set_schema_to_public()
        for stall in made:
            unit = stall.unit
            users = get_user_model().objects.filter(memberships__unit=unit)
            users.delete()
            if Stall.objects.filter(pk=stall.pk).exists():
                stall.delete(force_drop=True)
            Unit.objects.filter(pk=unit.pk).delete()


# --- Real processes: a Celery worker, a throwaway Redis (tests.support.processes) --------


@pytest.fixture
def worker_factory(tmp_path):
    """Start real workers (logistics queue by default); each is stopped at the end."""
    from tests.support.processes import Worker, purge

    started: list[Worker] = []

    def factory(broker_url: str | None = None, *, queues: str | None = None) -> Worker:
        from django.conf import settings

        url = broker_url or settings.CELERY_BROKER_URL
        purge(url)
        worker = Worker(
            url, tmp_path / f"worker-{len(started)}.log", **({"queues": queues} if queues else {})
        )
        started.append(worker)
        return worker.start()

    yield factory
    for worker in started:
        worker.stop()


@pytest.fixture
def throwaway_redis(tmp_path):
    """A redis-server of the test's own, to stop and start; the producer returns after."""
    from gianhang.celery import app
    from tests.support.processes import ThrowawayRedis, use_broker

    redis = ThrowawayRedis(tmp_path).start()
    original = app.conf.broker_url
    yield redis
    redis.stop()
    use_broker(original)
