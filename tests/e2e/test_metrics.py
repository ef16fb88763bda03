"""Both services' /metrics scraped over HTTP from gunicorn and parsed as Prometheus text."""

from __future__ import annotations

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_chat_core import auth_user, call, chat, login, prefix  # noqa: F401
from tests.support.servers import ServiceProcess

pytestmark = pytest.mark.e2e


def scrape(url: str) -> dict[str, list]:
    response = requests.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {f.name: f.samples for f in text_string_to_metric_families(response.text)}


def value(samples: list, name: str, **labels: str) -> float:
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_count_requests_cache_breaker_and_messages(auth_user, chat) -> None:  # noqa: F811
    jean, marie = login(auth_user, "MAT1001"), login(auth_user, "MAT1002")
    sent = call(
        "POST", f"{chat.url}/messages", jean, json={"receiverId": marie["id"], "content": "m"}
    )
    assert sent.status_code == 201
    cid = sent.json()["data"]["conversationId"]
    call("GET", f"{chat.url}/messages", marie, params={"conversationId": cid})

    auth = scrape(auth_user.url)
    assert value(auth["http_requests"], "http_requests_total", route="/login", status="200") >= 2
    assert any(s.name.endswith("_bucket") for s in auth["http_request_duration_seconds"])

    chat_metrics = scrape(chat.url)
    requests_total = chat_metrics["http_requests"]
    assert value(requests_total, "http_requests_total", route="/messages", method="POST") >= 1
    assert value(chat_metrics["chat_messages_sent"], "chat_messages_sent") >= 1
    assert value(chat_metrics["chat_auth_user_breaker_open"], "chat_auth_user_breaker_open") == 0
    cache = chat_metrics["user_cache_operations"]
    assert value(cache, "user_cache_operations", result="hit") >= 1
    assert "chat_socket_connections" in chat_metrics
    assert "chat_user_directory_total" in chat_metrics


def test_auth_user_metrics_add_up_every_gunicorn_worker(
    redis_url: str, module_key_prefix: str
) -> None:
    env = {
        "APP_ENV": "test",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": module_key_prefix,
        "USER_CACHE_PREFIX": f"{module_key_prefix}user:profile:",
        "WEB_CONCURRENCY": "3",
    }
    service = ServiceProcess("auth_user", env).start()
    try:
        before = value(scrape(service.url)["http_requests"], "http_requests_total", route="/health")
        for _ in range(60):  # a new connection each time: the workers share the load
            assert requests.get(f"{service.url}/health", timeout=5).status_code == 200
        for _ in range(3):  # whichever worker answers the scrape reports the same total
            families = scrape(service.url)
            total = value(families["http_requests"], "http_requests_total", route="/health")
            assert total == before + 60
    finally:
        service.stop()
