"""Directory imports across real processes (auth_user under gunicorn, chat_file under gevent):
agents activate with their exported codes and chat; an import that deactivates one closes their
socket and chat_file refuses their token within a second; a rename shows in chat within a
second; a process killed while applying leaves all of the import or none of it."""

from __future__ import annotations

import csv
import io
import os
import signal
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.realtime_support import Probe, chat_env, chat_process
from tests.e2e.test_sessions import auth_env, bearer, login
from tests.support.servers import ServiceProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

BOUND_S = 1.0  # the promise: a deactivation or a rename reaches chat within a second
HEADER = "matricule,nom,prenom,ministere,direction,active"


@pytest.fixture(scope="module")
def auth_user(module_key_prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    process = ServiceProcess("auth_user", auth_env(module_key_prefix, redis_url)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def chat(
    module_key_prefix: str, redis_url: str, auth_user: ServiceProcess
) -> Iterator[ServiceProcess]:
    env = chat_env(module_key_prefix, redis_url, "gevent", AUTH_USER_SERVICE_URL=auth_user.url)
    process = chat_process(env).start()
    yield process
    process.stop()


def run_import(auth: ServiceProcess, admin: str, rows: list[str], **options: str) -> Any:
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    started = requests.post(
        f"{auth.url}/admin/directory/imports",
        files={"file": ("agents.csv", data, "text/csv")},
        data={"force": "true", **options},
        headers=bearer(admin),
        timeout=10,
    )
    assert started.status_code == 202, started.text
    return finished(auth, admin, started.json()["id"])


def finished(auth: ServiceProcess, admin: str, job_id: str, timeout: float = 60) -> Any:
    def ended() -> Any:
        job = requests.get(
            f"{auth.url}/admin/directory/imports/{job_id}", headers=bearer(admin), timeout=10
        ).json()
        return None if job["status"] == "running" else job

    return wait_until(ended, timeout=timeout, every=0.02)


def activated(auth: ServiceProcess, admin: str, job_id: str, password: str) -> dict[str, str]:
    """Every agent of the import activated with their exported code: tokens by matricule."""
    exported = requests.post(
        f"{auth.url}/admin/directory/imports/{job_id}/activation-codes",
        headers=bearer(admin),
        timeout=10,
    )
    assert exported.status_code == 200, exported.text
    rows = csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";")
    tokens = {}
    for row in rows:
        body = {"matricule": row["matricule"], "code": row["code"], "password": password}
        answer = requests.post(f"{auth.url}/activate", json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        tokens[row["matricule"]] = answer.json()["accessToken"]
    return tokens


def chat_get(chat: ServiceProcess, token: str, path: str) -> requests.Response:
    return requests.get(f"{chat.url}{path}", headers=bearer(token), timeout=10)


def test_agents_activate_chat_and_follow_the_directory_within_a_second(
    auth_user: ServiceProcess, chat: ServiceProcess
) -> None:
    admin = login(auth_user, "ADMIN001")["accessToken"]
    tag = uuid.uuid4().hex[:6].upper()
    ada, bob = f"E{tag}A", f"E{tag}B"
    rows = [f"{ada},Ngono,Ada,MINFI,Budget,1", f"{bob},Fotso,Bob,MINFI,Budget,1"]
    job = run_import(auth_user, admin, rows)
    assert (job["status"], job["result"]["created"]) == ("succeeded", 2)
    tokens = activated(auth_user, admin, job["id"], "Agent-Mot-2026")

    sent = requests.post(
        f"{chat.url}/messages",
        json={
            "receiverId": login(auth_user, bob, "Agent-Mot-2026")["user"]["id"],
            "content": "Bonjour",
        },
        headers=bearer(tokens[ada]),
        timeout=10,
    )
    assert sent.status_code == 201, sent.text
    cid = sent.json()["data"]["conversationId"]
    page = f"/messages?conversationId={cid}"
    assert chat_get(chat, tokens[bob], page).json()["data"]["messages"][0]["senderName"] == (
        "Ada Ngono"
    )

    renamed = run_import(auth_user, admin, [f"{ada},Mballa,Ada,MINFI,Budget,1", rows[1]])
    assert renamed["result"]["updated"] == 1
    started = time.monotonic()
    wait_until(
        lambda: (
            chat_get(chat, tokens[bob], page).json()["data"]["messages"][0]["senderName"]
            == "Ada Mballa"
        ),
        timeout=BOUND_S,
        every=0.01,
    )
    print(f"rename visible in chat {1000 * (time.monotonic() - started):.1f} ms after the job")

    probe = Probe(chat.url).connect(tokens[bob])
    try:
        assert chat_get(chat, tokens[bob], "/conversations").status_code == 200
        gone = run_import(
            auth_user,
            admin,
            [rows[0].replace("Ngono", "Mballa"), f"{bob},Fotso,Bob,MINFI,Budget,0"],
        )
        assert gone["result"]["deactivated"] == 1
        started = time.monotonic()
        event = probe.wait("session:revoked", timeout=BOUND_S)
        assert event["code"] == "TOKEN_REVOKED"
        refused = wait_until(
            lambda: chat_get(chat, tokens[bob], "/conversations").status_code == 401,
            timeout=BOUND_S,
            every=0.005,
        )
        assert refused
        wait_until(lambda: not probe.client.connected, BOUND_S)
        print(f"deactivation effective {1000 * (time.monotonic() - started):.1f} ms after the job")
    finally:
        probe.close()
    again = requests.post(
        f"{auth_user.url}/login",
        json={"matricule": bob, "password": "Agent-Mot-2026"},
        timeout=10,
    )
    assert (again.status_code, again.json()["code"]) == (403, "ACCOUNT_DISABLED")


def test_a_process_killed_while_applying_leaves_all_or_nothing(
    redis_url: str, module_key_prefix: str
) -> None:
    env = {
        **auth_env(f"{module_key_prefix}crash:", redis_url),
        "DIRECTORY_JOB_STALE_SECONDS": "10",
    }
    auth = ServiceProcess("auth_user", env).start()
    try:
        admin = login(auth, "ADMIN001")["accessToken"]
        tag = uuid.uuid4().hex[:4].upper()
        rows = [f"K{tag}{n:06d},Agent{n},Test,MINFI,Budget,1" for n in range(40_000)]
        data = ("\n".join([HEADER, *rows]) + "\n").encode()
        started = requests.post(
            f"{auth.url}/admin/directory/imports",
            files={"file": ("agents.csv", data, "text/csv")},
            headers=bearer(admin),
            timeout=30,
        )
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]

        def phase() -> str:
            return str(
                requests.get(
                    f"{auth.url}/admin/directory/imports/{job_id}",
                    headers=bearer(admin),
                    timeout=10,
                ).json()["phase"]
            )

        seen = wait_until(lambda: (p := phase()) in {"applying", "applied", "done"} and p, 60)
        assert auth.proc is not None
        os.killpg(auth.proc.pid, signal.SIGKILL)  # the whole service, mid-import
        auth.proc.wait(timeout=10)
        auth.start()
        admin = login(auth, "ADMIN001")["accessToken"]
        job = finished(auth, admin, job_id, timeout=60)
        total = requests.get(
            f"{auth.url}/all?q=K{tag}&limit=1", headers=bearer(admin), timeout=10
        ).json()["pagination"]["total"]
        print(f"killed in phase {seen}: job {job['status']} ({job['error']}), {total} agents")
        if job["status"] == "failed":
            assert (job["error"]["code"], total) == ("IMPORT_INTERRUPTED", 0)
        else:
            assert (job["status"], total) == ("succeeded", 40_000)
        assert (
            requests.post(  # the slot is free: another import may start
                f"{auth.url}/admin/directory/imports",
                files={
                    "file": ("a.csv", f"{HEADER}\nK{tag}X,Un,Autre,MINFI,,1\n".encode(), "text/csv")
                },
                headers=bearer(admin),
                timeout=10,
            ).status_code
            == 202
        )
    finally:
        auth.stop()
