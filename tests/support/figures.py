"""Figures measured by tests go to an untracked file, `var/test-figures.json`.

The tracked `bench/results.json` is written only on purpose: by `make bench`, or by
`python -m bench --from-tests`, which copies these entries there (each keeps when it was
measured and by which test). A test run therefore never changes a tracked file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

TEST_FIGURES = Path(__file__).resolve().parents[2] / "var" / "test-figures.json"


def _measuring_module() -> str:
    """The test module running now (from PYTEST_CURRENT_TEST, which pytest sets); its
    docstring says how the figures are measured."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    return current.split("::", 1)[0] if current else "a test"


def record_figures(**figures: float | int) -> None:
    """Merge `figures` into var/test-figures.json (atomically), each with when and how."""
    TEST_FIGURES.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(TEST_FIGURES.read_text()) if TEST_FIGURES.exists() else {}
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    module = _measuring_module()
    how = f"{'make soak' if module.startswith('tests/soak/') else 'make test'}: {module}"
    for key, value in figures.items():
        results[key] = {"value": value, "measured_at": when, "how": how}
    fd, tmp = tempfile.mkstemp(dir=TEST_FIGURES.parent, prefix=".test-figures-", suffix=".json")
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, TEST_FIGURES)
    for key, value in sorted(figures.items()):
        print(f"figure {key} = {value} (in {TEST_FIGURES})")
