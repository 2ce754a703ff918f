"""The bench runner: which modules it runs and how it writes their figures into the README."""

from __future__ import annotations

import pytest

from bench import __main__ as runner


def _result(markdown: str) -> dict:
    return {
        "title": "Thử",
        "date": "2026-01-01 00:00 UTC",
        "machine": "2 cores",
        "command": ".venv/bin/python -m bench.thu",
        "wall_s": 3.0,
        "markdown": markdown,
    }


@pytest.fixture
def readme(tmp_path, monkeypatch):
    path = tmp_path / "README.md"
    monkeypatch.setattr(runner, "README", path)
    return path


def test_runner_finds_every_bench_module_and_no_helper():
    names = runner.discover()
    assert {"provisioning", "migrate_all"} <= set(names)
    assert not [name for name in names if name.startswith("_")]


def test_new_bench_gets_its_own_section_with_date_machine_and_command(readme):
    readme.write_text("# Benchmarks\n\nintro\n", encoding="utf-8")
    runner.update_readme({"thu": _result("| a | 1 |")})
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nintro\n")
    assert "## Thử (`bench/thu.py`)" in text
    assert "2026-01-01 00:00 UTC on 2 cores" in text
    assert "`.venv/bin/python -m bench.thu`" in text
    assert "| a | 1 |" in text


def test_rerun_replaces_only_that_bench_section(readme):
    readme.write_text("# Benchmarks\n", encoding="utf-8")
    runner.update_readme({"thu": _result("| a | 1 |"), "khac": _result("| b | 2 |")})
    runner.update_readme({"thu": _result("| a | 9 |")})
    text = readme.read_text(encoding="utf-8")
    assert "| a | 9 |" in text
    assert "| a | 1 |" not in text
    assert "| b | 2 |" in text
    assert text.count("<!-- bench:thu -->") == 1


def test_bench_with_a_main_is_called_through_it(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "BENCH_DIR", tmp_path)
    (tmp_path / "co_main.py").write_text("def main(argv):\n    return {}\n", encoding="utf-8")
    (tmp_path / "kich_ban.py").write_text("print('x')\n", encoding="utf-8")
    assert "from bench.co_main import main" in runner._command("co_main", [])[2]
    assert runner._command("kich_ban", ["--quick"])[1:] == ["-m", "bench.kich_ban", "--quick"]
