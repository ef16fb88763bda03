"""The capacity agent's delivery ledger and action mix, under Node's own test runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.node import require_node

TESTS = Path(__file__).with_name("agent.test.js")


def test_agent_bookkeeping_under_node_test() -> None:
    node = require_node()
    done = subprocess.run(
        [node, "--test", str(TESTS)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
