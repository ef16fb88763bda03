"""Ports of push notifications: the queue between the request path and the worker, presence,
and the providers."""

from __future__ import annotations

from typing import Any, Protocol

from services.chat_file.domain.push import SendResult


class PushOutbox(Protocol):
    """The request path's end of the queue: one cheap append per stored message. It never
    raises: a queue that is down loses the push, never the send."""

    def message_stored(self, event: dict[str, Any]) -> None: ...


class PushJobs(Protocol):
    """The worker's side of the queue."""

    def enqueue(self, jobs: list[dict[str, Any]]) -> None: ...

    def already_sent(self, job_id: str) -> bool: ...

    def mark_sent(self, job_id: str) -> None: ...

    def retry_later(self, job: dict[str, Any], delay: float) -> None: ...

    def dead_letter(self, job: dict[str, Any], reason: str) -> None: ...

    def count(self, outcome: str, n: int = 1) -> None: ...


class OnlineUsers(Protocol):
    """Which users have a live socket on any process (`RedisPresence.online`)."""

    def online(self, user_ids: list[str]) -> set[str]: ...


class PushSender(Protocol):
    """One provider (Web Push, FCM): send one notification to one device."""

    def send(self, device: dict[str, Any], notification: dict[str, Any]) -> SendResult: ...
