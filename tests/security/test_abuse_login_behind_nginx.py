"""Issue 23, rows 11 and 13 through deploy/'s nginx (real nginx, gunicorn, Redis): failed
logins back off per (matricule, client address) as nginx forwards it, so the owner of a
matricule is not locked out by someone else's guesses and every user behind the proxy does
not share one budget; a forged X-Forwarded-For changes nothing; /metrics and /ready are not
served through the proxy.

Clients speak from different loopback addresses (127.0.0.2, 127.0.0.3: the whole 127/8 is
local), which nginx sees as different clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from deploy.cluster import Cluster
from tests.e2e.realtime_support import chat_env
from tests.support.proxy import delete_prefix, proxied_cluster

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e


class FromAddress(HTTPAdapter):
    """Connections from a chosen local address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_at(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


@pytest.fixture(scope="module")
def cluster(redis_url: str) -> Iterator[Cluster]:
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    env = {
        **os.environ,
        **chat_env(prefix, redis_url, "gevent"),
        "SEED_DEMO_USERS": "true",
        "DATABASE_URL": "mongomock://",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOGIN_BACKOFF_FREE_FAILURES": "2",  # the third failure makes its pair wait 60 s
        "LOGIN_BACKOFF_BASE": "60",
    }
    with proxied_cluster(env, 1) as running:
        yield running
    delete_prefix(redis_url, prefix)


def test_guesses_hold_up_the_guessing_address_only(cluster: Cluster) -> None:
    url = f"{cluster.url}/auth/login"
    attacker, owner = client_at("127.0.0.2"), client_at("127.0.0.3")
    guess = {"matricule": "MAT1001", "password": "not-the-password"}
    codes = [
        attacker.post(url, json=guess, headers={"X-Forwarded-For": f"198.51.100.{n}"}, timeout=10)
        for n in range(3)
    ]
    assert [c.status_code for c in codes] == [401, 401, 401]
    right = {"matricule": "MAT1001", "password": PASSWORD}
    held = attacker.post(url, json=right, headers={"X-Forwarded-For": "198.51.100.99"}, timeout=10)
    assert (held.status_code, held.json()["code"]) == (429, "RATE_LIMITED")
    assert 0 < int(held.headers["Retry-After"]) <= 60
    assert owner.post(url, json=right, timeout=10).status_code == 200  # not locked out
    other = {"matricule": "MAT1002", "password": PASSWORD}
    assert attacker.post(url, json=other, timeout=10).status_code == 200  # its other users too


@pytest.mark.parametrize(
    "path",
    ["/metrics", "/ready", "/auth/metrics", "/auth/ready", "/%6detrics", "//metrics", "/ready/"],
)
def test_metrics_and_readiness_are_not_served_through_the_proxy(
    cluster: Cluster, path: str
) -> None:
    answer = requests.get(f"{cluster.url}{path}", timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (403, "FORBIDDEN")
    assert "http_requests_total" not in answer.text


def test_the_backends_still_serve_their_metrics_to_a_local_scraper(cluster: Cluster) -> None:
    for port in (*cluster.proxy.chat_ports, *cluster.proxy.auth_ports):
        answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert answer.status_code == 200 and "http_requests_total" in answer.text
        relayed = requests.get(
            f"http://127.0.0.1:{port}/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, timeout=10
        )
        assert relayed.status_code == 403
