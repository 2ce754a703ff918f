"""A stall cloned from the template carries exactly the template's migration state."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import in_stall


def _recorded(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
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


def test_migration_missing_from_the_template_stays_pending_in_the_clone(live_stall_factory):
    # A template that lags behind the code (new release deployed, bootstrap not yet run):
    # the clone must show the migration as still to apply, never as applied. The first
    # stall is made before the change, so a copy kept from before must not be reused.
    live_stall_factory()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM stall_template.django_migrations "
            "WHERE app = 'catalog' AND name = '0002_default_categories' RETURNING applied"
        )
        (applied,) = cursor.fetchone()
    try:
        stall = live_stall_factory()
        with in_stall(stall):
            assert _pending() == ["catalog.0002_default_categories"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO stall_template.django_migrations (app, name, applied) "
                "VALUES ('catalog', '0002_default_categories', %s)",
                [applied],
            )


def test_cloned_stall_has_the_template_seed_rows(stall_factory):
    stall = stall_factory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM stall_template.catalog_category ORDER BY slug")
        template_rows = cursor.fetchall()
        cursor.execute(f'SELECT slug FROM "{stall.schema_name}".catalog_category ORDER BY slug')  # noqa: S608
        assert cursor.fetchall() == template_rows
    assert template_rows


def _structure(schema: str) -> dict[str, set]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, is_identity, "
            "coalesce(character_maximum_length, 0) FROM information_schema.columns "
            "WHERE table_schema = %s",
            [schema],
        )
        columns = set(cursor.fetchall())
        cursor.execute(
            "SELECT indexname, replace(indexdef, %s, 'X') FROM pg_indexes WHERE schemaname = %s",
            [schema, schema],
        )
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s",
            [schema],
        )
        constraints = {
            (name, kind, definition.replace(schema + ".", "X."))
            for name, kind, definition in cursor.fetchall()
        }
    return {"columns": columns, "indexes": indexes, "constraints": constraints}


def test_cloned_stall_has_the_template_structure(stall_factory):
    stall = stall_factory()
    template = _structure("stall_template")
    assert template["columns"]
    assert template["indexes"]
    assert template["constraints"]
    assert _structure(stall.schema_name) == template


def test_new_rows_in_a_cloned_stall_follow_the_template_ids(stall_factory):
    from catalog.models import Category

    stall = stall_factory()
    with in_stall(stall):
        highest = max(Category.objects.values_list("id", flat=True))
        made = Category.objects.create(slug="do-choi", name="Đồ chơi", position=99)
    assert made.id == highest + 1
