"""`python -m bench [name ...]`: run the benchmark modules, print figures, write bench/results.json.

Each module in MODULES exposes `run() -> dict[str, float | int]`. Figures from a partial run are
merged into the existing results file so one module can be re-measured alone. Every figure is
stored with when it was measured and how: `{"value", "measured_at", "how"}`.

`python -m bench --from-tests [name ...]` copies the figures the last test run measured
(`var/test-figures.json`, written by tests/support/figures.py; all of them, or only those
named) into the results file, with their own time and test module; tests never write the
tracked file themselves.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

MODULES = [
    "usercache",
    "auth_user",
    "chat_core",
    "storage",
    "realtime",
    "files",
    "thumbnail_bomb",
    "files_s3",
    "proxy",
    "push",
    "sessions",
    "directory",
    "retention",
    "abuse_edits",
    "abuse_groups",
    "abuse",
    "sync",
    "announcements",
]
RESULTS = Path(__file__).with_name("results.json")
TEST_FIGURES = Path(__file__).resolve().parents[1] / "var" / "test-figures.json"
FROM_TESTS = "--from-tests"


def how(name: str, module: Any) -> str:
    """`python -m bench NAME` and the first sentence of the module's docstring."""
    summary = " ".join((module.__doc__ or "").split("\n\n", 1)[0].split())
    return f"python -m bench {name} (bench/{name}.py: {summary})"


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def main(argv: list[str]) -> int:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    figures = results.setdefault("figures", {})
    if argv[:1] == [FROM_TESTS]:
        if not TEST_FIGURES.exists():
            print(f"no {TEST_FIGURES}: run the tests first (make test)")
            return 1
        measured = json.loads(TEST_FIGURES.read_text())
        if argv[1:]:  # only the figures named
            unknown = set(argv[1:]) - set(measured)
            if unknown:
                print(f"not in {TEST_FIGURES}: {sorted(unknown)}")
                return 1
            measured = {name: measured[name] for name in argv[1:]}
        figures.update(measured)
        for key, entry in sorted(measured.items()):
            print(f"{key:48s} {entry['value']}  ({entry['measured_at']}, {entry['how']})")
    else:
        for name in argv or MODULES:
            run_module(name, figures)
    results["machine"] = {"python": platform.python_version(), "cpus": _cpus()}
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"written {RESULTS}")
    return 0


def run_module(name: str, figures: dict[str, Any]) -> None:
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"bench.{name}":
            return
        raise
    print(f"== {name}", flush=True)
    started = time.perf_counter()
    measured = module.run()
    when = now()
    for key, value in measured.items():
        figures[key] = {"value": value, "measured_at": when, "how": how(name, module)}
        print(f"{key:48s} {value}", flush=True)
    print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
