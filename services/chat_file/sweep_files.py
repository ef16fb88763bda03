"""`python -m services.chat_file.sweep_files [--grace-minutes 60]`: delete stored file bytes
that no metadata row references (left by a process killed mid-upload) and exit. Run it from
cron on one host; objects younger than the grace period are never touched."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from datetime import timedelta

from services.chat_file.bootstrap import build_file_sweeper
from services.chat_file.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m services.chat_file.sweep_files")
    parser.add_argument("--grace-minutes", type=float, default=60.0)
    args = parser.parse_args(argv)
    sweeper, stores = build_file_sweeper(Settings.from_env(), timedelta(minutes=args.grace_minutes))
    try:
        removed = sweeper.sweep()
    finally:
        stores.close()
    print(f"{len(removed)} orphaned object(s) removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
