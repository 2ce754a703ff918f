"""Several statements in one round trip to PostgreSQL, their SQL written by the ORM.

Placing an order needs a handful of reads and a handful of writes. Sent one by one, each
waits for the network and the server's answer; sent as one batch (psycopg's client-side
binding allows several statements in one ``execute``), the order costs two round trips.
The SQL still comes from querysets and model instances, so the column lists, field
conversions and ``auto_now`` values are Django's own.

PostgreSQL runs the statements of a batch one after another, each with its own snapshot:
a statement that waits for a lock (an advisory lock, a row lock) finishes before the next
one reads, exactly as if they had been sent separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.sql import InsertQuery

Statement = tuple[str, Sequence[Any]]


def select(queryset: QuerySet) -> Statement:
    """The SQL of a ``values_list()`` queryset (rows come back as plain tuples)."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def insert(objs: Sequence[Model]) -> Statement:
    """One INSERT for model instances of one class (their primary key included when set).

    Nothing is returned: callers set the keys they need beforehand. The instances are marked
    as saved, as ``bulk_create`` would.
    """
    model = type(objs[0])
    with_pk = objs[0].pk is not None
    fields = [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, list(objs))
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return sql, list(params)


def run(statements: Sequence[Statement]) -> list[Any]:
    """Run the statements in one round trip; for each, its rows (a SELECT) or its row count."""
    sql = ";\n".join(statement for statement, _params in statements)
    params = [param for _statement, values in statements for param in values]
    results: list[Any] = []  # rows (a list of tuples) or a row count, statement by statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            results.append(cursor.fetchall() if cursor.description else cursor.rowcount)
            if not cursor.nextset():
                break
    return results
