"""Fakes of the chat core's ports (cache, auth_user, notifier, attachments) and token helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import jwt

from libs.servicekit.settings import DEV_JWT_SECRET
from libs.usercache import CachedUser
from services.chat_file.bootstrap import encode_events as encode
from services.chat_file.users.application.ports import ProfileSourceError


class FakeProfileCache:
    """In-memory `UserCache`: counts calls (each is one round trip in the real one)."""

    def __init__(self) -> None:
        self.data: dict[str, CachedUser] = {}
        self.reads = 0
        self.writes = 0
        self.down = False

    def get_many(self, user_ids: Iterable[str]) -> dict[str, CachedUser]:
        self.reads += 1
        if self.down:
            return {}
        return {u: self.data[u] for u in user_ids if u in self.data}

    def set_many(self, profiles: Iterable[CachedUser]) -> None:
        users = list(profiles)
        if not users:
            return
        self.writes += 1
        if not self.down:
            self.data.update({u.id: u for u in users})

    def delete(self, *user_ids: str) -> int:
        return sum(self.data.pop(u, None) is not None for u in user_ids)


def _made_up(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "matricule": f"M{user_id[:6]}", "nom": "Nom", "prenom": user_id[:4]}


class FakeProfileSource:
    """auth_user's batch endpoint: `users` by id; `failing` raises; `delay` slows each call;
    `everyone` makes up a profile for any id not in `users` (tests that build groups of fresh
    ids: a group's members must exist)."""

    def __init__(
        self, users: Mapping[str, Mapping[str, Any]] | None = None, *, everyone: bool = False
    ) -> None:
        self.users = dict(users or {})
        self.everyone = everyone
        self.calls: list[list[str]] = []
        self.failing = False
        self.delay = 0.0
        self._lock = threading.Lock()

    def fetch_many(self, user_ids: list[str]) -> dict[str, Mapping[str, Any]]:
        with self._lock:
            self.calls.append(list(user_ids))
        if self.delay:
            time.sleep(self.delay)
        if self.failing:
            raise ProfileSourceError("auth_user down (fake)")
        if self.everyone:
            return {u: self.users.get(u) or _made_up(u) for u in user_ids}
        return {u: self.users[u] for u in user_ids if u in self.users}

    def fetch_by_matricules(self, matricules: list[str]) -> dict[str, Mapping[str, Any]]:
        with self._lock:
            self.calls.append([f"matricule:{m}" for m in matricules])
        if self.failing:
            raise ProfileSourceError("auth_user down (fake)")
        wanted = set(matricules)
        return {u["matricule"]: u for u in self.users.values() if u.get("matricule") in wanted}

    def ping(self) -> bool:
        return not self.failing


def profile(user_id: str, prenom: str = "Jean", nom: str = "Dupont") -> dict[str, Any]:
    return {"id": user_id, "prenom": prenom, "nom": nom, "matricule": f"MAT-{user_id}"}


class RecordingNotifier:
    """Records each event with its payload in the wire shape sockets carry (the encoder the
    composition root gives the real notifier)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], list[str]]] = []

    def notify(self, event: str, payload: object, user_ids: list[str]) -> None:
        self.events.append((event, encode(event, payload), user_ids))

    def names(self) -> list[str]:
        return [e[0] for e in self.events]


class FakeAttachmentResolver:
    def __init__(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}
        self.links: list[tuple[str, str]] = []
        self.unlinked: list[tuple[str, str]] = []

    def link(self, file_id: str, conversation_id: str) -> None:
        self.links.append((file_id, conversation_id))

    def unlink(self, file_id: str, conversation_id: str) -> None:
        self.unlinked.append((file_id, conversation_id))

    def resolve(self, file_id: str, user_id: str, conversation_id: str) -> dict[str, Any] | None:
        file = self.files.get(file_id)
        if file is None or file.get("uploadedBy") not in (None, user_id):
            return None
        return file


def token(user_id: str | None = "alice", secret: str = DEV_JWT_SECRET, **claims: Any) -> str:
    payload: dict[str, Any] = {"type": "access", "exp": int(time.time()) + 600, "jti": "x"}
    if user_id is not None:
        payload["id"] = user_id
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, secret, algorithm="HS256")


def bearer(user_id: str = "alice", **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user_id, **claims)}"}
