"""`python -m bench.capacity`: measure the supported users of each topology (docs/capacity.md).

    python -m bench.capacity                          # both topologies, the defaults below
    python -m bench.capacity --topology make_run --start 100 --step 100 --max 1000 --window 30

Writes <out>/report.json, the curves (<out>/*.png) and each process's log under <out>/<topology>/;
with --publish the curves also go to docs/capacity/. `make capacity` (= `python -m bench
capacity`) runs the defaults with --publish and records the figures in bench/results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.capacity.plots import plot_all
from bench.capacity.ramp import TopologyResult, measure, result_from_dict
from bench.capacity.report import report, write_report
from bench.capacity.settings import MIX, Criteria, RunSettings
from bench.capacity.topology import TOPOLOGIES, service_env
from tests.support.proxy import delete_prefix

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "capacity"
# (first stage, step, last stage) of each topology's ramp when not given
RAMPS = {"make_run": (100, 100, 3000), "cluster_2": (100, 100, 4000)}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _default(name: str) -> Any:
    """RunSettings' default for one field: the CLI does not repeat the numbers."""
    return next(f.default for f in dataclasses.fields(RunSettings) if f.name == name)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.capacity",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--topology", choices=[*TOPOLOGIES, "all"], default="all")
    parser.add_argument("--start", type=int, help="users of the first stage")
    parser.add_argument("--step", type=int, help="users added at each stage")
    parser.add_argument("--max", type=int, help="users of the last stage")
    parser.add_argument(
        "--spread", type=float, default=_default("spread_seconds"), help="seconds to connect a step"
    )
    parser.add_argument(
        "--warmup", type=float, default=_default("warmup_seconds"), help="unmeasured seconds"
    )
    parser.add_argument(
        "--window", type=float, default=_default("window_seconds"), help="measured seconds a stage"
    )
    parser.add_argument(
        "--agents", type=int, default=_default("agents"), help="Node load agents (one core each)"
    )
    parser.add_argument("--mix", default="", help="per-minute rates to change, e.g. send=3,edit=0")
    parser.add_argument("--group-history", type=int, default=_default("group_history"))
    parser.add_argument("--private-history", type=int, default=_default("private_history"))
    parser.add_argument(
        "--storm",
        choices=["cluster", "all", "none"],
        default="cluster",
        help="where to run the reconnect storm first (default: the cluster)",
    )
    parser.add_argument("--storm-sockets", type=int, default=_default("storm_sockets"))
    parser.add_argument("--storm-seconds", type=float, default=_default("storm_seconds"))
    parser.add_argument("--out", type=Path, help="default var/capacity/<time>")
    parser.add_argument("--publish", action="store_true", help="copy the curves to docs/capacity")
    parser.add_argument("--note", default="", help="a line printed on every curve")
    parser.add_argument("--key-prefix", default="", help="Redis key prefix (default: random)")
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="REPORT",
        help="measure nothing: draw the curves of this report.json again",
    )
    return parser.parse_args(argv)


def _mix(text: str) -> dict[str, float]:
    mix = dict(MIX)
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, rate = item.partition("=")
        if name not in MIX:
            raise SystemExit(f"--mix: unknown action {name!r} (one of {', '.join(MIX)})")
        try:
            mix[name] = float(rate)
        except ValueError:
            raise SystemExit(f"--mix: {name} needs a number of actions a minute") from None
    return mix


def settings_for(args: argparse.Namespace, topology: str) -> RunSettings:
    start, step, last = RAMPS[topology]
    storm = args.storm == "all" or (args.storm == "cluster" and topology != "make_run")
    return RunSettings(
        start_users=args.start or start,
        step_users=args.step or step,
        max_users=args.max or last,
        spread_seconds=args.spread,
        warmup_seconds=args.warmup,
        window_seconds=args.window,
        agents=args.agents,
        mix=_mix(args.mix),
        group_history=args.group_history,
        private_history=args.private_history,
        storm_sockets=args.storm_sockets if storm else 0,
        storm_seconds=args.storm_seconds,
    )


def main(argv: Sequence[str]) -> dict[str, float | int]:
    args = parse_args(argv)
    if args.plot:
        body = json.loads(args.plot.read_text())
        results = [result_from_dict(topology) for topology in body["topologies"]]
        _curves(results, body, args.plot.parent, args)
        return {}
    out = args.out or ROOT / "var" / "capacity" / time.strftime("%Y%m%d-%H%M%S")
    names = list(TOPOLOGIES) if args.topology == "all" else [args.topology]
    chosen = {name: settings_for(args, name) for name in names}
    results = [
        run_one(name, settings, out / name, args.key_prefix) for name, settings in chosen.items()
    ]
    body = report(results, chosen)
    if args.note:
        body["note"] = args.note
    write_report(out / "report.json", body)
    _curves(results, body, out, args)
    print(f"report {out / 'report.json'}")
    return dict(body["figures"])


def _curves(
    results: list[TopologyResult], body: dict[str, Any], out: Path, args: argparse.Namespace
) -> None:
    note = (
        args.note or body.get("note") or f"{body['measured_at']}, {body['machine']['cpus']} cores"
    )
    for path in plot_all(results, Criteria(), out, note):
        print(f"curve {path}")
        if args.publish:
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, DOCS / path.name)


def run_one(name: str, settings: RunSettings, run_dir: Path, key_prefix: str) -> TopologyResult:
    """One topology on keys of its own under `key_prefix`, deleted afterwards."""
    run_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"{key_prefix or 'capacity:'}{name}:{uuid.uuid4().hex[:8]}:"
    env = service_env(REDIS_URL, prefix, settings.jwt_secret, settings.service_secret)
    topology = TOPOLOGIES[name](env, run_dir)
    try:
        return measure(topology, settings, REDIS_URL, f"{prefix}user:profile:", run_dir)
    finally:
        delete_prefix(REDIS_URL, prefix)
