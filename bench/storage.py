"""Storage figures on real databases, PostgreSQL and SQLite side by side in one run.

The data set (`bench/storage_data.py`): 200 000 messages of varied French text over 304
conversations, bulk-loaded into a PostgreSQL database made for the run and a temporary SQLite
file (both removed afterwards). Each backend is then served by a real chat_file process
(gunicorn, gevent worker, as in production) and measured over loopback HTTP:
- messages_page_50_vs_flask_ceiling_<backend>: req/s of GET /messages (newest page of 50 in the
  10 000-message conversation, warm user cache) ÷ req/s of the same process's bare `/health`,
  interleaved rounds (the method of `bench/chat_core.py`, whose figure is the mongomock one);
- messages_page_50_growth_100k_vs_1k_postgres: cost of that page (1 / req/s) in the 100 000-
  message conversation over its cost in the 1 000-message one;
- search_200k_p50_ms_<backend>: median time of GET /messages/search (real words, accented or
  not, one or two words) for a user whose conversations hold ~140 000 of the 200 000 messages;
- mark_read_rows_written_1000_members: rows inserted, updated or deleted on PostgreSQL by one
  PUT /conversations/<id>/read in a 1 000-member group where the caller has 10 000 unread
  (counted by an engine event on every statement's rowcount, not timed).
"""

from __future__ import annotations

import http.client
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.chat_core import (
    REDIS_URL,
    SECRET,
    drop_keys,
    interleaved_rates,
    service_env,
    token,
)
from bench.french import QUERIES
from bench.roundtrips import Statements, counting_client
from bench.storage_data import POOL, READER, Dataset, load, make_dataset
from services.chat_file.app import create_app
from services.chat_file.infrastructure.stores import open_sql_stores
from services.chat_file.settings import Settings
from tests.fakes_chat import FakeAuthUserServer, demo_profile
from tests.support.databases import postgres_database, sqlite_url
from tests.support.servers import ServiceProcess

SEARCH_PASSES = 3  # measured passes over QUERIES, after one warming pass


def run() -> dict[str, Any]:
    started = time.perf_counter()
    data = make_dataset()
    print(f"   data set: {len(data.rows)} messages ({time.perf_counter() - started:.1f} s)")
    auth = FakeAuthUserServer({u: demo_profile(u, n) for n, u in enumerate(POOL)}).start()
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    figures: dict[str, Any] = {}
    try:
        with postgres_database() as url:
            _load(url, data, "postgres")
            rows = _mark_read_rows(url, data, auth, prefix)
            figures["mark_read_rows_written_1000_members"] = rows
            figures.update(_served(url, "postgres", data, auth, prefix, growth=True))
        with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
            url = sqlite_url(Path(tmp))
            _load(url, data, "sqlite")
            figures.update(_served(url, "sqlite", data, auth, prefix))
    finally:
        auth.stop()
        drop_keys(prefix)
    return figures


def _load(url: str, data: Dataset, label: str) -> None:
    started = time.perf_counter()
    load(url, data)
    print(f"   {label}: loaded in {time.perf_counter() - started:.1f} s", flush=True)


def _served(
    url: str,
    label: str,
    data: Dataset,
    auth: FakeAuthUserServer,
    prefix: str,
    growth: bool = False,
) -> dict[str, Any]:
    env = service_env(f"{prefix}{label}:", auth.url, url)
    chat = ServiceProcess("chat_file", env).start()
    try:
        reader = {"Authorization": f"Bearer {token(READER)}"}
        routes = {"page": (_page(data, "ten"), reader), "bare": ("/health", {})}
        if growth:
            routes["page_100k"] = (_page(data, "big"), reader)
            routes["page_1k"] = (_page(data, "small"), reader)
        for path, headers in routes.values():
            _check_page(chat.port, path, headers)
        rates = interleaved_rates(chat.port, routes)
        figures = {
            f"messages_page_50_rps_{label}": round(rates["page"], 1),
            f"flask_bare_json_rps_{label}": round(rates["bare"], 1),
            f"messages_page_50_vs_flask_ceiling_{label}": round(rates["page"] / rates["bare"], 3),
        }
        if growth:
            ratio = rates["page_1k"] / rates["page_100k"]
            figures[f"messages_page_50_growth_100k_vs_1k_{label}"] = round(ratio, 3)
        figures[f"search_200k_p50_ms_{label}"] = _search_p50_ms(chat.port, reader)
        return figures
    finally:
        chat.stop()


def _page(data: Dataset, name: str) -> str:
    return f"/messages?conversationId={data.id_of(name)}&limit=50"


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[float, Any]:
    """(seconds, decoded JSON body) of one GET; anything but 200 stops the bench."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    assert response.status == 200, (path, response.status, body[:200])
    return elapsed, json.loads(body)


def _check_page(port: int, path: str, headers: dict[str, str]) -> None:
    """Warm the route and make sure it returns what is measured (a full page of 50)."""
    _, body = _get(port, path, headers)
    if path.startswith("/messages?"):
        assert len(body["data"]["messages"]) == 50, path


def _search_p50_ms(port: int, headers: dict[str, str]) -> float:
    """One client, one request at a time: every query once to warm up, then SEARCH_PASSES."""
    timings = []
    for n in range(SEARCH_PASSES + 1):
        for query in QUERIES:
            path = "/messages/search?" + urlencode({"q": query, "limit": 20})
            elapsed, body = _get(port, path, headers)
            assert body["data"]["count"] > 0, f"no result for {query!r}"
            if n:
                timings.append(elapsed)
    return round(statistics.median(timings) * 1000, 2)


def _mark_read_rows(url: str, data: Dataset, auth: FakeAuthUserServer, prefix: str) -> int:
    """Rows written by one mark-read through the real app (in-process), all statements counted."""
    settings = Settings(
        app_env="test",
        jwt_secret=SECRET,
        user_cache_prefix=f"{prefix}inproc:",
        auth_user_service_url=auth.url,
        database_url=url,
    )
    stores = open_sql_stores(url, run_migrations=False)
    try:
        client = create_app(settings, stores=stores, redis=counting_client(REDIS_URL)).test_client()
        cid, headers = data.id_of("crowd"), {"Authorization": f"Bearer {token(READER)}"}
        before = client.get(f"/conversations/{cid}", headers=headers).get_json()["data"]
        assert (before["participantCount"], before["unreadCount"]) == (1000, 10_000), before
        with Statements() as written:
            reply = client.put(f"/conversations/{cid}/read", headers=headers, json={})
        assert reply.status_code == 200 and reply.get_json()["data"]["unreadCount"] == 0
        return written.rows_written
    finally:
        stores.close()
