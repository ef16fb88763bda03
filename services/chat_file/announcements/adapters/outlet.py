"""How announcements leave the process: `SocketIOAnnouncementOutlet` emits `announcement:new`
once to the unit rooms and the named agents' rooms; `RedisPushPages` appends one entry per page
of recipients to a capped Redis stream (`<prefix>push:announcements`)."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from ..domain.model import Announcement

STREAM = "push:announcements"
STREAM_CAP = 10_000  # pages kept (MAXLEN ~): the stream never grows without bound


def announcement_payload(announcement: Announcement) -> dict[str, Any]:
    return {
        "id": announcement.id,
        "broadcastId": announcement.broadcast_id,
        "senderId": announcement.sender_id,
        "content": announcement.content,
        "priority": announcement.priority.value,
        "requestAck": announcement.request_ack,
        "createdAt": announcement.created_at.isoformat(),
    }


class SocketIOAnnouncementOutlet:
    def __init__(self, socketio: Any) -> None:
        self._socketio = socketio

    def live(self, announcement: Announcement, rooms: list[str], agents: list[str]) -> None:
        targets = rooms + [f"user_{agent}" for agent in agents]
        if targets and self._socketio.server is not None:
            self._socketio.emit("announcement:new", announcement_payload(announcement), to=targets)


class RedisPushPages:
    def __init__(self, client: Redis, prefix: str = "") -> None:
        self._client = client
        self.stream = prefix + STREAM

    def push(self, announcement: Announcement, user_ids: list[str]) -> None:
        entry = {
            "announcement": json.dumps(announcement_payload(announcement)),
            "users": ",".join(user_ids),
        }
        self._client.xadd(self.stream, entry, maxlen=STREAM_CAP, approximate=True)  # type: ignore[arg-type]
