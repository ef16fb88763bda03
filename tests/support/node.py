"""Node.js for the tests that drive JavaScript (the capacity agent, the official socket.io
client): skipped with a loud reason when it is missing, a failure under CI (`CI=true`)."""

from __future__ import annotations

import subprocess

import pytest

from .legs import require_command
from .servers import ROOT


def require_node(*modules: str) -> str:
    """The `node` binary, with these npm modules resolvable from the project root."""
    node = require_command("node", "nodejs")
    for module in modules:
        resolve = [node, "-e", f"require.resolve({module!r})"]
        if subprocess.run(resolve, cwd=ROOT, capture_output=True, timeout=30).returncode != 0:
            pytest.fail(f"{module} is not installed: run `make install` (npm ci)")
    return node
