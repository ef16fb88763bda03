"""`python -m bench [name ...]`: run the benchmark modules, print figures, write bench/results.json.

Each module in MODULES exposes `run() -> dict[str, float | int]`. Figures from a partial run are
merged into the existing results file so one module can be re-measured alone.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

MODULES = [
    "usercache",
    "auth_user",
    "chat_core",
    "storage",
    "realtime",
    "files",
    "files_s3",
    "proxy",
    "push",
    "sessions",
    "directory",
]
RESULTS = Path(__file__).with_name("results.json")


def main(argv: list[str]) -> int:
    names = argv or MODULES
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    figures = results.setdefault("figures", {})
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                continue
            raise
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        for key, value in module.run().items():
            figures[key] = value
            print(f"{key:48s} {value}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    results["machine"] = {"python": platform.python_version(), "cpus": _cpus()}
    results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written {RESULTS}")
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
