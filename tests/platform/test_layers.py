"""The layers and the no-cycle rule are enforced by a tool, and the tool can fail.

A temporary copy of the sources is checked as it is (the contracts hold), then with one
import that runs up the layers, then with one that closes a cycle inside an app.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["platform", "tenants", "privacy", "catalog", "logistics", "reporting"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in SOURCES:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _contracts(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(where / "platform"), str(where)])}
    return subprocess.run(  # noqa: S603 - our own venv's tool on our own copy
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _add_import(path: Path, line: str) -> None:
    text = path.read_text()
    head, sep, rest = text.partition("from __future__ import annotations\n")
    path.write_text(head + sep + line + "\n" + rest)


def test_the_sources_keep_every_contract(copy):
    result = _contracts(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_up_the_layers_is_refused(copy):
    _add_import(copy / "tenants" / "selectors.py", "import reporting.selectors  # noqa")
    result = _contracts(copy)
    assert result.returncode != 0
    assert "tenants.selectors -> reporting.selectors" in result.stdout


def test_a_cycle_inside_an_app_is_refused(copy):
    # routing already imports runs; runs importing routing back closes a cycle.
    _add_import(copy / "logistics" / "runs.py", "import logistics.routing  # noqa")
    result = _contracts(copy)
    assert result.returncode != 0
    assert "No cycles are allowed in logistics" in result.stdout
