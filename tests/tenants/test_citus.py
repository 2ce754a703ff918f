"""The product on a local Citus cluster (schema-based sharding): provisioning, pages and
orders on stalls of both workers, and a stall's schema moved between workers under traffic.

Starts a coordinator and two workers with deploy/citus/cluster.sh in a temporary folder and
runs tests/tenants/citus_scenario.py against the coordinator in its own process (the rest
of the suite keeps its own database). Skipped where Citus is not installed
(deploy/citus/build.sh installs it). ``GIANHANG_CITUS_TEST_STALLS`` sets how many stalls
are provisioned (20 by default; deploy/SCALING.md reports a run with 200).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLUSTER = ROOT / "deploy" / "citus" / "cluster.sh"


def _citus_missing() -> str:
    pg_config = PG_BIN / "pg_config"
    if not pg_config.exists():
        return "no PostgreSQL 15 server binaries"
    libdir = subprocess.run(
        [str(pg_config), "--pkglibdir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not (Path(libdir) / "citus.so").exists():
        return "Citus is not installed (deploy/citus/build.sh SOURCE_DIR installs it)"
    return ""


_missing = _citus_missing()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_missing), reason=_missing or "Citus is installed"),
]


@pytest.fixture(scope="module")
def citus_url():
    folder = Path(tempfile.mkdtemp(prefix="gianhang-citus-"))
    folder.chmod(0o755)  # the instances run as another user when the suite runs as root
    try:
        started = subprocess.run(
            [str(CLUSTER), "start", str(folder / "cluster")],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip().splitlines()[-1].removeprefix("DATABASE_URL=")
        yield url
    finally:
        subprocess.run(
            [str(CLUSTER), "stop", str(folder / "cluster")],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_stalls_on_both_workers_serve_pages_and_orders_and_one_moves_under_traffic(citus_url):
    stalls = int(os.environ.get("GIANHANG_CITUS_TEST_STALLS", "20"))
    env = {
        **os.environ,
        "DATABASE_URL": citus_url,
        "GIANHANG_CITUS": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        "DJANGO_SETTINGS_MODULE": "gianhang.settings",
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.tenants.citus_scenario", str(stalls)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0, run.stderr[-3000:]
    assert lines, run.stdout[-3000:]
    result = json.loads(lines[-1].removeprefix("RESULT "))
    print(json.dumps(result, ensure_ascii=False, indent=1))

    # Every stall is a distributed schema on a worker, and both workers hold some.
    assert len(result["nodes"]) == 2, result["nodes"]
    assert sum(result["nodes"].values()) == stalls
    assert all(count > 0 for count in result["nodes"].values())

    for on_node in result["per_node"]:
        assert on_node["page"] == 200, on_node
        assert on_node["page_has_item"], on_node
        assert on_node["order"] == 201, on_node
        assert on_node["orders_in_schema"] == 1, on_node
        assert on_node["login_page"] == 200, on_node
        assert on_node["login"] == 302, on_node
        # A new officer is sent on to choose a password of their own first.
        assert on_node["workspace"] == 200, on_node

    move = result["move"]
    assert move["error"] == ""
    assert move["from"] != move["to"]
    assert move["to"] in result["nodes"]
    assert move["requests_during_move"] > 0
    assert move["failed"] == []
    assert move["orders_placed"] > 0
    # Every order accepted during the move is in the stall's schema on its new worker.
    assert move["orders_in_schema_after"] == move["orders_placed"] + 1
