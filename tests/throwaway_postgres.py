"""A PostgreSQL server of a test's own, to restart under running processes in fault tests.

Built from the server binaries of the same major version as the suite's server (Debian's
/usr/lib/postgresql/<major>/bin or GIANHANG_PG_BIN_DIR). PostgreSQL refuses to run as
root: then it runs as the ``postgres`` system user. Tests skip when neither is possible.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port


def _bin_dir(major: int) -> Path | None:
    candidates = [settings.GIANHANG_PG_BIN_DIR, f"/usr/lib/postgresql/{major}/bin"]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for entry in candidates:
        if entry and (Path(entry) / "initdb").exists() and (Path(entry) / "pg_ctl").exists():
            out = subprocess.run(
                [str(Path(entry) / "postgres"), "--version"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            if f" {major}." in out:
                return Path(entry)
    return None


class ThrowawayPostgres:
    def __init__(self, major: int):
        self.bin_dir = _bin_dir(major)
        if self.bin_dir is None:
            pytest.skip(f"no PostgreSQL {major} server binaries (initdb) on this machine")
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres").pw_name
            except KeyError:
                pytest.skip("running as root and there is no postgres system user")
        # Not under pytest's tmp_path: the server's user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="gianhang-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "server.log"
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/gianhang"

    def start(self) -> ThrowawayPostgres:
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        return self

    def restart(self) -> None:
        """A fast restart: every client connection is cut, as in a crash or a failover."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def load(self, sql: str) -> None:
        """Run ``sql`` (a plain dump) into the database ``gianhang``, made on first use."""
        base = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        with contextlib.suppress(subprocess.CalledProcessError):
            subprocess.run(
                [str(self.bin_dir / "createdb"), *base, "gianhang"],
                capture_output=True,
                check=True,
            )
        done = subprocess.run(
            [str(self.bin_dir / "psql"), *base, "-d", "gianhang", "-q", "-v", "ON_ERROR_STOP=1"],
            input=sql,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]


def public_schema_dump(database_url_env: dict[str, str], bin_dir: Path) -> str:
    """The test database's public schema (stalls, units, domains...) as plain SQL."""
    return subprocess.run(
        [str(bin_dir / "pg_dump"), "--schema=public", "--no-owner", "--no-privileges"],
        env=database_url_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
