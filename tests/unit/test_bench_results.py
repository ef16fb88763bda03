"""bench/results.json says when and how each figure was measured, and the docs quote it.

A docs table whose header starts with `figure` lists figures by their results.json names in
backticks (several in one cell separated by ` / `), and its second column starts with their
values in the same order; each must be the repository's figure at the precision the doc shows.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.servers import ROOT

RESULTS = json.loads((ROOT / "bench" / "results.json").read_text())["figures"]
DOCS = sorted((ROOT / "docs").glob("*.md"))
NUMBER = r"-?\d+(?:\.\d+)?"
LEADING_VALUES = re.compile(rf"^\s*\**({NUMBER}(?:\s*/\s*{NUMBER})*)")


def figure_rows(doc: Path) -> list[tuple[int, list[str], str]]:
    """(line number, figure names, value cell) of every row of the doc's `figure` tables."""
    rows: list[tuple[int, list[str], str]] = []
    in_table = False
    for number, line in enumerate(doc.read_text().splitlines(), 1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            in_table = False
        elif cells[0] == "figure":
            in_table = True
        elif in_table and not set(cells[0]) <= {"-", ":", " "}:
            rows.append((number, re.findall(r"`([a-z0-9_]+)`", cells[0]), cells[1]))
    return rows


def shown(value: float, text: str) -> float:
    """`value` rounded as precisely as `text` writes its number."""
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return round(float(value), decimals)


def test_every_figure_says_when_and_how_it_was_measured() -> None:
    assert RESULTS
    for name, entry in RESULTS.items():
        assert set(entry) == {"value", "measured_at", "how"}, name
        assert isinstance(entry["value"], int | float), name
        datetime.strptime(entry["measured_at"], "%Y-%m-%dT%H:%M:%SZ")
        assert entry["how"].startswith(("python -m bench ", "make test: ", "make soak: ")), name


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_the_docs_quote_the_figures_the_repository_holds(doc: Path) -> None:
    problems = []
    for line, names, cell in figure_rows(doc):
        leading = LEADING_VALUES.match(cell)
        values = [v.strip() for v in leading.group(1).split("/")] if leading else []
        if not names or len(names) != len(values):
            problems.append(f"{doc.name}:{line}: {names} vs values {values!r} in {cell!r}")
            continue
        for name, text in zip(names, values, strict=True):
            if name not in RESULTS:
                problems.append(f"{doc.name}:{line}: {name} is not in bench/results.json")
            elif shown(RESULTS[name]["value"], text) != float(text):
                held = RESULTS[name]["value"]
                problems.append(f"{doc.name}:{line}: {name} = {text}, results.json holds {held}")
    assert problems == [], "\n".join(problems)


def test_the_check_reads_the_figure_tables() -> None:
    """Positive control: the tables are found, so a drift would be seen."""
    rows = figure_rows(ROOT / "docs" / "benchmarks.md")
    assert len(rows) > 30
    assert any("proxy_two_backends_vs_one_msgs_per_s" in names for _, names, _ in rows)
