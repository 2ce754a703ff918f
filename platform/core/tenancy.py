"""Typed access to the schema and tenant django-tenants keeps on the database connection.

django-tenants adds `schema_name`, `tenant`, `set_tenant()` and `set_schema_to_public()` to
its database wrapper at run time; Django's stubs only know the base wrapper. These helpers
read and switch them through one typed view, at call time (the connection is a per-thread
proxy), so callers need no `type: ignore`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from django.db import connection, connections, transaction
from django_tenants.utils import schema_context

if TYPE_CHECKING:
    from django_tenants.models import TenantMixin


class _SchemaHolder(Protocol):
    schema_name: str


class _TenantConnection(Protocol):
    schema_name: str
    tenant: TenantMixin | None

    def set_tenant(self, tenant: _SchemaHolder, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


def _tenant_connection(using: str | None = None) -> _TenantConnection:
    return cast("_TenantConnection", connection if using is None else connections[using])


def current_schema() -> str:
    """The schema the connection is on ("public" outside a stall)."""
    return _tenant_connection().schema_name


def tenant_set(tenant: _SchemaHolder) -> None:
    """Switch the connection to `tenant`'s schema (the public schema stays on the path)."""
    _tenant_connection().set_tenant(tenant)


def schema_to_public(*, using: str | None = None) -> None:
    """Switch the connection (or the one of database `using`) back to the public schema."""
    _tenant_connection(using).set_schema_to_public()


def on_commit_in_this_schema(func: Callable[[], object]) -> None:
    """Run ``func`` after the transaction commits, in the schema the connection is on now.

    A transaction may end in another schema than the one a write was made in (a transfer
    between stalls touches two), and what runs after commit (a cache token, a signal whose
    listeners query) must act for the stall of the write.
    """
    schema = current_schema()

    def run() -> None:
        with schema_context(schema):
            func()

    transaction.on_commit(run)
