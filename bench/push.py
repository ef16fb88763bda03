"""Push notification figures (chat_file services in process, SQLite file stores, real Redis).

- push_enqueue_1000_offline_ms: median time for the worker to turn one stored message of a
  1000-member group (every member offline, one Web Push device each) into its 999 jobs on the
  Redis stream: message and conversation loads, one presence pipeline, one settings query,
  one devices query, the badge per recipient, one pipelined enqueue.
- push_enqueue_1000_jobs: how many jobs that made (count; 999 expected).
- send_with_push_vs_without: messages sent per second by `MessageService.send` with the push
  outbox on, over the same with it off (two services on the same stores, interleaved rounds,
  same run, ABBA order). Only the outbox handoff differs; the target is ≥ 0.9.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from libs.servicekit.settings import DEV_JWT_SECRET
from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.conversations.domain.model import Conversation, ConversationType
from services.chat_file.kernel.identity import Identity
from services.chat_file.push.domain.devices import Device, Platform, new_device_id
from services.chat_file.push.settings import PushSettings
from services.chat_file.push_worker import build_worker
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import ChatStores, open_sql_stores
from tests.unit.chat_file.fakes import FakeProfileCache, FakeProfileSource, profile

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
MEMBERS = 1000
FANOUT_RUNS = 5
ROUNDS = 16
SECONDS_PER_ROUND = 0.75
KEYS = {"p256dh": "B" * 87, "auth": "A" * 22}


def run() -> dict[str, float | int]:
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"bench:push:{uuid.uuid4().hex[:8]}:"
    with tempfile.TemporaryDirectory() as tmp:
        stores = open_sql_stores(f"sqlite:///{Path(tmp) / 'chat.db'}")
        try:
            figures = _fanout_figures(stores, client, prefix)
            figures["send_with_push_vs_without"] = _send_ratio(stores, client, prefix)
        finally:
            stores.close()
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
    return figures


def _services(stores: ChatStores, client: redis.Redis, prefix: str, push: bool) -> ChatServices:
    users = {f"m{n:04d}": profile(f"m{n:04d}", "Agent", str(n)) for n in range(MEMBERS)}
    settings = Settings(
        app_env="test",
        jwt_secret=DEV_JWT_SECRET,
        redis_key_prefix=prefix,
        push=PushSettings(enabled=push),
    )
    return build(
        settings,
        stores=stores,
        redis=client,
        cache=FakeProfileCache(),
        auth_client=FakeProfileSource(users),
    )


def _fanout_figures(stores: ChatStores, client: redis.Redis, prefix: str) -> dict[str, Any]:
    chat = _services(stores, client, prefix, push=True)
    members = [f"m{n:04d}" for n in range(MEMBERS)]
    now = datetime.now(UTC)
    group = stores.conversations.create(
        Conversation(
            "", ConversationType.GROUP, members, [members[0]], members[0], now, now, "Tous"
        )
    )
    for user in members[1:]:
        endpoint = f"https://fcm.googleapis.com/fcm/send/{user}"
        stores.devices.register(
            Device(new_device_id(), user, Platform.WEBPUSH, endpoint, user, "", now, dict(KEYS))
        )
    worker = build_worker(chat.settings, chat)
    worker.queue.ensure_groups()
    timings, jobs = [], 0
    for n in range(FANOUT_RUNS):
        sent, _ = chat.conversations_bundle.sending.send(
            Identity(members[0], None), conversation_id=group.id, content=f"Note {n}"
        )
        event = {"messageId": sent.message.id, "conversationId": group.id, "senderId": members[0]}
        started = time.perf_counter()
        made = worker.fanout.jobs_for(event)
        worker.queue.enqueue(made)
        timings.append((time.perf_counter() - started) * 1000)
        jobs = len(made)
    return {
        "push_enqueue_1000_offline_ms": round(statistics.median(timings), 1),
        "push_enqueue_1000_jobs": jobs,
    }


def _send_ratio(stores: ChatStores, client: redis.Redis, prefix: str) -> float:
    with_push = _services(stores, client, f"{prefix}on:", push=True)
    without = _services(stores, client, f"{prefix}off:", push=False)
    assert with_push.adapters.push_queue is not None and without.adapters.push_queue is None
    alice, bob = Identity("m0001", None), "m0002"
    rates: dict[bool, list[float]] = {True: [], False: []}
    for n in range(ROUNDS * 2):
        push = n % 4 in (0, 3)  # ABBA order: drift on a shared machine hits both alike
        service = (with_push if push else without).messages
        rates[push].append(_sends_per_second(service, alice, bob))
    return round(statistics.median(rates[True]) / statistics.median(rates[False]), 3)


def _sends_per_second(service: Any, user: Identity, receiver: str) -> float:
    count, started = 0, time.perf_counter()
    deadline = started + SECONDS_PER_ROUND
    while time.perf_counter() < deadline:
        service.send(user, receiver_id=receiver, content="Bonjour")
        count += 1
    return count / (time.perf_counter() - started)
