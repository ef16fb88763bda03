"""Capacity: supported users per topology, measured like Mattermost's load tests.

`make capacity` (`python -m bench capacity`) runs `run()`: both topologies with the default
ramps, the curves published to docs/capacity/, the figures returned to bench/__main__.py, which
records them in bench/results.json. `python -m bench.capacity --help` for other runs.
"""

from __future__ import annotations


def run() -> dict[str, float | int]:
    from bench.capacity.cli import main

    return main(["--publish"])
