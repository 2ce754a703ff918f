"""Upgrading every stall: find what each schema lacks in one query, plan once, apply in bulk.

``migrate_schemas --tenant --executor planned`` (the default, ``TENANT_MIGRATION_EXECUTOR``).
django-tenants' executors run Django's ``migrate`` in every schema: each loads the plan,
reads its ``django_migrations`` and opens its own transaction, even when there is nothing
to do, so the cost of a release grows with the number of stalls. This executor:

1. reads the ``django_migrations`` of every stall schema in one query, and skips the
   schemas that already have every migration;
2. groups the others by what they lack, and plans each group once;
3. when every migration of a group's plan is a pure schema change (Django's built-in
   operations on models, fields, indexes and constraints, in atomic migrations), writes
   its SQL once and runs it in each schema in one round trip: that schema's DDL and its
   ``django_migrations`` rows in one transaction;
4. hands any group whose plan holds data migrations (``RunPython``, ``RunSQL``, …) or
   non-atomic ones to django-tenants' standard executor, schema by schema.

Each schema is upgraded in its own transaction, all of it or nothing, so an interrupted
run is resumed by running the command again: step 1 finds what is still missing.
Arguments the fast path does not cover (an app or a migration to go to, ``--fake``,
``--plan`` …) also go to the standard executor.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connections, transaction
from django.db.migrations import operations as ops
from django.db.migrations.executor import MigrationExecutor as DjangoMigrationExecutor
from django.utils.translation import gettext as _
from django_tenants.migration_executors.base import MigrationExecutor
from django_tenants.migration_executors.standard import StandardExecutor

# Operations whose effect is DDL alone: the SQL Django writes for them is the same in
# every schema, whatever rows the schema holds.
SCHEMA_ONLY_OPERATIONS = (
    ops.CreateModel,
    ops.DeleteModel,
    ops.RenameModel,
    ops.AlterModelTable,
    ops.AlterModelTableComment,
    ops.AlterUniqueTogether,
    ops.AlterIndexTogether,
    ops.AlterModelOptions,
    ops.AlterModelManagers,
    ops.AlterOrderWithRespectTo,
    ops.AddField,
    ops.RemoveField,
    ops.AlterField,
    ops.RenameField,
    ops.AddIndex,
    ops.RemoveIndex,
    ops.RenameIndex,
    ops.AddConstraint,
    ops.RemoveConstraint,
)
# Options that ask for something other than "bring every schema up to date".
STANDARD_ONLY_OPTIONS = (
    "app_label",
    "migration_name",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "run_syncdb",
    "check_unapplied",
)

Key = tuple[str, str]


def migrations_applied(connection, schemas: list[str]) -> dict[str, set[Key] | None]:
    """Each schema's applied migrations, read in one query (None: it has no such table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' "
            "AND n.nspname = ANY(%s)",
            [schemas],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        applied: dict[str, set[Key] | None] = {
            schema: (set() if schema in with_table else None) for schema in schemas
        }
        present = [schema for schema in schemas if schema in with_table]
        if present:
            quote = connection.ops.quote_name
            union = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {quote(schema)}.django_migrations"  # noqa: S608 - schema names from the catalog
                for schema in present
            )
            cursor.execute(union, present)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))  # type: ignore[union-attr]
    return applied


def plan_is_schema_only(plan) -> bool:
    return all(
        not backwards
        and migration.atomic
        and all(type(operation) in SCHEMA_ONLY_OPERATIONS for operation in migration.operations)
        for migration, backwards in plan
    )


class PlannedExecutor(MigrationExecutor):
    codename = "planned"

    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in tenants:
            tenants.remove(self.PUBLIC_SCHEMA_NAME)
            self._standard([self.PUBLIC_SCHEMA_NAME])
        if not tenants:
            return
        if self.args or any(self.options.get(option) for option in STANDARD_ONLY_OPTIONS):
            self._standard(tenants)
            return
        self._planned(tenants)

    def run_multi_type_migrations(self, tenants):
        StandardExecutor(self.args, self.options).run_multi_type_migrations(tenants)

    def _standard(self, schemas: list[str]) -> None:
        StandardExecutor(self.args, self.options).run_migrations(tenants=list(schemas))

    def _say(self, message: str) -> None:
        if int(self.options.get("verbosity", 1)) >= 1:
            print(f"[{self.codename}] {message}", flush=True)

    def _planned(self, schemas: list[str]) -> None:
        started = time.perf_counter()
        # django-tenants' backend (set_schema, set_schema_to_public), unknown to the stubs.
        connection: Any = connections[self.options.get("database") or self.TENANT_DB_ALIAS]
        connection.set_schema_to_public()
        executor = DjangoMigrationExecutor(connection)  # loads the graph once, for every group
        loader, graph = executor.loader, executor.loader.graph
        wanted = set(graph.nodes)
        applied = migrations_applied(connection, schemas)

        groups: dict[frozenset[Key], list[str]] = {}
        no_table: list[str] = []
        for schema in schemas:
            done = applied[schema]
            if done is None:
                no_table.append(schema)
            elif missing := frozenset(wanted - done):
                groups.setdefault(missing, []).append(schema)
        behind = sum(len(members) for members in groups.values()) + len(no_table)
        self._say(
            _(
                "%(n)d lược đồ đã kiểm tra trong %(s).1f s: %(up)d đã mới nhất, %(behind)d cần nâng cấp"
            )
            % {
                "n": len(schemas),
                "s": time.perf_counter() - started,
                "up": len(schemas) - behind,
                "behind": behind,
            }
        )
        if no_table:
            self._standard(no_table)
        for missing, members in groups.items():
            loader.applied_migrations = {key: graph.nodes[key] for key in wanted - missing}
            plan = executor.migration_plan(graph.leaf_nodes(), clean_start=False)
            if not plan_is_schema_only(plan):
                self._say(
                    _("%(n)d lược đồ: kế hoạch có di chuyển dữ liệu, chạy từng lược đồ một")
                    % {"n": len(members)}
                )
                self._standard(members)
                continue
            self._apply(connection, executor, plan, members)
        connection.set_schema_to_public()
        self._say(_("Xong trong %(s).1f s.") % {"s": time.perf_counter() - started})

    def _apply(self, connection, executor, plan, schemas: list[str]) -> None:
        """Write the plan's SQL once, then run it in each schema with its records."""
        # Written with a stall's search path, so django-tenants' router lets tenant apps'
        # operations through and skips the shared apps' (recorded, as ``migrate`` does).
        connection.set_schema(schemas[0])
        statements = executor.loader.collect_sql(plan)
        connection.set_schema_to_public()
        quote = connection.ops.quote_name
        names = [(migration.app_label, migration.name) for migration, _backwards in plan]
        self._say(
            _("%(n)d lược đồ: %(m)d bản di chuyển, mỗi lược đồ %(k)d câu lệnh")
            % {"n": len(schemas), "m": len(names), "k": len(statements)}
        )
        with connection.schema_editor(collect_sql=True) as editor:
            records = ", ".join(
                f"({editor.quote_value(app)}, {editor.quote_value(name)}, now())"
                for app, name in names
            )
        for n, schema in enumerate(schemas, 1):
            sql = "\n".join(
                [
                    f"SET LOCAL search_path = {quote(schema)}, public;",
                    *statements,
                    f"INSERT INTO {quote(schema)}.django_migrations (app, name, applied) "  # noqa: S608
                    f"VALUES {records};",
                ]
            )
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(sql)
            if n % 10 == 0 or n == len(schemas):
                self._say(_("%(n)d/%(all)d lược đồ đã nâng cấp") % {"n": n, "all": len(schemas)})
