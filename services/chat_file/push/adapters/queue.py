"""`RedisPushQueue`: the durable push queue on Redis streams, shared by every process.

Keys (under `<prefix>push:`):
- `events` (stream): one entry per stored message, appended by the request path's
  `BufferedOutbox`.
- `jobs` (stream): one entry per (message, device), appended by the worker's fan-out.
  Both streams are read by the consumer group `workers`; an entry is acknowledged once it is
  settled, so a worker that dies mid-way leaves it pending and another claims it later
  (`claim_stale`): at-least-once.
- `retry` (sorted set): jobs waiting for their next attempt, scored by due time; `release_due`
  moves the due ones back to `jobs` atomically (Lua).
- `sent:<jobId>` (string, 7 days): the dedupe mark of a delivered (message, device).
- `dead` (stream, capped): jobs given up on, with the reason.
- `stats` (hash): counters `fanned_out` (messages), `enqueued` (jobs), `sent`, `retried`,
  `failed`, `token_deleted`, `dead_letter`, read by `/metrics` of any process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import redis

GROUP = "workers"
SENT_TTL = 7 * 24 * 3600
STREAM_CAP = 1_000_000
DEAD_CAP = 100_000
RELEASE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, job in ipairs(due) do
  redis.call('ZREM', KEYS[1], job)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'job', job)
end
return #due
"""
Entry = tuple[str, str, dict[str, Any]]  # (stream kind "events"|"jobs", entry id, data)


class RedisPushQueue:
    def __init__(
        self, client: redis.Redis, *, prefix: str = "", clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = client
        self.prefix = f"{prefix}push:"
        self._clock = clock
        self._release: Any = None  # the Lua script, registered on first use

    def key(self, name: str) -> str:
        return self.prefix + name

    # request path (through BufferedOutbox) ----------------------------------------------
    def append_events(self, events: list[dict[str, Any]]) -> None:
        """Append stored-message events in one pipelined round trip."""
        pipe = self._redis.pipeline(transaction=False)
        for event in events:
            fields: dict[Any, Any] = {"event": json.dumps(event)}
            pipe.xadd(self.key("events"), fields, maxlen=STREAM_CAP, approximate=True)
        pipe.execute()

    # worker side ------------------------------------------------------------------------
    def ensure_groups(self) -> None:
        for name in ("events", "jobs"):
            try:
                self._redis.xgroup_create(self.key(name), GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    def read(self, consumer: str, count: int, block_ms: int) -> list[Entry]:
        """New entries of both streams for this consumer (waits up to `block_ms`)."""
        streams: dict[Any, Any] = {self.key("events"): ">", self.key("jobs"): ">"}
        answer: Any = self._redis.xreadgroup(GROUP, consumer, streams, count=count, block=block_ms)
        return [entry for stream, rows in answer or [] for entry in self._decode(stream, rows)]

    def claim_stale(self, consumer: str, idle_ms: int, count: int = 100) -> list[Entry]:
        """Entries another consumer read but never acknowledged within `idle_ms`."""
        claimed: list[Entry] = []
        for name in ("events", "jobs"):
            answer = self._redis.xautoclaim(
                self.key(name), GROUP, consumer, idle_ms, "0-0", count=count
            )
            claimed += self._decode(self.key(name), answer[1])
        return claimed

    def ack(self, kind: str, entry_id: str) -> None:
        """Settled: acknowledged and removed (the streams hold only unsettled work)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.xack(self.key(kind), GROUP, entry_id)
        pipe.xdel(self.key(kind), entry_id)
        pipe.execute()

    def enqueue(self, jobs: list[dict[str, Any]]) -> None:
        if not jobs:
            return
        pipe = self._redis.pipeline(transaction=False)
        for item in jobs:
            pipe.xadd(
                self.key("jobs"), {"job": json.dumps(item)}, maxlen=STREAM_CAP, approximate=True
            )
        pipe.hincrby(self.key("stats"), "enqueued", len(jobs))
        pipe.execute()

    def release_due(self, limit: int = 500) -> int:
        if self._release is None:
            self._release = self._redis.register_script(RELEASE_DUE)
        keys = [self.key("retry"), self.key("jobs")]
        return int(self._release(keys=keys, args=[self._clock(), limit, STREAM_CAP]))

    def already_sent(self, job_id: str) -> bool:
        return bool(self._redis.exists(self.key(f"sent:{job_id}")))

    def mark_sent(self, job_id: str) -> None:
        self._redis.set(self.key(f"sent:{job_id}"), "1", ex=SENT_TTL)

    def retry_later(self, job: dict[str, Any], delay: float) -> None:
        self._redis.zadd(self.key("retry"), {json.dumps(job): self._clock() + delay})

    def dead_letter(self, job: dict[str, Any], reason: str) -> None:
        pipe = self._redis.pipeline(transaction=False)
        fields: dict[Any, Any] = {"job": json.dumps(job), "reason": reason}
        pipe.xadd(self.key("dead"), fields, maxlen=DEAD_CAP, approximate=True)
        pipe.hincrby(self.key("stats"), "dead_letter", 1)
        pipe.execute()

    def count(self, outcome: str, n: int = 1) -> None:
        self._redis.hincrby(self.key("stats"), outcome, n)

    # metrics ----------------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        raw = self._redis.hgetall(self.key("stats"))
        return {_text(k): int(v) for k, v in raw.items()}

    def depths(self) -> dict[str, int]:
        pipe = self._redis.pipeline(transaction=False)
        pipe.xlen(self.key("events"))
        pipe.xlen(self.key("jobs"))
        pipe.zcard(self.key("retry"))
        pipe.xlen(self.key("dead"))
        events, jobs, retry, dead = pipe.execute()
        return {"events": events, "jobs": jobs, "retry": retry, "dead": dead}

    def _decode(self, stream: Any, rows: list[Any]) -> list[Entry]:
        kind = _text(stream).removeprefix(self.prefix)
        field = "event" if kind == "events" else "job"
        decoded: list[Entry] = []
        for entry_id, fields in rows:
            if not fields:  # trimmed away while pending
                continue
            data = fields.get(field.encode()) or fields.get(field)
            decoded.append((kind, _text(entry_id), json.loads(data)))
        return decoded


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
