"""Run every benchmark in bench/ and write their figures into bench/README.md.

    python -m bench                  every bench at full size; README updated
    python -m bench --quick          smaller runs, a smoke check; README left alone
    python -m bench --only provisioning,migrate_all
    python -m bench --list

Each bench runs in its own process (its own Django set-up and throw-away database), so one
that fails does not stop the others; the run exits non-zero if any failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
README = BENCH_DIR / "README.md"
OUT_DIR = BENCH_DIR / "out"


def discover() -> list[str]:
    """Every ``bench/<name>.py`` that is not a helper (``_name``) or this runner."""
    return sorted(
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if not path.name.startswith("_") and path.stem != "__main__"
    )


def run_one(name: str, extra: list[str]) -> dict | None:
    out = OUT_DIR / f"{name}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), str(ROOT / "platform"), *filter(None, [env.get("PYTHONPATH")])]
    )
    started = time.monotonic()
    print(f"--- bench.{name} {' '.join(extra)}".rstrip(), flush=True)
    completed = subprocess.run(_command(name, extra), cwd=ROOT, env=env, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        print(
            f"!!! bench.{name} failed (exit {completed.returncode}) after {elapsed:.0f} s",
            flush=True,
        )
        return None
    if not out.exists():
        # A script-style bench that keeps its own section of the README by hand.
        print(f"--- bench.{name} done in {elapsed:.0f} s (no JSON; README left as is)")
        return {}
    result = json.loads(out.read_text(encoding="utf-8"))
    result["command"] = " ".join([".venv/bin/python -m", f"bench.{name}", *extra])
    result["wall_s"] = elapsed
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"--- bench.{name} done in {elapsed:.0f} s", flush=True)
    return result


def _command(name: str, extra: list[str]) -> list[str]:
    """Call ``main(argv)`` through bench.run_cli when the module has one, else run it as -m."""
    source = (BENCH_DIR / f"{name}.py").read_text(encoding="utf-8")
    if re.search(r"^def main\(", source, re.MULTILINE):
        code = f"import bench; from bench.{name} import main; bench.run_cli(main, name={name!r})"
        return [sys.executable, "-c", code, *extra]
    return [sys.executable, "-m", f"bench.{name}", *extra]


def _plain_figures(result: dict) -> str:
    skip = {"bench", "date", "machine", "command", "wall_s", "title", "markdown"}
    rows = [
        f"| {key} | {value} |"
        for key, value in result.items()
        if key not in skip and isinstance(value, int | float | str)
    ]
    return "\n".join(["| figure | value |", "|---|---:|", *rows])


def section(name: str, result: dict) -> str:
    return "\n".join(
        [
            f"<!-- bench:{name} -->",
            f"_Measured {result['date']} on {result['machine']}, with "
            f"`{result['command']}` ({result['wall_s']:.0f} s in all)._",
            "",
            (result.get("markdown") or _plain_figures(result)).strip(),
            f"<!-- /bench:{name} -->",
        ]
    )


def update_readme(results: dict[str, dict]) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    for name, result in results.items():
        block = section(name, result)
        pattern = re.compile(
            rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL
        )
        if pattern.search(text):
            text = pattern.sub(lambda _match, block=block: block, text)
        else:
            title = result.get("title", name)
            text = text.rstrip("\n") + f"\n\n## {title} (`bench/{name}.py`)\n\n{block}\n"
    README.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="smaller runs; README untouched")
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--list", action="store_true", help="list the benches and stop")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="write the figures into bench/README.md even with --quick",
    )
    args = parser.parse_args(argv)

    names = discover()
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"no such bench: {', '.join(unknown)} (have: {', '.join(names)})")
        names = [n for n in names if n in wanted]

    extra = ["--quick"] if args.quick else []
    results: dict[str, dict] = {}
    failed: list[str] = []
    for name in names:
        result = run_one(name, extra)
        if result is None:
            failed.append(name)
        elif result:
            results[name] = result
    if results and (args.readme or not args.quick):
        update_readme(results)
        print(f"figures written to {README.relative_to(ROOT)}")
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
