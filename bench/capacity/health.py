"""One stage of the ramp, summed over the agents' windows, and whether it was healthy.

Healthy (the issue's criteria, after Mattermost's): delivery p99, every HTTP kind's p99 (the
WebSocket handshake counted as HTTP) and every acknowledged event's p99 at most their bound
(1 s), no error of any kind (a refused or failed connection, an unexpected disconnect, an
error answer or event, a timeout), no lost delivery, and at least one send measured.
The load generator watches itself: a stage where an agent used more than 90 % of its core or
its event loop lagged more than 100 ms (p99) is flagged `generator_saturated`, since its
latencies then include the client's own queueing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.capacity.settings import ACK_KINDS, HTTP_KINDS, Criteria

SATURATED_CPU_SHARE = 0.9
SATURATED_LOOP_LAG_MS = 100.0


@dataclass(frozen=True)
class Latency:
    count: int
    p50: float
    p95: float
    p99: float
    max: float


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank percentile of sorted samples (0 when there are none)."""
    if not ordered:
        return 0.0
    return float(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))])


def latency_of(samples: Iterable[float]) -> Latency:
    ordered = sorted(samples)
    return Latency(
        count=len(ordered),
        p50=round(percentile(ordered, 0.50), 1),
        p95=round(percentile(ordered, 0.95), 1),
        p99=round(percentile(ordered, 0.99), 1),
        max=round(ordered[-1], 1) if ordered else 0.0,
    )


@dataclass
class Stage:
    users: int
    seconds: float
    active: int
    connected: int
    actions: dict[str, int]
    latency: dict[str, Latency]
    deliveries: dict[str, int]
    errors: dict[str, int]
    agent_cpu_share: float
    agent_loop_lag_p99_ms: float
    healthy: bool = True
    reasons: list[str] = field(default_factory=list)
    # per chat_file process: cores used, and cores' worth of time spent waiting for a core
    server_cpu: list[dict[str, float]] = field(default_factory=list)

    @property
    def generator_saturated(self) -> bool:
        return (
            self.agent_cpu_share > SATURATED_CPU_SHARE
            or self.agent_loop_lag_p99_ms > SATURATED_LOOP_LAG_MS
        )

    @property
    def sends_per_s(self) -> float:
        return self.latency["send"].count / self.seconds if self.seconds else 0.0

    @property
    def deliveries_per_s(self) -> float:
        return self.deliveries["delivered"] / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "healthy": self.healthy,
            "reasons": self.reasons,
            "seconds": round(self.seconds, 1),
            "active": self.active,
            "connected": self.connected,
            "sends_per_s": round(self.sends_per_s, 2),
            "deliveries_per_s": round(self.deliveries_per_s, 1),
            "actions": self.actions,
            "latency_ms": {kind: vars(value) for kind, value in self.latency.items()},
            "deliveries": self.deliveries,
            "errors": self.errors,
            "chat_file_cpu_cores": self.server_cpu,
            "agent": {
                "cpu_share_max": round(self.agent_cpu_share, 3),
                "loop_lag_p99_ms_max": round(self.agent_loop_lag_p99_ms, 1),
                "saturated": self.generator_saturated,
            },
        }


def stage_from_dict(body: Mapping[str, Any]) -> Stage:
    """A stage read back from report.json (as `Stage.as_dict` wrote it)."""
    return Stage(
        users=body["users"],
        seconds=body["seconds"],
        active=body["active"],
        connected=body["connected"],
        actions=body["actions"],
        latency={kind: Latency(**value) for kind, value in body["latency_ms"].items()},
        deliveries=body["deliveries"],
        errors=body["errors"],
        agent_cpu_share=body["agent"]["cpu_share_max"],
        agent_loop_lag_p99_ms=body["agent"]["loop_lag_p99_ms_max"],
        healthy=body["healthy"],
        reasons=body["reasons"],
        server_cpu=body["chat_file_cpu_cores"],
    )


def _summed(windows: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    total: dict[str, int] = {}
    for window in windows:
        for name, count in window[key].items():
            total[name] = total.get(name, 0) + int(count)
    return total


def summarize(users: int, windows: Sequence[Mapping[str, Any]], criteria: Criteria) -> Stage:
    """The stage measured by these windows (one per agent, same period), with its verdict."""
    samples: dict[str, list[float]] = {}
    for window in windows:
        for kind, values in window["latencies"].items():
            samples.setdefault(kind, []).extend(values)
    latency = {kind: latency_of(values) for kind, values in sorted(samples.items())}
    for kind in ("delivery", *HTTP_KINDS, *ACK_KINDS):
        latency.setdefault(kind, latency_of(()))
    latency["http"] = latency_of(v for k in HTTP_KINDS for v in samples.get(k, ()))
    latency["ack"] = latency_of(v for k in ACK_KINDS for v in samples.get(k, ()))
    stage = Stage(
        users=users,
        seconds=max(w["seconds"] for w in windows),
        active=sum(w["active"] for w in windows),
        connected=sum(w["connected"] for w in windows),
        actions=_summed(windows, "actions"),
        latency=latency,
        deliveries=_summed(windows, "deliveries"),
        errors=_summed(windows, "errors"),
        agent_cpu_share=max(w["agent"]["cpuShare"] for w in windows),
        agent_loop_lag_p99_ms=max(w["agent"]["loopLagP99Ms"] for w in windows),
    )
    stage.reasons = verdict(stage, criteria)
    stage.healthy = not stage.reasons
    return stage


def verdict(stage: Stage, criteria: Criteria) -> list[str]:
    """Why the stage is unhealthy (empty: healthy)."""
    reasons = []
    bounds = [("delivery", criteria.delivery_p99_ms)]
    bounds += [(kind, criteria.http_p99_ms) for kind in HTTP_KINDS]
    bounds += [(kind, criteria.ack_p99_ms) for kind in ACK_KINDS]
    for kind, bound in bounds:
        if stage.latency[kind].p99 > bound:
            reasons.append(f"{kind} p99 {stage.latency[kind].p99:.0f} ms > {bound:.0f} ms")
    if stage.errors:
        reasons.append(f"{sum(stage.errors.values())} errors")
    if stage.deliveries.get("lost", 0):
        reasons.append(f"{stage.deliveries['lost']} deliveries lost")
    if stage.latency["send"].count == 0:
        reasons.append("no send measured")
    return reasons
