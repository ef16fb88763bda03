"""The push context's part of a composition root: the queue and this process's outbox, the
device and notification settings use cases, the providers and the worker loop, from the
configuration the root passes (chat_file's `Settings` has every field `PushConfig` names)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import redis

from libs.egress import EgressGuard, EgressSettings, GuardedSession, Resolver
from services.chat_file.conversations.facade import MessageLookup, Participation
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.push.adapters.fcm import FcmSender
from services.chat_file.push.adapters.queue import RedisPushQueue
from services.chat_file.push.adapters.webpush import WebPushSender
from services.chat_file.push.application.bundle import PushServices
from services.chat_file.push.application.delivery import PushDelivery
from services.chat_file.push.application.devices import DeviceService
from services.chat_file.push.application.fanout import PushFanout
from services.chat_file.push.application.notify_prefs import NotificationSettingsService
from services.chat_file.push.application.ports import (
    DeviceStore,
    NotificationSettingsStore,
    OnlineUsers,
    PushSender,
)
from services.chat_file.push.settings import PushSettings
from services.chat_file.push.worker import PushWorker
from services.chat_file.users.application.directory import UserDirectory


class PushConfig(Protocol):
    @property
    def push(self) -> PushSettings: ...
    @property
    def redis_key_prefix(self) -> str: ...
    @property
    def egress(self) -> EgressSettings: ...


def push_guard(config: PushConfig, resolver: Resolver | None = None) -> EgressGuard:
    """The egress guard of Web Push: the push services' hosts, public addresses only (and
    loopback receivers with `EGRESS_ALLOW_LOOPBACK` in development and tests)."""
    return EgressGuard(config.egress.policy(config.push.endpoint_hosts), resolver)


def push_queue(config: PushConfig, client: redis.Redis) -> RedisPushQueue:
    return RedisPushQueue(client, prefix=config.redis_key_prefix)


def wire_push(
    config: PushConfig,
    *,
    devices: DeviceStore,
    notification_settings: NotificationSettingsStore,
    participation: Participation,
    notifier: Notifier,
    clock: Callable[[], datetime] | None = None,
    egress_resolver: Resolver | None = None,
) -> PushServices:
    """A user's push targets and notification settings (changes announced to their devices)."""
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    return PushServices(
        DeviceService(devices, push_guard(config, egress_resolver), **clocked),
        NotificationSettingsService(notification_settings, participation, notifier, **clocked),
        config.push,
    )


def senders_for(config: PushConfig, resolver: Resolver | None = None) -> dict[str, PushSender]:
    """The providers the settings configure (Web Push with a VAPID key, FCM with a project).
    Web Push goes through the egress guard: each send checks the endpoint again and connects
    to the checked address only, no redirects, size and time caps."""
    push = config.push
    senders: dict[str, PushSender] = {}
    if push.webpush_ready:
        senders["webpush"] = WebPushSender(
            push.vapid_private_key,
            push.vapid_subject,
            ttl=push.ttl,
            timeout=push.timeout,
            session=GuardedSession(push_guard(config, resolver)),
            push_hosts=push.endpoint_hosts,
        )
    if push.fcm_ready:
        senders["fcm"] = FcmSender(
            push.fcm_project_id,
            push.fcm_credentials_file,
            endpoint=push.fcm_endpoint,
            ttl=push.ttl,
            timeout=push.timeout,
        )
    return senders


def push_worker(
    config: PushConfig,
    *,
    queue: RedisPushQueue,
    messages: MessageLookup,
    devices: DeviceStore,
    notification_settings: NotificationSettingsStore,
    directory: UserDirectory,
    presence: OnlineUsers,
    senders: dict[str, PushSender],
    blocks: BlockList | None = None,
) -> PushWorker:
    """Fan each stored message out to the offline recipients' devices (not to those who
    blocked the sender), deliver the jobs."""
    push = config.push
    fanout = PushFanout(
        messages, devices, directory, presence, notification_settings, blocks=blocks
    )
    delivery = PushDelivery(
        queue,
        senders,
        devices,
        max_attempts=push.max_attempts,
        retry_base=push.retry_base_seconds,
        retry_cap=push.retry_max_seconds,
    )
    consumer = f"{socket.gethostname()}-{os.getpid()}"
    stale = max(60.0, push.timeout * 3)
    return PushWorker(queue, fanout, delivery, consumer=consumer, stale_seconds=stale)
