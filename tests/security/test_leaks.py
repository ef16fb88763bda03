"""No secret leaves the services: both run under real gunicorn (access and error logs captured
through ServiceProcess.log_path at debug level); a session exercises every credential path, then
every response body and every log line is searched for the passwords, hashes, tokens, CSRF values
and the JWT secret used. Also: a cross-site Socket.IO handshake riding the cookie is refused."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import redis
import requests
import socketio

from tests.support.servers import ServiceProcess

from .conftest import PASSWORD, drop_keys, forge

pytestmark = pytest.mark.e2e

JWT_SECRET = "leak-test-secret-" + uuid.uuid4().hex  # unique: any hit in a log is ours
NEW_PASSWORD = "Nouveau-Mot-2-Passe-" + uuid.uuid4().hex[:6]
WRONG_PASSWORD = "Mauvais-Mot-De-Passe-" + uuid.uuid4().hex[:6]
EVIL = "https://evil.example"


@dataclass
class Pair:
    auth: ServiceProcess
    chat: ServiceProcess
    bodies: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)

    def call(self, method: str, url: str, **kwargs: object) -> requests.Response:
        response = requests.request(method, url, timeout=10, **kwargs)  # type: ignore[arg-type]
        self.bodies.append(response.text)
        return response


@pytest.fixture(scope="module")
def pair(redis_url: str, redis_client: redis.Redis) -> Iterator[Pair]:
    prefix = f"test:leak:{uuid.uuid4().hex[:8]}:"
    common = {
        "APP_ENV": "test",
        "JWT_SECRET": JWT_SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "MONGODB_URI": "",
        "LOG_LEVEL": "debug",
        "ACCESS_LOG": "-",
    }
    auth = ServiceProcess(
        "auth_user",
        {
            **common,
            "SEED_DEMO_USERS": "true",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_COST": "8",
            "PASSWORD_PARALLELISM": "1",
        },
    ).start()
    chat = ServiceProcess(
        "chat_file", {**common, "AUTH_USER_SERVICE_URL": auth.url, "CHAT_ASYNC_MODE": "gevent"}
    )
    try:
        chat.start()
    except Exception:
        auth.stop()
        raise
    yield Pair(auth, chat, secrets={JWT_SECRET, PASSWORD, NEW_PASSWORD, WRONG_PASSWORD})
    chat.stop()
    auth.stop()
    drop_keys(redis_client, prefix)


def exercise(p: Pair) -> None:
    """Every path a credential travels: logins (good, wrong), cookie flow, refresh, password
    change, token validation, chat over Bearer, cookie and query string, sockets."""
    a, c = p.auth.url, p.chat.url
    p.call("POST", f"{a}/login", json={"matricule": "MAT1001", "password": WRONG_PASSWORD})
    p.call("POST", f"{a}/login", json={"matricule": "NOBODY1", "password": WRONG_PASSWORD})
    admin = p.call("POST", f"{a}/login", json={"matricule": "ADMIN001", "password": PASSWORD})
    admin_token = admin.json()["accessToken"]
    p.secrets |= {admin_token, admin.json()["refreshToken"]}
    auth_header = {"Authorization": f"Bearer {admin_token}"}
    made = p.call(
        "POST",
        f"{a}/",
        json={"matricule": "LEAK001", "nom": "L", "prenom": "K", "password": PASSWORD + "x"},
        headers=auth_header,
    )
    p.secrets.add(PASSWORD + "x")
    p.call("PUT", f"{a}/{made.json()['id']}", json={"password": NEW_PASSWORD}, headers=auth_header)
    browser = requests.Session()
    login = browser.post(f"{a}/login", json={"matricule": "LEAK001", "password": NEW_PASSWORD})
    p.bodies.append(login.text)
    p.secrets |= {v for v in browser.cookies.values() if len(v) > 16}
    csrf = {"X-CSRF-TOKEN": browser.cookies["csrf_refresh_token"]}
    refreshed = browser.post(f"{a}/refresh", headers=csrf)
    p.bodies.append(refreshed.text)
    p.secrets |= {refreshed.json()["accessToken"], refreshed.json()["refreshToken"]}
    p.secrets |= {v for v in browser.cookies.values() if len(v) > 16}
    user = login.json()["user"]
    token = refreshed.json()["accessToken"]
    p.call("POST", f"{a}/validate", json={"token": token})
    p.call("GET", f"{a}/{user['id']}", headers=auth_header)
    p.call("GET", f"{a}/all", headers=auth_header)
    p.call("GET", f"{a}/batch", params={"ids": user["id"]}, headers=auth_header)
    sent = p.call(
        "POST",
        f"{c}/messages",
        json={"receiverId": admin.json()["user"]["id"], "content": "bonjour"},
        headers={"Authorization": f"Bearer {token}"},
    )
    cid = sent.json()["data"]["conversationId"]
    p.call("GET", f"{c}/messages", params={"conversationId": cid, "token": token})
    p.call("GET", f"{c}/conversations", cookies={"accessToken": token})
    p.call("GET", f"{c}/conversations", headers={"Authorization": f"Bearer {token}x"})
    client = socketio.Client(reconnection=False)
    client.connect(c, auth={"token": token}, transports=["websocket"], wait_timeout=5)
    p.bodies.append(str(client.call("authenticate", {"token": token}, timeout=5)))
    p.bodies.append(str(client.call("getMessages", {"conversationId": cid}, timeout=5)))
    client.disconnect()
    browser.post(f"{a}/logout", headers={"X-CSRF-TOKEN": browser.cookies["csrf_refresh_token"]})


def _chunked_json(megabytes: int) -> Iterator[bytes]:
    yield b'{"receiverId": "' + b"a" * 24 + b'", "matricule": "X", "content": "'
    for _ in range(megabytes * 16):
        yield b"x" * 65536
    yield b'"}'


def test_oversized_chunked_bodies_without_length_are_refused_early(pair: Pair) -> None:
    """No Content-Length (chunked): the size limit still holds under gunicorn, fast, in JSON."""
    token = requests.post(
        f"{pair.auth.url}/login", json={"matricule": "MAT1002", "password": PASSWORD}, timeout=5
    ).json()["accessToken"]
    for url in (
        f"{pair.chat.url}/messages",
        f"{pair.auth.url}/login",
        f"{pair.chat.url}/files/upload",
    ):
        started = time.monotonic()
        response = requests.post(
            url,
            data=_chunked_json(16),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=30,
        )
        assert 400 <= response.status_code < 500 and response.json()["success"] is False, url
        assert time.monotonic() - started < 5, url
    assert requests.get(f"{pair.chat.url}/health", timeout=5).status_code == 200


def test_no_password_hash_or_token_in_bodies_or_logs(pair: Pair) -> None:
    exercise(pair)
    pair.chat.stop()
    pair.auth.stop()  # flush the logs
    assert len(pair.secrets) >= 10
    token_bodies = [b for b in pair.bodies if '"accessToken"' in b or '"refreshToken"' in b]
    assert len(token_bodies) == 3  # the two logins and the refresh, nothing else
    for body in pair.bodies:
        assert "$argon2" not in body and "password" not in body.lower(), body[:200]
        for secret in {PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, JWT_SECRET}:
            assert secret not in body
    logs = {}
    for process in (pair.auth, pair.chat):
        assert process.log_path is not None
        logs[process.service] = process.log_path.read_text(errors="replace")
    assert "login" in logs["auth_user"] and "/messages" in logs["chat_file"]  # logs were captured
    for service, text in logs.items():
        assert "$argon2" not in text, service
        leaked = [s[:12] + "…" for s in pair.secrets if s in text]
        assert leaked == [], f"{service} log contains {leaked}"


def test_cross_site_socket_handshake_with_the_cookie_is_refused(redis_url: str) -> None:
    prefix = f"test:leak:{uuid.uuid4().hex[:8]}:"
    env = {
        "APP_ENV": "test",
        "JWT_SECRET": JWT_SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",
        "ACCESS_LOG": "/dev/null",
    }
    chat = ServiceProcess("chat_file", env).start()
    try:
        cookie = {"Cookie": f"accessToken={forge(secret=JWT_SECRET)}"}
        # long-polling: the websocket client would add an Origin of its own next to ours
        hijack = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            hijack.connect(
                chat.url,
                headers={**cookie, "Origin": EVIL},
                transports=["polling"],
                wait_timeout=5,
            )
        own = socketio.Client(reconnection=False)
        own.connect(
            chat.url,
            headers={**cookie, "Origin": chat.url},
            transports=["polling"],
            wait_timeout=5,
        )
        assert own.connected
        own.disconnect()
    finally:
        chat.stop()
        drop_keys(redis.Redis.from_url(redis_url), prefix)
