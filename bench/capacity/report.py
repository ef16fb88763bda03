"""The run's report (report.json) and the figures it gives bench/results.json.

Figures (the issue's names): `capacity_users_<topology>` (the last healthy stage's users),
at make_run's health point `capacity_delivery_p99_ms`, `capacity_page_p99_ms` and
`capacity_ack_p99_ms` (the same at the cluster's health point with a `_cluster_2` suffix), and
`reconnect_storm_2000_refused_cluster_2` (sockets of the storm that did not connect: refused
or unanswered).
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.capacity.ramp import TopologyResult
from bench.capacity.settings import RunSettings


def figures(results: Sequence[TopologyResult]) -> dict[str, float | int]:
    found: dict[str, float | int] = {}
    for result in results:
        found[f"capacity_users_{result.topology}"] = result.supported_users
        point = result.health_point
        suffix = "" if result.topology == "make_run" else f"_{result.topology}"
        if point is not None:
            found[f"capacity_delivery_p99_ms{suffix}"] = point.latency["delivery"].p99
            found[f"capacity_page_p99_ms{suffix}"] = point.latency["page"].p99
            found[f"capacity_ack_p99_ms{suffix}"] = point.latency["ack"].p99
        if result.storm is not None:
            name = f"reconnect_storm_{result.storm['sockets']}_refused_{result.topology}"
            found[name] = result.storm["not_connected"]
    return found


def report(
    results: Sequence[TopologyResult], settings: Mapping[str, RunSettings]
) -> dict[str, Any]:
    """Everything measured, and how (settings per topology, secrets left out)."""
    chosen = {}
    for name, values in settings.items():
        shown = asdict(values)
        for secret in ("jwt_secret", "service_secret"):
            shown.pop(secret)
        chosen[name] = {**shown, "stages": values.stages}
    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count() or 0,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": chosen,
        "figures": figures(results),
        "topologies": [result.as_dict() for result in results],
    }


def write_report(path: Path, body: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
