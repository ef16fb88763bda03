from __future__ import annotations

import json
import logging

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from libs.servicekit.observability import (
    JsonFormatter,
    current_request_id,
    install_observability,
    redact,
)

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.sig-nature_x"


def make_app() -> Flask:
    app = Flask("t")
    metrics = install_observability(app, "svc")
    metrics.gauge("demo_cache_hits", "hits", lambda: [({"cache": "user"}, 7.0)])

    @app.get("/items/<item_id>")
    def item(item_id: str) -> dict[str, str | None]:
        return {"id": item_id, "rid": current_request_id()}

    return app


def scrape(app: Flask) -> dict[str, list]:
    text = app.test_client().get("/metrics").get_data(as_text=True)
    return {f.name: f.samples for f in text_string_to_metric_families(text)}


def test_metrics_count_requests_by_route_template_not_raw_path() -> None:
    app = make_app()
    client = app.test_client()
    client.get("/items/1")
    client.get("/items/2")
    client.get("/nowhere")
    families = scrape(app)
    totals = {
        (s.labels["route"], s.labels["status"]): s.value
        for s in families["http_requests"]
        if s.name == "http_requests_total"
    }
    assert totals[("/items/<item_id>", "200")] == 2
    assert totals[("<unmatched>", "404")] == 1
    assert any(s.name.endswith("_bucket") for s in families["http_request_duration_seconds"])
    assert families["demo_cache_hits"][0].value == 7.0


def test_request_id_is_propagated_or_generated_and_unsafe_ids_replaced() -> None:
    client = make_app().test_client()
    given = client.get("/items/1", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123" == given.json["rid"]
    fresh = client.get("/items/1", headers={"X-Request-ID": "bad id <script>"})
    assert fresh.headers["X-Request-ID"] != "bad id <script>"
    assert len(fresh.headers["X-Request-ID"]) == 32


def test_redact_removes_tokens_and_passwords() -> None:
    line = f'login {{"matricule": "M1", "password": "s3cret!"}} Bearer {TOKEN} refreshToken={TOKEN}'
    cleaned = redact(line)
    assert "s3cret" not in cleaned
    assert "eyJ" not in cleaned
    assert '"matricule": "M1"' in cleaned


def test_json_formatter_writes_one_redacted_object_per_line() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s", (TOKEN,), None)
    entry = json.loads(JsonFormatter("auth_user").format(record))
    assert entry["service"] == "auth_user"
    assert entry["level"] == "INFO"
    assert "eyJ" not in entry["message"]


def test_gunicorn_access_entries_are_json_with_request_id_and_no_query() -> None:
    from libs.servicekit.observability import GunicornJsonFormatter

    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/health",
        "s": "200",
        "B": 38,
        "M": "3",
        "{x-request-id}o": "abc",
        "a": 'curl "quoted"',
        "q": "token=secret",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (), None)
    record.args = atoms
    entry = json.loads(GunicornJsonFormatter("chat_file").format(record))
    assert entry["status"] == 200
    assert entry["request_id"] == "abc"
    assert entry["user_agent"] == 'curl "quoted"'
    assert "secret" not in json.dumps(entry)


def test_gunicorns_config_imports_no_http_client_before_gevent_patches_ssl() -> None:
    """gunicorn.conf.py imports this module in the master; urllib3 imported there keeps the
    unpatched `ssl` and the gevent worker then fails with RecursionError (boto3, S3)."""
    import subprocess
    import sys

    probe = (
        "import sys, libs.servicekit.observability; "
        "print(sorted({'urllib3', 'requests'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
