"""A stall cloned from the template carries exactly the template's migration state."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import in_stall


def _recorded(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def _pending() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def test_cloned_stall_records_the_same_migrations_as_the_template(stall_factory):
    stall = stall_factory()
    assert _recorded(stall.schema_name) == _recorded("stall_template")


def test_cloned_stall_from_a_current_template_has_no_pending_migration(stall_factory):
    stall = stall_factory()
    with in_stall(stall):
        assert _pending() == []


def test_migration_missing_from_the_template_stays_pending_in_the_clone(stall_factory):
    # A template that lags behind the code (new release deployed, bootstrap not yet run):
    # the clone must show the migration as still to apply, never as applied.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM stall_template.django_migrations "
            "WHERE app = 'catalog' AND name = '0002_default_categories'"
        )
    stall = stall_factory()
    with in_stall(stall):
        assert _pending() == ["catalog.0002_default_categories"]


def test_cloned_stall_has_the_template_seed_rows(stall_factory):
    stall = stall_factory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM stall_template.catalog_category ORDER BY slug")
        template_rows = cursor.fetchall()
        cursor.execute(f'SELECT slug FROM "{stall.schema_name}".catalog_category ORDER BY slug')
        assert cursor.fetchall() == template_rows
    assert template_rows
