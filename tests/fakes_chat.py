"""A fake auth_user over real HTTP (POST /batch, GET /<id>, GET /health) for chat_file tests/bench.

Runs a threaded werkzeug server on a loopback port; counts calls; `stop()`/`start()` keep the
port so a client pointed at it sees the service go away and come back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.serving import BaseWSGIServer, make_server

from tests.support.servers import free_port


class FakeAuthUserServer:
    def __init__(self, users: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.users: dict[str, Mapping[str, Any]] = dict(users or {})
        self.batch_calls: list[list[str]] = []
        self.request_ids: list[str | None] = []
        self.delay = 0.0
        self.fail_next: list[int] = []  # statuses the next batch calls answer instead of 200
        self.port = free_port()
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def calls(self) -> int:
        return len(self.batch_calls)

    def start(self) -> FakeAuthUserServer:
        self._server = make_server("127.0.0.1", self.port, self._app(), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _app(self) -> Flask:
        app = Flask("fake_auth_user")

        @app.get("/health")
        def health() -> Any:
            return jsonify({"status": "ok"})

        @app.post("/batch")
        def batch() -> Any:
            ids = [str(i) for i in (request.get_json(silent=True) or {}).get("ids", [])]
            with self._lock:
                self.batch_calls.append(ids)
                self.request_ids.append(request.headers.get("X-Request-ID"))
                failure = self.fail_next.pop(0) if self.fail_next else None
            if failure:
                return jsonify({"success": False, "message": "indisponible"}), failure
            if self.delay:
                time.sleep(self.delay)
            users = [self.users[i] for i in ids if i in self.users]
            missing = [i for i in ids if i not in self.users]
            return jsonify({"users": users, "count": len(users), "missing": missing})

        return app


def demo_profile(user_id: str, n: int = 0) -> dict[str, Any]:
    """What auth_user returns for a user (`GET /<id>`, batch entries)."""
    return {
        "_id": user_id,
        "id": user_id,
        "matricule": f"MAT{n:04d}",
        "nom": f"Nom{n}",
        "prenom": "Agent",
        "profile_pic": None,
        "email": f"agent{n}@example.gov",
        "ministere": "MINFI",
        "sexe": "M",
    }


def seed_conversation(services: Any, user_ids: list[str], messages: int = 50) -> str:
    """A group of `user_ids` (first is admin) with `messages` messages from all of them."""
    from services.chat_file.kernel.identity import Identity

    def who(uid: str) -> Identity:
        return Identity(user_id=uid, matricule=None)

    created, _ = services.conversations.create(
        who(user_ids[0]), "GROUP", name="Bench", members=user_ids[1:]
    )
    cid, sending = created.conversation.id, services.conversations_bundle.sending
    for n in range(messages):
        sender = who(user_ids[n % len(user_ids)])
        sending.send(sender, conversation_id=cid, content=f"message {n}")
    return str(cid)
