"""A stall cloned from the template: its migration state, structure and rows, at any concurrency."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from tenants.models import Stall, Unit
from tenants.services import ProvisioningError, stall_provision
from tests.conftest import in_stall, latest_migration
from tests.support.races import race


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
    latest, _previous = latest_migration("catalog")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM stall_template.django_migrations "
            "WHERE app = 'catalog' AND name = %s RETURNING applied",
            [latest],
        )
        (applied,) = cursor.fetchone()
    try:
        stall = live_stall_factory()
        with in_stall(stall):
            assert _pending() == [f"catalog.{latest}"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO stall_template.django_migrations (app, name, applied) "
                "VALUES ('catalog', %s, %s)",
                [latest, applied],
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


def _provision_then_fail(parent: Unit) -> None:
    with transaction.atomic():
        stall_provision(slug="se-huy", name="Sẽ hủy", parent_unit=parent)
        raise RuntimeError("something after the clone failed")


def test_a_clone_rolled_back_with_its_transaction_leaves_no_schema(stall_a):
    # The replay runs inside the caller's transaction: a failed provisioning takes it back.
    with pytest.raises(RuntimeError):
        _provision_then_fail(stall_a.unit.parent)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'stall_se_huy'")
        assert cursor.fetchone() is None
    assert not Stall.objects.filter(slug="se-huy").exists()


@pytest.fixture
def made_in_threads(live_stall_factory):
    """The district of the live fixtures, and clean-up of the stalls threads create."""
    district = live_stall_factory().unit.parent
    slugs: list[str] = []
    yield district, slugs
    connections.close_all()
    connection.set_schema_to_public()
    for stall in Stall.objects.filter(slug__in=slugs):
        unit_id = stall.unit_id
        stall.delete(force_drop=True)
        Unit.objects.filter(pk=unit_id).delete()


def _categories(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, slug FROM "{schema}".catalog_category ORDER BY id')  # noqa: S608
        return cursor.fetchall()


def test_two_stalls_cloned_at_once_are_each_a_full_copy(made_in_threads):
    district, slugs = made_in_threads
    slugs += ["cung-luc-mot", "cung-luc-hai"]
    outcomes = race(
        2, lambda i: stall_provision(slug=slugs[i], name=slugs[i], parent_unit=district)
    )
    assert [type(o).__name__ for o in outcomes] == ["Provisioned", "Provisioned"]
    template = _categories("stall_template")
    for slug in slugs:
        assert _categories(Stall.schema_for_slug(slug)) == template


def test_the_same_slug_cloned_twice_at_once_makes_one_stall(made_in_threads):
    district, slugs = made_in_threads
    slugs.append("cung-ma")
    outcomes = race(
        2, lambda i: stall_provision(slug="cung-ma", name=f"Trường {i}", parent_unit=district)
    )
    assert sorted(type(o).__name__ == "Provisioned" for o in outcomes) == [False, True]
    loser = next(o for o in outcomes if type(o).__name__ != "Provisioned")
    assert isinstance(loser, ProvisioningError), repr(loser)  # a message, not a DB error
    assert Stall.objects.filter(slug="cung-ma").count() == 1
    assert _categories("stall_cung_ma") == _categories("stall_template")
