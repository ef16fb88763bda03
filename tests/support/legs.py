"""Test legs that need something a machine may lack (a command, a server).

On a developer's machine such a leg is skipped with a loud reason; under CI (`CI=true`) it
fails, because `.ci/run` installs everything these legs need and a skip there would hide a leg
that never ran. Every such leg goes through `cannot_run` (directly or via `require_command`).
The one exception is the real-MongoDB leg (`MONGODB_URI`): no MongoDB server can be installed
on these machines, so it stays a skip everywhere (tests/support/databases.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def cannot_run(reason: str) -> NoReturn:
    """Skip this leg locally (saying why), fail it under CI."""
    if IN_CI:
        pytest.fail(f"{reason} (under CI this is a failure: .ci/run installs it)", pytrace=False)
    pytest.skip(f"SKIPPING — {reason}")


def require_command(name: str, package: str, *also: str) -> str:
    """The path of command `name` (or of one of `also`, e.g. an sbin path or another name);
    `package` is the Debian package that brings it."""
    for candidate in (name, *also):
        found = shutil.which(candidate)
        if found is None and Path(candidate).is_absolute() and Path(candidate).exists():
            found = candidate
        if found is not None:
            return found
    cannot_run(f"the {name} command is not installed (Debian package {package})")
