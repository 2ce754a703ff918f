"""The planned executor: one query to find what each stall lacks, one transaction per stall."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from tenants.upgrades import migrations_applied, plan_is_schema_only

pytestmark = pytest.mark.django_db


def _leaf_without_dependants() -> tuple[str, str, str]:
    """A tenant app's last migration that nothing depends on and that only changes the
    schema (the fast path under test), and the one before it."""
    graph = MigrationExecutor(connection).loader.graph
    for app in ("catalog", "logistics", "privacy", "distribution"):
        [leaf] = graph.leaf_nodes(app)
        node = graph.node_map[leaf]
        parents = [parent.key for parent in node.parents if parent.key[0] == app]
        schema_only = plan_is_schema_only([(graph.nodes[leaf], False)])
        if not node.children and parents and schema_only:
            return app, leaf[1], parents[0][1]
    pytest.skip("no tenant app has a last migration with a predecessor")


def _tables_of(schema: str, names: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = ANY(%s)",
            [schema, names],
        )
        return {row[0] for row in cursor.fetchall()}


def _created_tables(app: str, name: str) -> list[str]:
    migration = MigrationExecutor(connection).loader.get_migration(app, name)
    return [
        f"{app}_{operation.name.lower()}"
        for operation in migration.operations
        if isinstance(operation, migrations.CreateModel)
    ]


def _migrate(*args, **options) -> None:
    call_command("migrate_schemas", *args, tenant=True, interactive=False, **options)
    connection.set_schema_to_public()


def test_what_every_stall_has_applied_is_read_in_one_query(stall_a, stall_b):
    schemas = [stall_a.schema_name, stall_b.schema_name, "no_such_schema"]
    with CaptureQueriesContext(connection) as captured:
        applied = migrations_applied(connection, schemas)
    # One look at the catalog for which schemas have the table, one UNION over them.
    assert len([q for q in captured.captured_queries if "search_path" not in q["sql"]]) == 2
    assert applied["no_such_schema"] is None
    assert ("catalog", "0001_initial") in applied[stall_a.schema_name]
    assert applied[stall_a.schema_name] == applied[stall_b.schema_name]


def test_only_pure_schema_changes_take_the_fast_path():
    add = migrations.Migration("0002_add", "shop")
    add.operations = [
        migrations.AddField("probe", "note", models.CharField(max_length=20, default="")),
        migrations.AddIndex("probe", models.Index(fields=["note"], name="probe_note_idx")),
    ]
    data = migrations.Migration("0003_fill", "shop")
    data.operations = [migrations.RunPython(migrations.RunPython.noop)]
    concurrent = migrations.Migration("0004_concurrently", "shop")
    concurrent.atomic = False
    concurrent.operations = list(add.operations)
    assert plan_is_schema_only([(add, False)])
    assert not plan_is_schema_only([(add, False), (data, False)])
    assert not plan_is_schema_only([(concurrent, False)])
    assert not plan_is_schema_only([(add, True)])  # rolling back goes the standard way


def test_a_stall_behind_is_upgraded_and_the_others_are_only_checked(stall_a, stall_b, capsys):
    app, leaf, previous = _leaf_without_dependants()
    tables = _created_tables(app, leaf)
    _migrate(app, previous, schema_name=stall_a.schema_name, executor="standard")
    assert (app, leaf) not in migrations_applied(connection, [stall_a.schema_name])[
        stall_a.schema_name
    ]

    capsys.readouterr()
    _migrate(executor="planned", verbosity=1)

    out = capsys.readouterr().out
    assert "1 cần nâng cấp" in out
    assert "1/1 lược đồ đã nâng cấp" in out
    applied = migrations_applied(connection, [stall_a.schema_name, stall_b.schema_name])
    assert (app, leaf) in applied[stall_a.schema_name]
    assert applied[stall_a.schema_name] == applied[stall_b.schema_name]
    assert _tables_of(stall_a.schema_name, tables) == set(tables)
    _migrate(executor="planned", verbosity=1)
    assert "0 cần nâng cấp" in capsys.readouterr().out


def test_a_stall_that_fails_keeps_nothing_and_the_next_run_finishes_it(stall_a, stall_b):
    app, leaf, previous = _leaf_without_dependants()
    tables = _created_tables(app, leaf)
    if not tables:
        pytest.skip("the last migration creates no table to collide with")
    for stall in (stall_a, stall_b):
        _migrate(app, previous, schema_name=stall.schema_name, executor="standard")
    # Something in stall B's way: its upgrade fails half-way through its statements.
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{stall_b.schema_name}"."{tables[-1]}" (id int)')

    with pytest.raises(DatabaseError):
        _migrate(executor="planned", verbosity=0)

    applied_b = migrations_applied(connection, [stall_b.schema_name])[stall_b.schema_name]
    assert (app, leaf) not in applied_b
    assert _tables_of(stall_b.schema_name, tables) == {tables[-1]}  # only what was in the way

    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{stall_b.schema_name}"."{tables[-1]}"')
    _migrate(executor="planned", verbosity=0)
    for stall in (stall_a, stall_b):
        assert (app, leaf) in migrations_applied(connection, [stall.schema_name])[stall.schema_name]
        assert _tables_of(stall.schema_name, tables) == set(tables)
