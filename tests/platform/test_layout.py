"""The project's source roots never shadow the standard library's ``platform`` module."""

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def test_platform_is_the_standard_library_module_under_pytest():
    import platform

    assert Path(platform.__file__).resolve().parent == STDLIB
    assert platform.python_version().startswith("3.")


def test_platform_folder_is_not_a_package():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_platform_is_the_standard_library_module_under_the_cli():
    script = "import platform, uuid; print(platform.__file__); print(uuid.uuid4().version)"
    result = subprocess.run(
        [sys.executable, "-m", "gianhang.cli", "shell", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert Path(lines[-2]).resolve().parent == STDLIB
    assert lines[-1] == "4"
