"""`python -m bench.capacity --help`: see bench/capacity/cli.py."""

from __future__ import annotations

import sys

from bench.capacity.cli import main

if __name__ == "__main__":
    for key, value in main(sys.argv[1:]).items():
        print(f"{key:48s} {value}")
