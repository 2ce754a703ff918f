"""The command line answers errors with one line on stderr and exit status 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import database_url_of_tests

ROOT = Path(__file__).resolve().parents[2]


def _gianhang(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gianhang.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=180,
    )


def test_stall_create_with_an_empty_name_is_one_line(live_stall_factory):
    # live_stall_factory: the district is committed, so the subprocess sees it.
    from tests.conftest import _district

    _district()
    result = _gianhang(
        "stall",
        "create",
        "--slug",
        "thpt-rong",
        "--name",
        "",
        "--parent-unit",
        "tien-giang/tan-phuoc",
        DATABASE_URL=database_url_of_tests(),
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Hãy nhập tên gian hàng." in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_production_start_up_refusals_are_one_line(env, expected):
    production = {
        "GIANHANG_TESTING": "",
        "GIANHANG_DEMO": "",
        "DEBUG": "0",
        "DATABASE_URL": database_url_of_tests(),
        **env,
    }
    result = _gianhang("check", **production)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_traceback_flag_shows_the_whole_trace():
    result = _gianhang(
        "check",
        "--traceback",
        GIANHANG_TESTING="",
        GIANHANG_DEMO="",
        SECRET_KEY="",
        DATABASE_URL=database_url_of_tests(),
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr
