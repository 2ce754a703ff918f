"""Cloning the template schema into a new stall's schema by replaying its dump.

django-tenants' ``clone_schema`` PL/pgSQL function rebuilds each table's DDL by querying
the system catalogs, and some of its queries scan every schema in the database: a clone
gets slower with every stall already there (bench/provisioning.py measures it). Here the
template is dumped once with pg_dump (DDL and its few seed rows), the script is kept per
process until the template's migrations change, and each new stall replays it with its
own schema name: a fixed cost whatever the number of stalls.

The replay runs on Django's connection, inside the caller's transaction, so a failed
provisioning still leaves nothing behind. Rows go through COPY untouched; only statements
have the schema's name rewritten.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.db import connection

from tenants.backup_bundle import BackupError
from tenants.citus import citus_enabled
from tenants.pgtools import pg_tools, rename_schema, run_pg_tool

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Step:
    sql: str
    copy_data: str | None = None  # rows of a COPY ... FROM stdin, exactly as dumped


@dataclass(frozen=True)
class _Script:
    state: tuple
    steps: tuple[_Step, ...]


_scripts: dict[tuple[str, bool], _Script] = {}
_lock = threading.Lock()


def _template_state(template: str) -> tuple:
    """Changes whenever the template is migrated (rows are added to its django_migrations)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*), max(id), max(applied) FROM "{template}".django_migrations'  # noqa: S608 - the setting
        )
        return tuple(cursor.fetchone())


def _steps(dump: str) -> tuple[_Step, ...]:
    """Split a plain dump into statement chunks and COPY blocks; drop session settings.

    pg_dump's SET lines and its ``set_config('search_path', '', ...)`` would outlive the
    transaction on a pooled connection; every name in the dump is schema-qualified anyway.
    Lines starting with a backslash are psql meta-commands (newer pg_dump writes some).
    """
    steps: list[_Step] = []
    chunk: list[str] = []
    lines = iter(dump.splitlines(keepends=True))
    for line in lines:
        if line.startswith(("SET ", "SELECT pg_catalog.set_config(", "--", "\\")):
            continue
        if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
            if "".join(chunk).strip():
                steps.append(_Step(sql="".join(chunk)))
            chunk = []
            rows: list[str] = []
            for row in lines:
                if row.rstrip("\r\n") == "\\.":
                    break
                rows.append(row)
            steps.append(_Step(sql=line.rstrip().removesuffix(";"), copy_data="".join(rows)))
            continue
        chunk.append(line)
    if "".join(chunk).strip():
        steps.append(_Step(sql="".join(chunk)))
    return tuple(steps)


def _one_by_one(steps: tuple[_Step, ...]) -> tuple[_Step, ...]:
    """Each statement of the chunks on its own, as Citus needs: it forwards the text of a
    DDL command to the worker node, where several commands in one text are refused. A
    statement of a dump ends with a line ending in ``;`` outside dollar quotes."""
    out: list[_Step] = []
    for step in steps:
        if step.copy_data is not None:
            out.append(step)
            continue
        current: list[str] = []
        dollar = False
        for line in step.sql.splitlines(keepends=True):
            current.append(line)
            if line.count("$$") % 2:
                dollar = not dollar
            if not dollar and line.rstrip().endswith(";"):
                statement = "".join(current).strip()
                if statement:
                    out.append(_Step(sql=statement))
                current = []
        rest = "".join(current).strip()
        if rest:
            out.append(_Step(sql=rest))
    return tuple(out)


def _script(template: str, *, with_data: bool) -> _Script:
    state = _template_state(template)
    key = (template, with_data)
    with _lock:
        cached = _scripts.get(key)
        if cached is not None and cached.state == state:
            return cached
        tools = pg_tools()
        args = [
            tools.path("pg_dump"),
            f"--schema={template}",
            "--no-owner",
            "--no-privileges",
            "--no-comments",
        ]
        if not with_data:
            args.append("--schema-only")
        dump = run_pg_tool(args, what="pg_dump of the template schema").stdout
        if f"CREATE SCHEMA {template};" not in dump:
            raise BackupError(f"the dump of {template} has no CREATE SCHEMA statement")
        steps = _steps(dump)
        if citus_enabled():
            steps = _one_by_one(steps)
        script = _Script(state=state, steps=steps)
        _scripts[key] = script
        return script


def schema_clone(*, template: str, schema: str, with_data: bool = True) -> None:
    """Create ``schema`` as a copy of ``template`` (structure, and its rows when asked)."""
    script = _script(template, with_data=with_data)
    with connection.cursor() as cursor:
        for step in script.steps:
            sql = rename_schema(step.sql, template, schema)
            if step.copy_data is None:
                cursor.execute(sql)
            else:
                with cursor.cursor.copy(sql) as copy:
                    copy.write(step.copy_data)
