"""A leg that cannot run is skipped on a developer's machine and fails under CI (CI=true)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import ROOT

LEG = """
from tests.support.legs import require_command

def test_needs_a_command_nobody_has():
    require_command("ngomna-no-such-command", "ngomna-no-such-package")

def test_finds_a_command_every_machine_has():
    assert require_command("ngomna-no-such-command", "none", "sh").endswith("sh")
"""


def run_leg(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_leg.py"
    test.write_text(LEG)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", str(test), "-q", "-rs"]
    command += ["--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml")]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_missing_command_skips_the_leg_outside_ci(tmp_path: Path) -> None:
    result = run_leg(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    assert "SKIPPING — the ngomna-no-such-command command is not installed" in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_command_fails_the_leg_under_ci(tmp_path: Path, ci: str) -> None:
    result = run_leg(tmp_path, ci)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout
    assert "Debian package ngomna-no-such-package" in result.stdout
    assert ".ci/run installs it" in result.stdout
