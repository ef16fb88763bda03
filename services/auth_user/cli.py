"""`python -m services.auth_user.cli create-admin|seed-demo`: the admin commands of
`interfaces/cli.py`, on the services the composition root builds from the environment."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from libs.servicekit.settings import process_env

from .bootstrap import build
from .interfaces.cli import main as run
from .settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, build(Settings.from_env(process_env())))


if __name__ == "__main__":
    sys.exit(main())
