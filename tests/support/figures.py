"""Merge test-measured figures into bench/results.json (other keys are left as they are)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results.json"


def record_figures(**figures: float | int) -> None:
    """Load the results file, update `figures`, write it back atomically, print what changed."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("figures", {}).update(figures)
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".results-", suffix=".json")
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, RESULTS)
    for key, value in sorted(figures.items()):
        print(f"figure {key} = {value}")
