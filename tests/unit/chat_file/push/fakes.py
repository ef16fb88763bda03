"""Fakes of the push ports (application/push_ports.py) for unit tests of the push services."""

from __future__ import annotations

from typing import Any

from services.chat_file.push.domain.notifications import Outcome, SendResult


class FakeResolver:
    """The egress guard's resolver over a table of names (an unknown name does not resolve)."""

    def __init__(self, names: dict[str, list[str]] | None = None) -> None:
        self.names = dict(names or {})

    def resolve(self, host: str, port: int) -> list[str]:
        if host not in self.names:
            raise OSError("NXDOMAIN")
        return self.names[host]


# What the push unit tests resolve: a real push service host, and hosts that must be refused.
PUSH_NAMES = {
    "fcm.googleapis.com": ["142.250.75.234"],
    "updates.push.services.mozilla.com": ["34.107.221.82"],
    "evil.example": ["93.184.216.34"],
    "rebind.fcm.googleapis.com": ["10.0.0.7"],  # an allowed name answering a private address
}


class FakeOutbox:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def message_stored(self, event: dict[str, Any]) -> None:
        self.events.append(event)


class FakePushJobs:
    def __init__(self) -> None:
        self.jobs: list[dict[str, Any]] = []
        self.sent: set[str] = set()
        self.retries: list[tuple[dict[str, Any], float]] = []
        self.dead: list[tuple[dict[str, Any], str]] = []
        self.counts: dict[str, int] = {}

    def enqueue(self, jobs: list[dict[str, Any]]) -> None:
        self.jobs.extend(jobs)

    def already_sent(self, job_id: str) -> bool:
        return job_id in self.sent

    def mark_sent(self, job_id: str) -> None:
        self.sent.add(job_id)

    def retry_later(self, job: dict[str, Any], delay: float) -> None:
        self.retries.append((job, delay))

    def dead_letter(self, job: dict[str, Any], reason: str) -> None:
        self.dead.append((job, reason))

    def count(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + n


class FakeOnlineUsers:
    def __init__(self, *online: str) -> None:
        self.users = set(online)

    def online(self, user_ids: list[str]) -> set[str]:
        return self.users & set(user_ids)


class FakeSender:
    """Answers with the scripted results in order (then SENT); records what it was given."""

    def __init__(self, *results: SendResult | Exception) -> None:
        self.results = list(results)
        self.sent: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def send(self, device: dict[str, Any], notification: dict[str, Any]) -> SendResult:
        self.sent.append((device, notification))
        result = self.results.pop(0) if self.results else SendResult(Outcome.SENT, 201)
        if isinstance(result, Exception):
            raise result
        return result
