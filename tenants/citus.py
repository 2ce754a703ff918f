"""Running on Citus with schema-based sharding (``GIANHANG_CITUS=1``).

Each stall's schema becomes a *distributed schema*: its tables are single-shard tables,
co-located and placed whole on one worker node, and every query of a request (which
touches one stall's schema plus public tables) is routed to that node by the coordinator.

- The template schema stays an ordinary schema on the coordinator: stalls are copies of
  it (``tenants.cloning``), never the template itself.
- A stall's schema is copied as an ordinary schema (``citus.enable_schema_based_sharding``
  off for its transaction, whatever the server's default: Citus refuses the
  ``ALTER TABLE … ADD GENERATED AS IDENTITY`` of the dump on a distributed table), then
  ``citus_schema_distribute`` turns it into a distributed schema and places it on a worker,
  in the same transaction as the stall's public rows.
- Stall tables reference a few public tables (the geography, users, content types). A
  distributed table may reference only a *reference table* (copied to every node), so
  those tables, and the public tables they reference in turn, are made reference tables
  once the template is migrated, before any stall is copied.

Off (the default), nothing here runs and PostgreSQL is used as it is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection


class CitusError(RuntimeError):
    pass


def citus_enabled() -> bool:
    return bool(getattr(settings, "GIANHANG_CITUS", False))


def citus_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


def _require_citus() -> None:
    if not citus_installed():
        raise CitusError(
            "GIANHANG_CITUS=1 but the database has no citus extension: run deploy/citus/"
            "cluster.sh or CREATE EXTENSION citus on the coordinator and every worker."
        )


def schema_sharding_set(*, on: bool) -> None:
    """Whether ``CREATE SCHEMA`` in the current transaction makes a distributed schema."""
    if not citus_enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('citus.enable_schema_based_sharding', %s, true)",
            ["on" if on else "off"],
        )


def schema_distribute(*, schema: str) -> None:
    """Make ``schema`` a distributed schema: its tables move whole to one worker node."""
    if not citus_enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT citus_schema_distribute(%s::regnamespace)", [schema])
        _schema_sequences_resync(cursor, schema)


def _schema_sequences_resync(cursor, schema: str) -> None:
    """Put the schema's identity sequences back past the rows it holds.

    ``citus_schema_distribute`` recreates the tables, and the coordinator's sequences (the
    ones inserts through the coordinator draw from) start again at 1: the template's seed
    rows (categories) would collide with the next new row. ``setval`` is left to the
    coordinator alone: on a worker the sequence has its own range, where these values are
    out of bounds.
    """
    cursor.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
        "AND c.relkind IN ('r', 'p') AND a.attidentity <> '' AND NOT a.attisdropped",
        [schema],
    )
    columns = cursor.fetchall()
    cursor.execute("SELECT set_config('citus.enable_ddl_propagation', 'off', true)")
    try:
        for table, column in columns:
            _sequence_past_rows(cursor, f'"{schema}"."{table}"', column)
    finally:
        cursor.execute("SELECT set_config('citus.enable_ddl_propagation', 'on', true)")


def provisioning_lock() -> None:
    """One stall created at a time on Citus: two at once deadlock between the coordinator's
    tables and the workers (seen in the test suite), where plain PostgreSQL lets the unique
    constraints pick a winner. Held until the transaction ends."""
    if not citus_enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('gianhang.stall_provision'))")


def referenced_public_tables(*, schema: str) -> list[str]:
    """Public tables that ``schema``'s tables reference, and those they reference in turn."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE refs(oid) AS (
                SELECT DISTINCT c.confrelid
                FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid
                JOIN pg_namespace tn ON tn.oid = t.relnamespace
                JOIN pg_class r ON r.oid = c.confrelid
                JOIN pg_namespace rn ON rn.oid = r.relnamespace
                WHERE c.contype = 'f' AND tn.nspname = %s AND rn.nspname = 'public'
                UNION
                SELECT c.confrelid
                FROM pg_constraint c JOIN refs ON c.conrelid = refs.oid
                WHERE c.contype = 'f'
            )
            SELECT r.relname FROM refs JOIN pg_class r ON r.oid = refs.oid ORDER BY 1
            """,
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def reference_tables_ensure(*, schema: str) -> list[str]:
    """Make every public table that ``schema`` references a reference table; the new ones."""
    if not citus_enabled():
        return []
    _require_citus()
    made = []
    with connection.cursor() as cursor:
        for table in referenced_public_tables(schema=schema):
            if _is_reference(cursor, table):
                continue
            # A plain table, or a citus local table (Citus makes one of a coordinator table
            # linked by a foreign key to a reference table): either becomes a reference table.
            cursor.execute("SELECT create_reference_table(%s)", [f"public.{table}"])
            made.append(table)
        if made:
            _identity_sequences_resync(cursor)
    return made


def _identity_sequences_resync(cursor) -> None:
    """Move every public identity sequence past the highest id of its table.

    Making a reference table turns the coordinator tables linked to it by foreign keys into
    citus local tables; ids already taken must not be handed out again after that.
    """
    tables = connection.introspection.django_table_names(only_existing=True)
    cursor.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "AND c.relkind = 'r' AND a.attidentity <> '' AND c.relname = ANY(%s)",
        [list(tables)],
    )
    for table, column in cursor.fetchall():
        _sequence_past_rows(cursor, f'public."{table}"', column)


def _sequence_past_rows(cursor, table: str, column: str) -> None:
    """Two statements on purpose: a ``setval`` in a query that reads a distributed table is
    sent to the table's worker with it, and fails there (other sequence range)."""
    cursor.execute(f'SELECT max("{column}") FROM {table}')  # noqa: S608 - catalog names
    highest = cursor.fetchone()[0]
    if highest is not None:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, column, highest]
        )


def _is_reference(cursor, table: str) -> bool:
    cursor.execute(
        "SELECT citus_table_type = 'reference' FROM citus_tables WHERE table_name = %s::regclass",
        [f"public.{table}"],
    )
    row = cursor.fetchone()
    return bool(row and row[0])


def schema_node(schema: str) -> tuple[str, int] | None:
    """The worker node (host, port) that holds a distributed schema, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nodename, nodeport FROM citus_schemas s "
            "JOIN citus_shards sh ON sh.colocation_id = s.colocation_id "
            "WHERE s.schema_name = %s::regnamespace LIMIT 1",
            [schema],
        )
        row = cursor.fetchone()
    return (row[0], int(row[1])) if row else None


def schema_move(*, schema: str, host: str, port: int) -> None:
    """Move a stall's schema to another worker; writes wait only for the final switch."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT citus_schema_move(%s::regnamespace, %s, %s)", [schema, host, port])
