"""Back up one stall to a file and restore it as a new stall, with pg_dump/psql.

A backup is one file (``tenants.backup_bundle``): ``pg_dump --schema=<the stall's schema>``
(custom format by default, or plain SQL), the stall's rows of the public schema (settings,
domains, unit, memberships by username) and a manifest of what a sound copy holds. A
restore verifies the file before it touches anything, never touches an existing schema,
loads the dump under a new schema name (rewritten in the DDL only, never inside the rows)
in one transaction that compares every count with the manifest before it commits, records
the new stall with its public rows, then applies any migration the dump is behind on.

The client tools must be of the server's major version: a newer pg_dump writes settings an
older server rejects. They are looked for in GIANHANG_PG_BIN_DIR, Debian's
/usr/lib/postgresql/<major>/bin, the PATH and the embedded server's wheel.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from core.tenancy import schema_to_public
from tenants.backup_bundle import DUMP, NAME, BackupError, Bundle, bundle_open, bundle_write
from tenants.backup_public import (
    PublicRestored,
    stall_public_apply,
    stall_public_rows,
    unit_from_rows,
)
from tenants.citus import citus_enabled, schema_distribute
from tenants.models import Domain, Stall, Unit
from tenants.pgtools import PgTools, pg_tools, rename_schema, run_pg_tool
from tenants.services import ProvisioningError, _validate_new_stall, unit_create

__all__ = ["BackupError", "Restored", "stall_backup", "stall_restore"]

_SCHEMA_LINE = re.compile(r"^CREATE SCHEMA (\"?)(?P<name>[a-z_][a-z0-9_]*)\1;$", re.MULTILINE)
_LISTED_SCHEMA = re.compile(r"^\d+; \d+ \d+ SCHEMA - (?P<name>[a-z_][a-z0-9_]*) ", re.MULTILINE)


def _snapshot_facts(cursor, schema: str) -> dict:
    """Row counts, objects, sequences and migrations of ``schema``, in the dump's snapshot."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
    )
    rows = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608 - catalog names
        rows[table] = cursor.fetchone()[0]
    cursor.execute(_OBJECT_COUNTS, [schema, schema, schema])
    constraints, indexes, sequences = cursor.fetchone()
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", [schema]
    )
    last_values = dict(cursor.fetchall())
    cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')  # noqa: S608
    migrations = [list(row) for row in cursor.fetchall()]
    return {
        "schema": schema,
        "rows": rows,
        "objects": {"constraints": constraints, "indexes": indexes, "sequences": sequences},
        "sequences": last_values,
        "migrations": migrations,
    }


_OBJECT_COUNTS = """
SELECT
  (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = %s),
  (SELECT count(*) FROM pg_indexes WHERE schemaname = %s),
  (SELECT count(*) FROM pg_sequences WHERE schemaname = %s)
"""


def stall_backup(*, stall: Stall, path: Path, fmt: str = "custom") -> Path:
    """Write the stall's schema (structure and rows), its public rows and a manifest to ``path``.

    The counts in the manifest and the dump come from one snapshot (``pg_dump
    --snapshot``), so they agree even while the stall takes orders.
    """
    import psycopg

    if stall.is_public:
        raise BackupError(
            _("Lược đồ chung (public) không phải một gian hàng; hãy sao lưu cả cơ sở dữ liệu.")
        )
    if fmt not in DUMP:
        raise BackupError(_("Định dạng phải là custom hoặc plain."))
    if not schema_exists(stall.schema_name):
        raise BackupError(
            _("Gian hàng “%(slug)s” không có lược đồ dữ liệu “%(schema)s”.")
            % {"slug": stall.slug, "schema": stall.schema_name}
        )
    tools = pg_tools()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    public = stall_public_rows(stall=stall)
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"] or None}
    params.update(host=db["HOST"] or None, port=db["PORT"] or None)
    with (
        tempfile.TemporaryDirectory(prefix="gianhang-backup-") as workdir,
        psycopg.connect(**{k: v for k, v in params.items() if v}) as snap,
    ):
        snap.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snap.read_only = True
        with snap.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone() or ("",)
            facts = _snapshot_facts(cursor, stall.schema_name)
            dump_path = Path(workdir) / DUMP[fmt]
            run_pg_tool(
                [
                    tools.path("pg_dump"),
                    f"--schema={stall.schema_name}",
                    f"--format={fmt}",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump_path}",
                ],
                what=_("Sao lưu thất bại"),
            )
        snap.rollback()
        facts.update(
            created_at=timezone.now().isoformat(),
            slug=stall.slug,
            server_major=tools.major,
        )
        bundle_write(path=path, manifest=facts, dump_path=dump_path, dump_format=fmt, public=public)
    return path


def _dump_as_sql(tools: PgTools, bundle: Bundle) -> str:
    if bundle.dump_format == "custom":
        raw = run_pg_tool(
            [
                tools.path("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--file=-",
                str(bundle.dump_path),
            ],
            what=_("Không đọc được bản dump trong tệp sao lưu, không có gì được tạo"),
            binary=True,
        ).stdout
    else:
        raw = bundle.dump_path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BackupError(
            _("Bản dump trong tệp sao lưu không phải văn bản UTF-8; không khôi phục gì.")
        ) from None


def _source_schema(sql: str) -> str:
    names = {m.group("name") for m in _SCHEMA_LINE.finditer(sql)}
    names.discard("public")
    if len(names) != 1:
        raise BackupError(
            _(
                "Tệp sao lưu phải chứa đúng một lược đồ gian hàng (tìm thấy: %(names)s). "
                "Hãy dùng tệp tạo bởi “gianhang stall backup”."
            )
            % {"names": ", ".join(sorted(names)) or _("không có")}
        )
    return names.pop()


def _identifier(name: str) -> str:
    if not NAME.match(name):  # bundle_open already refused such a manifest
        raise BackupError(_("Tên không hợp lệ trong bản kê: %(name)s") % {"name": name[:60]})
    return name


def verification_sql(manifest: dict, schema: str) -> str:
    """A block run last, in the restore's transaction: any difference undoes the restore.

    Every name is checked against a strict pattern (lower-case letters, digits and "_")
    and every number is an integer, so the manifest cannot inject SQL.
    """
    schema = _identifier(schema)
    checks = []
    for table, count in sorted(manifest["rows"].items()):
        table, count = _identifier(table), int(count)
        checks.append(
            f'SELECT count(*) INTO n FROM "{schema}"."{table}";\n'  # noqa: S608
            f"  IF n <> {count} THEN RAISE EXCEPTION "
            f"'bảng {table} có % dòng, bản kê ghi {count}', n; END IF;"
        )
    objects = manifest["objects"]
    for label, query, expected in (
        (
            "ràng buộc",
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace s "  # noqa: S608
            f"ON s.oid = c.connamespace WHERE s.nspname = '{schema}'",
            int(objects["constraints"]),
        ),
        (
            "chỉ mục",
            f"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}'",  # noqa: S608
            int(objects["indexes"]),
        ),
        (
            "dãy số",
            f"SELECT count(*) FROM pg_sequences WHERE schemaname = '{schema}'",  # noqa: S608
            int(objects["sequences"]),
        ),
    ):
        checks.append(
            f"{query} INTO n;\n"
            f"  IF n <> {expected} THEN RAISE EXCEPTION "
            f"'có % {label}, bản kê ghi {expected}', n; END IF;"
        )
    for sequence, last_value in sorted(manifest["sequences"].items()):
        sequence = _identifier(sequence)
        last = "NULL" if last_value is None else str(int(last_value))
        checks.append(
            "SELECT last_value INTO n FROM pg_sequences "  # noqa: S608
            f"WHERE schemaname = '{schema}' AND sequencename = '{sequence}';\n"
            f"  IF n IS DISTINCT FROM {last} THEN RAISE EXCEPTION "
            f"'dãy số {sequence} ở %, bản kê ghi {last}', n; END IF;"
        )
    body = "\n  ".join(checks)
    return f"\nDO $verify$\nDECLARE n bigint;\nBEGIN\n  {body}\nEND\n$verify$;\n"


def _check_migrations(manifest: dict) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            _(
                "Tệp sao lưu được tạo bởi một phiên bản mới hơn (có các bước chuyển đổi dữ liệu "
                "chưa biết: %(names)s). Hãy nâng cấp trước khi khôi phục."
            )
            % {"names": ", ".join(unknown[:3])}
        )


@dataclass(frozen=True)
class Restored:
    stall: Stall
    reattached: list[str]
    missing: list[str]
    domains_skipped: list[str]


def stall_restore(
    *,
    path: Path,
    slug: str,
    name: str | None = None,
    unit: Unit | None = None,
    parent_unit: Unit | None = None,
    base_domain: str | None = None,
) -> Restored:
    """Load a verified stall backup as a new stall ``slug``; nothing is left if it fails.

    Order: the file is verified (manifest, checksums, migrations) before anything is
    touched; the schema is loaded in one transaction that ends by comparing every count
    with the manifest; then the stall, its domain, settings and memberships are recorded
    and any migration the backup is behind on is applied. A failure at any step undoes
    the steps before it.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Không tìm thấy tệp “%(path)s”.") % {"path": path})
    slug = (slug or "").strip().lower()
    base_domain = base_domain or settings.BASE_DOMAIN
    domain = f"{slug}.{base_domain}"
    schema_name = Stall.schema_for_slug(slug)
    schema_to_public()
    _validate_new_stall(slug=slug, domain=domain, schema_name=schema_name)
    if unit is not None and Stall.objects.filter(unit=unit).exists():
        raise ProvisioningError(_("Đơn vị “%(unit)s” đã có gian hàng.") % {"unit": unit.name})

    tools = pg_tools()
    with tempfile.TemporaryDirectory(prefix="gianhang-restore-") as workdir:
        bundle = bundle_open(path=path, workdir=Path(workdir))
        manifest = bundle.manifest
        _check_migrations(manifest)
        if unit is None and parent_unit is None:
            unit, parent_unit = _units_of_backup(bundle.public)
        sql = _dump_as_sql(tools, bundle)
        source = _source_schema(sql)
        if source != manifest["schema"]:
            raise BackupError(
                _("Bản dump là của lược đồ “%(found)s”, bản kê ghi “%(said)s”; không khôi phục gì.")
                % {"found": source, "said": manifest["schema"]}
            )
        script = Path(workdir) / "restore.sql"
        script.write_text(
            # On Citus the schema is loaded as an ordinary one, then distributed below.
            ("SET citus.enable_schema_based_sharding = off;\n" if citus_enabled() else "")
            + rename_schema(sql, source, schema_name)
            + verification_sql(manifest, schema_name),
            encoding="utf-8",
        )
        # One transaction, checked at its end: a restore that fails leaves no schema.
        run_pg_tool(
            [
                tools.path("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={script}",
            ],
            what=_("Khôi phục thất bại, không có gì được tạo"),
        )

    made_unit = None
    try:
        with transaction.atomic():
            schema_distribute(schema=schema_name)
        stall, made_unit, public = _record_restored(
            slug=slug,
            name=name or (bundle.public.get("stall") or {}).get("name") or slug,
            unit=unit,
            parent_unit=parent_unit,
            unit_rows=bundle.public.get("unit") or {},
            schema_name=schema_name,
            domain=domain,
            rows=bundle.public,
        )
        # A backup from an older release comes back with the migrations it lacked.
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
        )
    except Exception as exc:
        schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
        Stall.objects.filter(schema_name=schema_name).delete()
        if made_unit is not None:
            Unit.objects.filter(pk=made_unit.pk).delete()
        if isinstance(exc, BackupError | ProvisioningError):
            raise
        raise BackupError(
            _("Khôi phục thất bại, không có gì được tạo: %(error)s")
            % {
                "error": str(exc).strip().splitlines()[0]
                if str(exc).strip()
                else type(exc).__name__
            }
        ) from exc
    schema_to_public()
    return Restored(
        stall=stall,
        reattached=public.reattached,
        missing=public.missing,
        domains_skipped=public.domains_skipped,
    )


def _units_of_backup(rows: dict) -> tuple[Unit | None, Unit | None]:
    own, parent = unit_from_rows(rows)
    if own is not None and not Stall.objects.filter(unit=own).exists():
        return own, None
    if own is None and parent is not None:
        return None, parent
    raise ProvisioningError(
        _(
            "Không tự tìm được đơn vị cho gian hàng khôi phục (đơn vị “%(code)s” đã có gian hàng "
            "hoặc đơn vị cấp trên không có ở đây): hãy chỉ rõ --unit hoặc --parent-unit."
        )
        % {"code": (rows.get("unit") or {}).get("code", "?")}
    )


@transaction.atomic
def _record_restored(
    *,
    slug: str,
    name: str,
    unit: Unit | None,
    parent_unit: Unit | None,
    unit_rows: dict,
    schema_name: str,
    domain: str,
    rows: dict,
) -> tuple[Stall, Unit | None, PublicRestored]:
    made = None
    if unit is None:
        assert parent_unit is not None
        code = unit_rows.get("code") or f"{parent_unit.code}/{slug}"
        if Unit.objects.filter(code=code).exists():
            code = f"{parent_unit.code}/{slug}"
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = made = unit_create(
                kind=unit_rows.get("kind") or Unit.Kind.SCHOOL,
                name=unit_rows.get("name") or name,
                code=code,
                parent=parent_unit,
            )
    stall = Stall(schema_name=schema_name, slug=slug, name=name.strip(), unit=unit)
    stall.full_clean(exclude=["schema_name"])
    # The schema is already there, restored from the file: do not clone a new one.
    stall.auto_create_schema = False
    stall.save()
    Domain.objects.create(domain=domain, tenant=stall, is_primary=True)
    public = stall_public_apply(stall=stall, rows=rows)
    return stall, made, public
