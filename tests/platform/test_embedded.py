"""The embedded path: `gianhang demo` on a machine with no configured servers.

Whatever way it is stopped (SIGTERM, or Ctrl-C reaching the whole process group), no
PostgreSQL or Redis process is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedded")


def _servers_using(data_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if str(data_dir) in cmdline and ("postgres" in cmdline or "redis-server" in cmdline):
            found.append(proc)
    return found


def _start_demo(data_dir: Path) -> subprocess.Popen:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "GIANHANG_TESTING"}
    }
    env["GIANHANG_DATA_DIR"] = str(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gianhang.cli", "demo", "--no-worker", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    seen = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if "Ctrl-C" in line:
            return proc
    proc.kill()
    pytest.fail("the demo did not start:\n" + "".join(seen[-40:]))


def _wait_gone(data_dir: Path, proc: subprocess.Popen) -> list[psutil.Process]:
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10
    while _servers_using(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _servers_using(data_dir)


def test_sigterm_stops_the_embedded_servers(data_dir):
    proc = _start_demo(data_dir)
    assert _servers_using(data_dir), "the embedded servers should be running"
    proc.send_signal(signal.SIGTERM)
    assert _wait_gone(data_dir, proc) == []


def test_ctrl_c_stops_the_embedded_servers(data_dir):
    proc = _start_demo(data_dir)
    # A terminal's Ctrl-C reaches every process of the foreground group.
    os.killpg(proc.pid, signal.SIGINT)
    assert _wait_gone(data_dir, proc) == []
