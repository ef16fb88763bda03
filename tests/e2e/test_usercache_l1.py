"""auth_user renames a user → a chat_file process whose in-process L1 holds the old name serves
the new one on the very next read (Redis invalidation, both services under gunicorn)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import requests

from tests.e2e.test_chat_core import auth_env, call, chat_env, login
from tests.support.figures import record_figures
from tests.support.servers import ServiceProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def auth_user(module_key_prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    process = ServiceProcess("auth_user", auth_env(module_key_prefix, redis_url)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def chat(
    module_key_prefix: str, redis_url: str, auth_user: ServiceProcess
) -> Iterator[ServiceProcess]:
    env = chat_env(module_key_prefix, redis_url, auth_user.url)
    process = ServiceProcess("chat_file", env).start()
    yield process
    process.stop()


def l1_events(chat: ServiceProcess) -> dict[str, float]:
    text = requests.get(f"{chat.url}/metrics", timeout=10).text
    pattern = r'^user_cache_l1_events\{event="(\w+)"\} ([0-9.e+]+)$'
    return {m[1]: float(m[2]) for m in re.finditer(pattern, text, re.M)}


def sender_names(chat: ServiceProcess, user: dict, cid: str) -> list[str]:
    page = call("GET", f"{chat.url}/messages", user, params={"conversationId": cid})
    assert page.status_code == 200, page.text
    return [m["senderName"] for m in page.json()["data"]["messages"]]


def test_a_rename_in_auth_user_reaches_the_warm_l1_of_chat_file(
    auth_user: ServiceProcess, chat: ServiceProcess
) -> None:
    jean, marie = login(auth_user, "MAT1001"), login(auth_user, "MAT1002")
    created = call(
        "POST",
        f"{chat.url}/conversations",
        jean,
        json={"type": "PRIVATE", "participantId": marie["id"]},
    )
    cid = created.json()["data"]["id"]
    sent = call(
        "POST", f"{chat.url}/messages", jean, json={"conversationId": cid, "content": "Bonjour"}
    )
    assert sent.status_code == 201, sent.text
    assert sender_names(chat, marie, cid) == ["Jean Dupont"]
    hits = l1_events(chat).get("hit", 0)
    assert sender_names(chat, marie, cid) == ["Jean Dupont"]
    assert l1_events(chat)["hit"] > hits  # the name now comes from the process's memory

    invalidations = l1_events(chat).get("invalidation", 0)
    admin = login(auth_user, "ADMIN001")  # names are HR data: an admin renames (issue 23)
    renamed = call("PUT", f"{auth_user.url}/{jean['id']}", admin, json={"nom": "Mballa"})
    assert renamed.status_code == 200, renamed.text
    started = time.monotonic()
    first_read = sender_names(chat, marie, cid)  # the very next read: no stale name allowed
    delay_ms = (time.monotonic() - started) * 1000
    assert first_read == ["Jean Mballa"], "the first read after the rename served the old name"
    assert l1_events(chat)["invalidation"] > invalidations  # dropped by Redis's message
    record_figures(usercache_l1_e2e_rename_visible_ms=round(delay_ms, 2))
    print(f"rename visible on the first read, {delay_ms:.1f} ms after auth_user answered")
