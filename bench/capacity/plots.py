"""The capacity curves as PNG files (matplotlib, no display needed).

Per topology, `capacity_<topology>.png`: the p99 of deliveries, HTTP calls and acknowledged
events against the number of users (log scale, with the 1 s bound and the supported count),
below it the throughput (sends and deliveries a second), and the chat_file processes' CPU
(cores used, and cores' worth of time spent waiting for a core: a starved server shows
there). With both topologies,
`capacity_delivery_p99.png` puts their delivery p99 curves side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from textwrap import fill

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.capacity.ramp import TopologyResult
from bench.capacity.settings import Criteria

CURVES = [
    ("delivery", "delivery (send → newMessage)"),
    ("http", "HTTP (page, read, list, reaction, connect)"),
    ("ack", "acks (sendMessage, editMessage)"),
]


def _floor(ms: float) -> float:
    return max(ms, 1.0)  # log scale: a 0 ms p99 (no sample) sits on the axis


def plot_topology(result: TopologyResult, criteria: Criteria, out: Path, note: str) -> Path:
    users = [stage.users for stage in result.stages]
    figure, (top, middle, bottom) = plt.subplots(
        3, 1, figsize=(8, 9), sharex=True, gridspec_kw={"height_ratios": [3, 1.6, 1.6]}
    )
    for kind, label in CURVES:
        p99 = [_floor(s.latency[kind].p99) for s in result.stages]
        top.plot(users, p99, marker="o", label=f"p99 {label}")
    unhealthy = [s for s in result.stages if not s.healthy]
    if unhealthy:
        marks = [_floor(s.latency["delivery"].p99) for s in unhealthy]
        top.scatter(
            [s.users for s in unhealthy],
            marks,
            s=120,
            facecolors="none",
            edgecolors="red",
            label="unhealthy stage",
        )
    top.axhline(criteria.delivery_p99_ms, color="grey", linestyle="--", label="1 s bound")
    if result.supported_users:
        top.axvline(
            result.supported_users,
            color="green",
            linestyle=":",
            label=f"supported: {result.supported_users} users",
        )
    top.set_yscale("log")
    top.set_ylabel("p99 latency (ms)")
    top.set_title(f"{result.topology}: users against p99\n{fill(note, 90)}", fontsize=9)
    top.grid(True, which="both", alpha=0.3)
    top.legend(fontsize=8, loc="upper left")
    middle.plot(
        users, [s.deliveries_per_s for s in result.stages], marker="o", label="deliveries/s"
    )
    middle.plot(users, [s.sends_per_s for s in result.stages], marker="o", label="sends/s")
    middle.set_ylabel("per second")
    middle.grid(True, alpha=0.3)
    middle.legend(fontsize=8, loc="upper left")
    used = [sum(c["used"] for c in s.server_cpu) for s in result.stages]
    waited = [sum(c["waited"] for c in s.server_cpu) for s in result.stages]
    bottom.plot(users, used, marker="o", label="chat_file CPU used (cores)")
    bottom.plot(users, waited, marker="o", label="chat_file waiting for a core (cores)")
    bottom.set_xlabel("simulated users")
    bottom.set_ylabel("cores")
    bottom.grid(True, alpha=0.3)
    bottom.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    path = out / f"capacity_{result.topology}.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def plot_comparison(
    results: Sequence[TopologyResult], criteria: Criteria, out: Path, note: str
) -> Path:
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for result in results:
        axes.plot(
            [s.users for s in result.stages],
            [_floor(s.latency["delivery"].p99) for s in result.stages],
            marker="o",
            label=f"{result.topology} (supported: {result.supported_users})",
        )
    axes.axhline(criteria.delivery_p99_ms, color="grey", linestyle="--", label="1 s bound")
    axes.set_yscale("log")
    axes.set_xlabel("simulated users")
    axes.set_ylabel("delivery p99 (ms)")
    axes.set_title(f"Delivery p99 by topology\n{fill(note, 90)}", fontsize=9)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    path = out / "capacity_delivery_p99.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def plot_all(
    results: Sequence[TopologyResult], criteria: Criteria, out: Path, note: str
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [plot_topology(r, criteria, out, note) for r in results if r.stages]
    if len([r for r in results if r.stages]) > 1:
        paths.append(plot_comparison(results, criteria, out, note))
    return paths
