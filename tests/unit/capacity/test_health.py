"""The capacity harness's verdict on a stage (bench/capacity/health.py), from agents' windows."""

from __future__ import annotations

from typing import Any

from bench.capacity.health import percentile, summarize
from bench.capacity.settings import Criteria


def window(**changes: Any) -> dict[str, Any]:
    """One agent's window as bench/capacity/agent/window.js reports it: a quiet healthy one."""
    body: dict[str, Any] = {
        "seconds": 60.0,
        "latencies": {
            "delivery": [20.0] * 100,
            "page": [30.0] * 50,
            "read": [25.0] * 50,
            "list": [40.0] * 10,
            "connect": [50.0],
            "send": [15.0] * 10,
        },
        "actions": {"switch": 50, "send": 10},
        "errors": {},
        "deliveries": {"delivered": 100, "lost": 0, "excused": 2, "late": 0},
        "agent": {"cpuShare": 0.2, "loopLagP99Ms": 5.0},
        "active": 100,
        "connected": 100,
    }
    body.update(changes)
    return body


def test_a_quiet_stage_is_healthy_and_sums_every_agent() -> None:
    stage = summarize(200, [window(), window()], Criteria())
    assert stage.healthy, stage.reasons
    assert stage.active == 200
    assert stage.deliveries == {"delivered": 200, "lost": 0, "excused": 4, "late": 0}
    assert stage.actions == {"switch": 100, "send": 20}
    assert stage.latency["delivery"].count == 200
    assert stage.latency["http"].count == 2 * (50 + 50 + 10 + 1)
    assert stage.latency["ack"].p99 == 15.0
    assert stage.sends_per_s == 20 / 60
    assert not stage.generator_saturated


def test_a_slow_tail_in_one_agent_makes_the_stage_unhealthy() -> None:
    slow = window(latencies={**window()["latencies"], "delivery": [20.0] * 90 + [1500.0] * 10})
    stage = summarize(200, [window(), slow], Criteria())
    assert not stage.healthy
    assert stage.reasons == ["delivery p99 1500 ms > 1000 ms"]


def test_every_http_kind_and_ack_has_its_own_bound() -> None:
    slow = {**window()["latencies"], "read": [1200.0] * 50, "send": [300.0] * 10}
    stage = summarize(100, [window(latencies=slow)], Criteria(ack_p99_ms=250))
    assert stage.reasons == ["read p99 1200 ms > 1000 ms", "send p99 300 ms > 250 ms"]


def test_one_error_or_one_lost_delivery_is_enough() -> None:
    failed = window(errors={"connect:STORE_UNAVAILABLE": 1})
    lost = window(deliveries={"delivered": 99, "lost": 1, "excused": 0, "late": 0})
    assert summarize(100, [failed], Criteria()).reasons == ["1 errors"]
    assert summarize(100, [lost], Criteria()).reasons == ["1 deliveries lost"]


def test_a_stage_without_a_send_measured_nothing() -> None:
    quiet = window(latencies={"page": [10.0]})
    assert "no send measured" in summarize(20, [quiet], Criteria()).reasons


def test_a_busy_agent_flags_the_stage_without_judging_it() -> None:
    busy = window(agent={"cpuShare": 0.95, "loopLagP99Ms": 12.0})
    stage = summarize(100, [busy], Criteria())
    assert stage.generator_saturated
    assert stage.healthy


def test_percentile_is_the_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 0.99) == 99.0
    assert percentile(ordered, 0.5) == 50.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.99) == 0.0
