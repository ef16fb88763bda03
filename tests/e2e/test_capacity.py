"""`python -m bench.capacity` on a tiny ramp: 20 simulated users for a few seconds against the
make_run topology (real gunicorn processes, SQLite, Redis, the Node agent), with a small
reconnect storm first. Checks the report's shape, that deliveries are matched and nothing is
lost, and that the curve is drawn. Figures are not asserted: the machine is shared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.node import require_node
from tests.support.servers import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def node() -> str:
    return require_node("socket.io-client")


def test_a_tiny_ramp_reports_its_stage_and_counts_deliveries(
    node: str, tmp_path: Path, redis_url: str, key_prefix: str
) -> None:
    argv = [
        sys.executable, "-m", "bench.capacity", "--topology", "make_run", "--out", str(tmp_path),
        "--start", "20", "--step", "20", "--max", "20", "--spread", "1", "--warmup", "1",
        "--window", "6", "--mix", "send=12,reconnect=3", "--group-history", "120",
        "--private-history", "10", "--storm", "all", "--storm-sockets", "20",
        "--storm-seconds", "1", "--key-prefix", key_prefix,
    ]  # fmt: skip
    done = subprocess.run(
        argv, cwd=ROOT, env={**os.environ, "REDIS_URL": redis_url}, capture_output=True,
        text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report) >= {"measured_at", "machine", "settings", "figures", "topologies"}
    (result,) = report["topologies"]
    assert result["topology"] == "make_run"
    assert result["seeded"]["users"] == 20
    assert result["seeded"]["messages"] == 120 + 40 * 10
    (stage,) = result["stages"]
    assert stage["users"] == 20
    assert stage["active"] == 20
    for kind in ("delivery", "page", "read", "list", "connect", "send", "http", "ack"):
        assert set(stage["latency_ms"][kind]) == {"count", "p50", "p95", "p99", "max"}
    assert stage["latency_ms"]["send"]["count"] > 0
    assert stage["deliveries"]["delivered"] > 0
    assert stage["deliveries"]["lost"] == 0
    assert stage["errors"] == {}
    assert stage["healthy"] == (not stage["reasons"])

    storm = result["storm"]
    assert storm["sockets"] == 20
    assert storm["connected"] + storm["not_connected"] == 20

    figures = report["figures"]
    assert figures["capacity_users_make_run"] in (0, 20)
    assert "reconnect_storm_20_refused_make_run" in figures
    curve = tmp_path / "capacity_make_run.png"
    assert curve.read_bytes().startswith(b"\x89PNG")
    curve.unlink()
    again = [sys.executable, "-m", "bench.capacity", "--plot", str(tmp_path / "report.json")]
    subprocess.run(again, cwd=ROOT, capture_output=True, timeout=120, check=True)
    assert curve.read_bytes().startswith(b"\x89PNG")  # drawn again from the report alone
    assert not list(tmp_path.glob("make_run/agent-*.json"))  # the plans held tokens
    assert not list(tmp_path.glob("make_run/*.db"))
