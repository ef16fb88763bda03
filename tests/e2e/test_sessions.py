"""Sessions end when they should, across real processes: auth_user (gunicorn gthread) revokes,
chat_file (gevent, and eventlet) refuses the token over HTTP and closes the live socket with
`session:revoked`, within a second (bounded waits, never sleeps)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.realtime_support import (
    ASYNC_MODES,
    JWT_SECRET,
    Probe,
    chat_env,
    chat_process,
    new_user,
    token_for,
)
from tests.support.servers import ServiceProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "Ngomna2026!"
REVOCATION_BOUND_S = 1.0  # the promise: every process refuses a revoked token within 1 s


def auth_env(prefix: str, redis_url: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "JWT_SECRET": JWT_SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SEED_DEMO_USERS": "true",
        "MONGODB_URI": "",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOGIN_MAX_ATTEMPTS_PER_IP": "100000",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
    }


@pytest.fixture(scope="module")
def auth_user(module_key_prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    process = ServiceProcess("auth_user", auth_env(module_key_prefix, redis_url)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module", params=ASYNC_MODES)
def chat(
    request: pytest.FixtureRequest, module_key_prefix: str, redis_url: str, auth_user: Any
) -> Iterator[ServiceProcess]:
    env = chat_env(module_key_prefix, redis_url, request.param)
    process = chat_process({**env, "AUTH_USER_SERVICE_URL": auth_user.url}).start()
    yield process
    process.stop()


@pytest.fixture
def sockets(chat: ServiceProcess) -> Iterator[list[Probe]]:
    opened: list[Probe] = []
    yield opened
    for probe in opened:
        probe.close()


def login(auth_user: ServiceProcess, matricule: str, password: str = PASSWORD) -> dict[str, Any]:
    response = requests.post(
        f"{auth_user.url}/login", json={"matricule": matricule, "password": password}, timeout=5
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def chat_status(chat: ServiceProcess, token: str) -> tuple[int, str | None]:
    response = requests.get(f"{chat.url}/conversations", headers=bearer(token), timeout=5)
    return response.status_code, response.json().get("code")


def new_account(auth_user: ServiceProcess, role: str = "user") -> dict[str, str]:
    admin = login(auth_user, "ADMIN001")["accessToken"]
    matricule = f"SES{uuid.uuid4().hex[:8].upper()}"
    body = {"matricule": matricule, "nom": "Session", "prenom": "Test", "password": PASSWORD}
    created = requests.post(
        f"{auth_user.url}/", json={**body, "role": role}, headers=bearer(admin), timeout=5
    )
    assert created.status_code == 201, created.text
    return {"id": created.json()["id"], "matricule": matricule, "admin": admin}


def connect(chat: ServiceProcess, token: str, sockets: list[Probe]) -> Probe:
    probe = Probe(chat.url).connect(token)
    sockets.append(probe)
    return probe


def revoked_within_bound(chat: ServiceProcess, probe: Probe, token: str, started: float) -> float:
    """The socket got `session:revoked` and was closed, and chat_file HTTP refuses the token,
    all within REVOCATION_BOUND_S of `started` (taken just before the revoking request): one
    deadline for the three checks, not a bound per wait. Returns the delay (ms) until HTTP
    refused the token."""
    deadline = started + REVOCATION_BOUND_S

    def left() -> float:
        return max(deadline - time.monotonic(), 0.001)

    event = probe.wait("session:revoked", timeout=left())
    assert event["code"] == "TOKEN_REVOKED"
    wait_until(lambda: chat_status(chat, token)[0] == 401, left(), 0.005)
    delay_ms = (time.monotonic() - started) * 1000
    assert chat_status(chat, token) == (401, "TOKEN_REVOKED")
    wait_until(lambda: not probe.client.connected, left())
    took = time.monotonic() - started
    assert took <= REVOCATION_BOUND_S, f"revocation took {took:.2f} s from the request"
    print(
        f"revocation effective after {delay_ms:.1f} ms (socket closed after {took * 1000:.0f} ms)"
    )
    return delay_ms


def test_logout_closes_the_socket_and_chat_file_refuses_the_token_within_a_second(
    auth_user: ServiceProcess, chat: ServiceProcess, sockets: list[Probe]
) -> None:
    session = login(auth_user, "MAT1001")
    token = session["accessToken"]
    probe = connect(chat, token, sockets)
    assert chat_status(chat, token) == (200, None)
    started = time.monotonic()
    logout = requests.post(
        f"{auth_user.url}/logout", json={"refreshToken": session["refreshToken"]}, timeout=5
    )
    assert logout.json()["revoked"] is True
    revoked_within_bound(chat, probe, token, started)
    again = requests.get(f"{auth_user.url}/sessions", headers=bearer(token), timeout=5)
    assert (again.status_code, again.json()["code"]) == (401, "TOKEN_REVOKED")
    other = login(auth_user, "MAT1001")["accessToken"]  # a new login is a new session
    assert chat_status(chat, other) == (200, None)


def test_password_change_ends_the_other_devices_only(
    auth_user: ServiceProcess, chat: ServiceProcess, sockets: list[Probe]
) -> None:
    account = new_account(auth_user, role="admin")  # admins change passwords (their own too)
    here, there = login(auth_user, account["matricule"]), login(auth_user, account["matricule"])
    here_socket = connect(chat, here["accessToken"], sockets)
    there_socket = connect(chat, there["accessToken"], sockets)
    started = time.monotonic()
    changed = requests.put(
        f"{auth_user.url}/{account['id']}",
        json={"password": "Nouveau2026!"},
        headers=bearer(here["accessToken"]),
        timeout=5,
    )
    assert changed.status_code == 200, changed.text
    revoked_within_bound(chat, there_socket, there["accessToken"], started)
    assert here_socket.client.connected
    assert chat_status(chat, here["accessToken"]) == (200, None)
    # Positive control with an ordered window: this session's own logout reaches its socket
    # through the same feed, after anything the password change sent; the first revocation
    # the socket hears must be that logout, not the password change.
    requests.post(f"{auth_user.url}/logout", json={"refreshToken": here["refreshToken"]}, timeout=5)
    first = here_socket.wait("session:revoked", timeout=10)
    assert first["reason"] == "logout", first
    refresh = requests.post(
        f"{auth_user.url}/refresh", json={"refreshToken": there["refreshToken"]}, timeout=5
    )
    assert refresh.json()["code"] == "REFRESH_TOKEN_REVOKED"


def test_logout_everywhere_ends_every_device(
    auth_user: ServiceProcess, chat: ServiceProcess, sockets: list[Probe]
) -> None:
    account = new_account(auth_user)
    one, two = login(auth_user, account["matricule"]), login(auth_user, account["matricule"])
    probes = [connect(chat, s["accessToken"], sockets) for s in (one, two)]
    started = time.monotonic()
    ended = requests.post(
        f"{auth_user.url}/logout-all", headers=bearer(one["accessToken"]), timeout=5
    )
    assert ended.status_code == 200, ended.text
    for probe, session in zip(probes, (one, two), strict=True):
        revoked_within_bound(chat, probe, session["accessToken"], started)
    listed = requests.get(
        f"{auth_user.url}/sessions",
        headers=bearer(login(auth_user, account["matricule"])["accessToken"]),
        timeout=5,
    ).json()["sessions"]
    assert [s["current"] for s in listed] == [True]  # only the login made after


def test_a_user_lists_their_sessions_and_ends_one(
    auth_user: ServiceProcess, chat: ServiceProcess, sockets: list[Probe]
) -> None:
    account = new_account(auth_user)
    phone = requests.post(
        f"{auth_user.url}/login",
        json={"matricule": account["matricule"], "password": PASSWORD},
        headers={"User-Agent": "ngomna-android/2.1"},
        timeout=5,
    ).json()
    desk = login(auth_user, account["matricule"])
    phone_socket = connect(chat, phone["accessToken"], sockets)
    listed = requests.get(
        f"{auth_user.url}/sessions", headers=bearer(desk["accessToken"]), timeout=5
    ).json()["sessions"]
    assert len(listed) == 2
    mine = {s["userAgent"]: s for s in listed}
    assert mine["ngomna-android/2.1"]["ip"] == "127.0.0.1"
    assert mine["ngomna-android/2.1"]["current"] is False
    started = time.monotonic()
    ended = requests.delete(
        f"{auth_user.url}/sessions/{mine['ngomna-android/2.1']['id']}",
        headers=bearer(desk["accessToken"]),
        timeout=5,
    )
    assert ended.status_code == 200, ended.text
    revoked_within_bound(chat, phone_socket, phone["accessToken"], started)
    assert chat_status(chat, desk["accessToken"]) == (200, None)


def test_a_socket_ends_when_its_token_expires(chat: ServiceProcess, sockets: list[Probe]) -> None:
    probe = connect(chat, token_for(new_user(), ttl=2), sockets)
    event = probe.wait("session:revoked", timeout=6)
    assert (event["code"], event["reason"]) == ("TOKEN_EXPIRED", "expired")
    wait_until(lambda: not probe.client.connected, 2)


def test_token_refresh_on_the_open_socket_keeps_it_past_the_first_expiry(
    chat: ServiceProcess, sockets: list[Probe]
) -> None:
    user = new_user()
    probe = connect(chat, token_for(user, ttl=2), sockets)
    stranger = probe.call("token:refresh", {"token": token_for(new_user())})
    assert (stranger["success"], stranger["code"]) == (False, "INVALID_TOKEN")
    ack = probe.call("token:refresh", {"token": token_for(user, ttl=60)})
    assert ack["success"] is True and ack["expiresAt"] > time.time() + 30
    probe.quiet("session:revoked", for_s=3.5)  # the first token is expired by now
    assert probe.client.connected
    assert probe.call("ping")["success"] is True


def test_deactivation_ends_everything_until_reactivated(
    auth_user: ServiceProcess, chat: ServiceProcess, sockets: list[Probe]
) -> None:
    account = new_account(auth_user)
    devices = [login(auth_user, account["matricule"]) for _ in range(2)]
    probes = [connect(chat, d["accessToken"], sockets) for d in devices]
    started = time.monotonic()
    admin = bearer(account["admin"])
    url = f"{auth_user.url}/{account['id']}"
    deactivated = requests.post(f"{url}/deactivate", headers=admin, timeout=5)
    assert (deactivated.status_code, deactivated.json()["active"]) == (200, False)
    for probe, device in zip(probes, devices, strict=True):
        revoked_within_bound(chat, probe, device["accessToken"], started)
    refused = requests.post(
        f"{auth_user.url}/login",
        json={"matricule": account["matricule"], "password": PASSWORD},
        timeout=5,
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "ACCOUNT_DISABLED")
    refresh = requests.post(
        f"{auth_user.url}/refresh", json={"refreshToken": devices[0]["refreshToken"]}, timeout=5
    )
    assert refresh.json()["code"] == "REFRESH_TOKEN_REVOKED"
    shown = requests.get(url, headers=bearer(login(auth_user, "MAT1002")["accessToken"]), timeout=5)
    assert shown.json()["active"] is False  # others see the account as inactive
    assert requests.post(f"{url}/reactivate", headers=admin, timeout=5).json()["active"] is True
    fresh = login(auth_user, account["matricule"])["accessToken"]
    assert chat_status(chat, fresh) == (200, None)
    assert chat_status(chat, devices[1]["accessToken"]) == (401, "TOKEN_REVOKED")  # stays ended


def register_phone(chat: ServiceProcess, session: dict[str, Any], name: str) -> None:
    body = {"platform": "fcm", "token": f"{name}-{uuid.uuid4().hex}", "deviceId": name}
    answer = requests.post(
        f"{chat.url}/devices", json=body, headers=bearer(session["accessToken"]), timeout=5
    )
    assert answer.status_code == 201, answer.text


def device_names(chat: ServiceProcess, token: str) -> list[str]:
    answer = requests.get(f"{chat.url}/devices", headers=bearer(token), timeout=5)
    return [d["deviceId"] for d in answer.json()["data"]["devices"]]


def test_an_ended_session_loses_its_push_devices(
    auth_user: ServiceProcess, chat: ServiceProcess
) -> None:
    account = new_account(auth_user)
    phone, laptop = login(auth_user, account["matricule"]), login(auth_user, account["matricule"])
    register_phone(chat, phone, "phone")
    register_phone(chat, laptop, "laptop")
    assert sorted(device_names(chat, laptop["accessToken"])) == ["laptop", "phone"]
    requests.post(
        f"{auth_user.url}/logout", json={"refreshToken": phone["refreshToken"]}, timeout=5
    )
    assert wait_until(
        lambda: device_names(chat, laptop["accessToken"]) == ["laptop"], REVOCATION_BOUND_S, 0.01
    )
    later = login(auth_user, account["matricule"])
    register_phone(chat, later, "tablet")
    ended = requests.post(
        f"{auth_user.url}/logout-all", headers=bearer(later["accessToken"]), timeout=5
    )
    assert ended.status_code == 200, ended.text
    fresh = login(auth_user, account["matricule"])["accessToken"]
    assert wait_until(lambda: device_names(chat, fresh) == [], REVOCATION_BOUND_S, 0.01)
