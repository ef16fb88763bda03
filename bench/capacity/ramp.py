"""One topology measured: seed, start, (storm), ramp the users until health fails.

Stages follow Mattermost's coordinator, simplified to a staircase: each stage adds users
(connected evenly over `spread_seconds`), lets them settle for `warmup_seconds`, then measures
`window_seconds`. The first unhealthy stage ends the ramp; the supported users are those of the
last healthy stage. After the ramp every agent stops acting and waits for the deliveries still
due: any lost then, or any error, counts against the last stage. When asked, a reconnect storm
comes first, on the freshly started processes (as after a deploy), and the ramp waits until the
chat_file processes are idle again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.capacity.agents import Agents
from bench.capacity.cpu import ProcessTreeCpu
from bench.capacity.health import Stage, latency_of, stage_from_dict, summarize
from bench.capacity.population import Population
from bench.capacity.seed import SeedCounts, seed
from bench.capacity.settings import RunSettings
from bench.capacity.topology import Topology

Log = Callable[[str], None]
QUIET_CORES = 0.15  # a chat_file process using less than this is taken as idle


@dataclass
class TopologyResult:
    topology: str
    seeded: SeedCounts
    stages: list[Stage] = field(default_factory=list)
    storm: dict[str, Any] | None = None

    @property
    def health_point(self) -> Stage | None:
        """The last healthy stage before the first unhealthy one."""
        point = None
        for stage in self.stages:
            if not stage.healthy:
                break
            point = stage
        return point

    @property
    def supported_users(self) -> int:
        return self.health_point.users if self.health_point else 0

    @property
    def ramp_ended_healthy(self) -> bool:
        """True when even the largest stage was healthy: the capacity is above the ramp."""
        return bool(self.stages) and all(stage.healthy for stage in self.stages)

    def as_dict(self) -> dict[str, Any]:
        point = self.health_point
        return {
            "topology": self.topology,
            "supported_users": self.supported_users,
            "ramp_ended_healthy": self.ramp_ended_healthy,
            "health_point": point.as_dict() if point else None,
            "seeded": vars(self.seeded),
            "stages": [stage.as_dict() for stage in self.stages],
            "storm": self.storm,
        }


def result_from_dict(body: Mapping[str, Any]) -> TopologyResult:
    """A topology's result read back from report.json (to draw its curves again)."""
    return TopologyResult(
        body["topology"],
        SeedCounts(**body["seeded"]),
        [stage_from_dict(stage) for stage in body["stages"]],
        body["storm"],
    )


def measure(
    topology: Topology,
    settings: RunSettings,
    redis_url: str,
    cache_prefix: str,
    run_dir: Path,
    log: Log = print,
) -> TopologyResult:
    population = Population(settings.population_size, settings.group_size)
    with topology.databases() as databases:
        seeded = seed(
            databases.auth,
            databases.chat,
            redis_url,
            cache_prefix,
            population,
            settings.group_history,
            settings.private_history,
        )
        log(
            f"[{topology.name}] seeded {seeded.users} users, {seeded.conversations} "
            f"conversations, {seeded.messages} messages in {seeded.seconds:.1f} s"
        )
        result = TopologyResult(topology.name, seeded)
        try:
            agents = Agents(population, settings, topology.start(databases), run_dir)
            try:
                if settings.storm_sockets:
                    result.storm = reconnect_storm(agents, settings)
                    log(f"[{topology.name}] storm: {result.storm}")
                    wait_quiet(topology, log)
                result.stages = ramp(agents, settings, topology, log)
            finally:
                agents.close()
        finally:
            topology.stop()
    return result


def reconnect_storm(agents: Agents, settings: RunSettings) -> dict[str, Any]:
    """`storm_sockets` seeded users' sockets opened evenly over `storm_seconds`."""
    answers = agents.storm(
        settings.storm_sockets, settings.storm_seconds, settings.storm_timeout_seconds
    )
    refused: dict[str, int] = {}
    for answer in answers:
        for code, count in answer["refused"].items():
            refused[code] = refused.get(code, 0) + count
    connect = latency_of(ms for answer in answers for ms in answer["connectMs"])
    storm = {
        "sockets": settings.storm_sockets,
        "seconds": settings.storm_seconds,
        "connected": sum(a["connected"] for a in answers),
        "refused": refused,
        "timed_out": sum(a["timedOut"] for a in answers),
        "not_connected": sum(refused.values()) + sum(a["timedOut"] for a in answers),
        "connect_ms": vars(connect),
        "took_seconds": round(max(a["seconds"] for a in answers), 1),
    }
    return storm


def wait_quiet(topology: Topology, log: Log, timeout: float = 120.0) -> None:
    """Until every chat_file process is nearly idle (the storm's disconnects handled), so the
    ramp does not start on a server still busy with them."""
    cpu = ProcessTreeCpu(topology.chat_pids())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(2)
        if all(share["used"] < QUIET_CORES for share in cpu.share()):
            return
    log(f"[{topology.name}] still busy {timeout:.0f} s after the storm; ramping anyway")


def ramp(agents: Agents, settings: RunSettings, topology: Topology, log: Log) -> list[Stage]:
    stages: list[Stage] = []
    for users in settings.stages:
        agents.add(users - agents.started, settings.spread_seconds)
        time.sleep(settings.spread_seconds + settings.warmup_seconds)
        agents.command({"cmd": "window"})  # the settling period: not measured
        cpu = ProcessTreeCpu(topology.chat_pids())
        time.sleep(settings.window_seconds)
        stage = summarize(users, agents.command({"cmd": "window"}), settings.criteria)
        stage.server_cpu = cpu.share()
        stages.append(stage)
        log(f"[{topology.name}] {_line(stage)}")
        if not stage.healthy:
            break
    drain_ms = settings.lost_after_ms
    tail = agents.command({"cmd": "drain", "timeoutMs": drain_ms}, timeout=drain_ms / 1000 + 60)
    if stages:
        _count_tail(stages[-1], tail)
    return stages


def _count_tail(stage: Stage, windows: list[Mapping[str, Any]]) -> None:
    """Deliveries lost and errors seen after the last window belong to the last stage."""
    lost = sum(w["deliveries"]["lost"] for w in windows)
    errors = sum(sum(w["errors"].values()) for w in windows)
    if lost:
        stage.deliveries["lost"] = stage.deliveries.get("lost", 0) + lost
        stage.reasons.append(f"{lost} deliveries lost after the window")
    if errors:
        stage.reasons.append(f"{errors} errors after the window")
    stage.healthy = not stage.reasons


def _line(stage: Stage) -> str:
    lat = stage.latency
    verdict = "healthy" if stage.healthy else "UNHEALTHY: " + "; ".join(stage.reasons)
    return (
        f"{stage.users:5d} users  delivery p99 {lat['delivery'].p99:7.0f} ms  "
        f"http p99 {lat['http'].p99:6.0f} ms  ack p99 {lat['ack'].p99:6.0f} ms  "
        f"{stage.sends_per_s:6.1f} sends/s {stage.deliveries_per_s:7.1f} deliveries/s  "
        f"chat_file cpu {_cores(stage, 'used')} (waited {_cores(stage, 'waited')})  "
        f"agent cpu {stage.agent_cpu_share:.2f}  {verdict}"
    )


def _cores(stage: Stage, key: str) -> str:
    return "+".join(f"{cpu[key]:.2f}" for cpu in stage.server_cpu)
