"""The runbook's commands that need no Docker, run for real: upgrade all stalls, health check."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.db import connection

from tests.conftest import free_port, in_stall, latest_migration
from tests.deploy.conftest import DEPLOY, GIANHANG, ROOT

pytestmark = pytest.mark.slow


def _forget_latest_catalog_migration(stall) -> None:
    """Put a stall one migration behind, as after deploying a release that adds one."""
    from django.core.management import call_command

    call_command(
        "migrate_schemas",
        "catalog",
        latest_migration("catalog")[1],
        schema_name=stall.schema_name,
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


def _pending_in(stall) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    with in_stall(stall):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def test_upgrade_with_the_default_executor_migrates_every_stall(live_stall_factory, subprocess_env):
    stalls = [live_stall_factory(), live_stall_factory(), live_stall_factory()]
    for stall in stalls:
        _forget_latest_catalog_migration(stall)

    result = subprocess.run(
        [GIANHANG, "bootstrap"],
        env=subprocess_env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    for stall in stalls:
        with in_stall(stall), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM django_migrations WHERE app = 'catalog' AND name = %s",
                [latest_migration("catalog")[0]],
            )
            assert cursor.fetchone()[0] == 1
        assert _pending_in(stall) == []


def _healthcheck(check: str, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(DEPLOY / "healthcheck.py"),
            check,
            "--url",
            f"http://127.0.0.1:{port}",
            "--host",
            "localhost",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_container_health_check_passes_against_gunicorn_and_fails_when_it_stops(
    live_stall_factory, subprocess_env
):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gianhang.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--threads=2",
        ],
        env=subprocess_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        result = _healthcheck("healthz", port)
        while result.returncode != 0 and time.monotonic() < deadline:
            time.sleep(0.5)
            result = _healthcheck("healthz", port)
        assert result.returncode == 0, result.stderr
        ready = _healthcheck("readyz", port)
        assert ready.returncode == 0, ready.stdout + ready.stderr
        assert '"migrations": "ok"' in ready.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert _healthcheck("healthz", port).returncode == 1


def _runbook_commands() -> list[list[str]]:
    text = (DEPLOY / "RUNBOOK.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:sh|bash)?\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            # `gianhang X` at the start of a line or after the compose service it runs in;
            # "-U gianhang -d gianhang" is a database name, not the command.
            match = re.search(
                r"(?:^\s*|\b(?:web|worker|beat|migrate)\s+)gianhang\s+"
                r"([a-z][a-z_]*)(?:\s+([a-z][a-z_-]*))?",
                line,
            )
            if match and not line.lstrip().startswith("#"):
                commands.append([match.group(1), match.group(2) or ""])
    return commands


def test_runbook_uses_only_commands_the_project_has():
    commands = _runbook_commands()
    assert len(commands) >= 6
    known = set(get_commands()) | {"celery"}
    for command, action in commands:
        assert command in known, command
        if command == "stall":
            assert action in {"create", "import", "list", "backup", "restore"}, action


def test_runbook_covers_install_upgrade_backup_restore_and_a_new_stall():
    text = (DEPLOY / "RUNBOOK.md").read_text(encoding="utf-8")
    for needed in (
        "gianhang bootstrap",
        "gianhang stall backup",
        "gianhang stall restore",
        "gianhang stall create",
        "pg_dump",
        "pg_restore",
    ):
        assert needed in text, needed


def test_runbook_stall_list_shows_each_stall_with_its_address(stall_a, stall_b):
    out = StringIO()
    call_command("stall", "list", stdout=out)
    listed = out.getvalue()
    for stall in (stall_a, stall_b):
        assert stall.slug in listed
        assert stall.domains.get(is_primary=True).domain in listed
