"""Node.js for the tests that drive JavaScript (the capacity agent): skipped with a loud reason
when it is missing, a failure under CI (`CI=true`), where `make install` must have set it up."""

from __future__ import annotations

import shutil
import subprocess
from typing import NoReturn

import pytest

from .databases import IN_CI
from .servers import ROOT


def require_node(*modules: str) -> str:
    """The `node` binary, with these npm modules resolvable from the project root."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed (Node.js; `make install` needs it for npm ci)")
    for module in modules:
        resolve = [node, "-e", f"require.resolve({module!r})"]
        if subprocess.run(resolve, cwd=ROOT, capture_output=True, timeout=30).returncode != 0:
            pytest.fail(f"{module} is not installed: run `make install` (npm ci)")
    return node


def _missing(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{reason} (CI must install it)", pytrace=False)
    pytest.skip(f"SKIPPING — {reason}")
