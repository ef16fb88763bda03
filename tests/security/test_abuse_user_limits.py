"""#23 row 2 against real processes: one user with 6 sockets over 2 chat_file processes
(gunicorn gevent, shared Redis) sending as fast as the acks come back is held to the per-user
rate (at most 1.2 times), however many sockets or processes; HTTP shares the same budget; the
refusals are `RATE_LIMITED` with `retryAfter` and counted in /metrics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bench.abuse import LIMIT, LIMIT_PER_S, flood
from tests.e2e.realtime_support import chat_servers, new_user, token_for
from tests.support.servers import ServiceProcess

SECONDS = 4.0


@pytest.fixture(scope="module")
def servers(redis_url: str) -> Iterator[list[ServiceProcess]]:
    extra = {"RATE_LIMIT_SEND": LIMIT, "SOCKET_SEND_RATE": "0", "METRICS_TOKEN": "m" * 32}
    with chat_servers(redis_url, "gevent", count=2, **extra) as started:
        yield started


def test_six_sockets_on_two_processes_get_the_per_user_rate(
    servers: list[ServiceProcess],
) -> None:
    result = flood([s.url for s in servers], 6, SECONDS)
    accepted_per_s = result["accepted"] / result["seconds"]
    assert result["other"] == 0, result
    assert result["refused"] > result["accepted"], result  # they did try harder than the limit
    assert accepted_per_s <= 1.2 * LIMIT_PER_S, result
    assert accepted_per_s >= 0.5 * LIMIT_PER_S, result  # the limit is a rate, not a wall


def test_http_shares_the_budget_and_says_when_to_retry(servers: list[ServiceProcess]) -> None:
    user = new_user()
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    body = {"receiverId": new_user(), "content": "Bonjour"}
    answers = [
        requests.post(f"{servers[i % 2].url}/messages", json=body, headers=headers, timeout=10)
        for i in range(8)
    ]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    assert all(a.json()["code"] == "RATE_LIMITED" for a in limited)
    assert all(int(a.headers["Retry-After"]) >= 1 and a.json()["retryAfter"] >= 1 for a in limited)
    metrics = requests.get(
        f"{servers[0].url}/metrics", headers={"Authorization": "Bearer " + "m" * 32}, timeout=10
    ).text
    assert 'rate_limit_decisions_total{action="send",result="limited",scope="shared"}' in metrics
