"""`/metrics` gauges of push notifications, read from the shared queue (every process and the
worker count into the same Redis hash, so any chat_file process reports the totals)."""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

import redis

from libs.servicekit.observability import Metrics

logger = logging.getLogger(__name__)

Samples = list[tuple[dict[str, str], float]]


class QueueCounters(Protocol):
    """The shared push queue's counters (`RedisPushQueue`)."""

    def stats(self) -> dict[str, int]: ...

    def depths(self) -> dict[str, int]: ...


@runtime_checkable
class BufferedEvents(Protocol):
    """This process's outbox buffer (`BufferedOutbox`); fakes without it report nothing."""

    dropped: int

    def pending(self) -> int: ...


def install_push_metrics(metrics: Metrics, queue: QueueCounters | None, outbox: object) -> None:
    if queue is None:
        return

    def outcomes() -> Samples:
        try:
            return [({"outcome": k}, float(v)) for k, v in sorted(queue.stats().items())]
        except redis.RedisError:
            logger.warning("push counters unavailable for /metrics")
            return []

    def depths() -> Samples:
        try:
            return [({"queue": k}, float(v)) for k, v in queue.depths().items()]
        except redis.RedisError:
            return []

    metrics.gauge(
        "chat_push_notifications",
        "Push notifications by outcome since the queue was created "
        "(fanned_out messages; enqueued, sent, retried, failed, dead_letter, token_deleted jobs)",
        outcomes,
    )
    metrics.gauge(
        "chat_push_queue_length",
        "Unsettled entries: events, jobs, retry (waiting), dead (dead letters kept)",
        depths,
    )
    if isinstance(outbox, BufferedEvents):
        _install_outbox_metrics(metrics, outbox)


def _install_outbox_metrics(metrics: Metrics, outbox: BufferedEvents) -> None:
    metrics.gauge(
        "chat_push_outbox_events",
        "This process's events not yet in Redis (pending) or dropped on a full buffer",
        lambda: [
            ({"state": "pending"}, float(outbox.pending())),
            ({"state": "dropped"}, float(outbox.dropped)),
        ],
    )
