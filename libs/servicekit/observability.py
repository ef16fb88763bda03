"""Request ids, JSON logs without secrets, Prometheus metrics and /metrics for a Flask app."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask import Flask, Response, abort, g, has_request_context, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .metrics_access import METRICS_ACCESS, MetricsAccess

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
_SECRET_FIELD = re.compile(
    r"(?i)([\"']?(?:password|refreshToken|accessToken|token|secret)[\"']?\s*[:=]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\s,&}]+)"
)


def current_request_id() -> str | None:
    """The id of the request being served (to propagate on outgoing calls), if any."""
    if has_request_context():
        return getattr(g, "request_id", None)
    return None


def redact(text: str) -> str:
    """Blank out JWTs and `password=`/`"token": ...` values in a log line."""
    return _SECRET_FIELD.sub(r"\1[REDACTED]", _JWT.sub("[REDACTED_JWT]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, service, request id."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": redact(record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)  # logger.info(..., extra={"fields": {...}})
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class GunicornJsonFormatter(JsonFormatter):
    """gunicorn's error and access logs as JSON lines; access entries carry the request id.

    The access entry is built from gunicorn's atoms (no query string, so nothing secret).
    """

    def __init__(self, service: str = "") -> None:
        super().__init__(service)

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args
        if record.name != "gunicorn.access" or not isinstance(atoms, Mapping):
            return super().format(record)
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": "INFO",
            "logger": "access",
            "service": self.service,
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": _number(atoms["s"]),
            "bytes": atoms["B"],
            "duration_ms": _number(atoms["M"]),
            "request_id": atoms["{x-request-id}o"],
            "user_agent": atoms["a"],
        }
        return json.dumps(entry, ensure_ascii=False)


def _number(value: object) -> int | str:
    text = str(value)
    return int(text) if text.isdigit() else text


def gunicorn_logconfig(service: str, level: str = "INFO") -> dict[str, Any]:
    """A `logconfig_dict` for gunicorn.conf.py: JSON error log on stderr, access log on stdout."""
    formatter = {"()": f"{__name__}.GunicornJsonFormatter", "service": service}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": level.upper(), "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {
                "level": level.upper(),
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["console"],
                "propagate": False,
                "qualname": "gunicorn.access",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "formatters": {"json": formatter},
    }


def configure_logging(service: str, level: str = "INFO") -> None:
    """Called once from wsgi/<service>.py: JSON lines on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


GaugeReader = Callable[[], Iterable[tuple[dict[str, str], float]]]


class _CallbackCollector(Collector):
    def __init__(self) -> None:
        self._gauges: list[
            tuple[str, str, Callable[[], Iterable[tuple[dict[str, str], float]]]]
        ] = []

    def add(self, name: str, doc: str, read: GaugeReader) -> None:
        self._gauges.append((name, doc, read))

    def collect(self) -> Iterator[Metric]:
        for name, doc, read in self._gauges:
            samples = list(read())
            labels = sorted(samples[0][0]) if samples else []
            family = GaugeMetricFamily(name, doc, labels=labels)
            for label_values, value in samples:
                family.add_metric([label_values[k] for k in labels], value)
            yield family


class Metrics:
    """Per-app registry (so tests can build many apps) with HTTP metrics and read-time gauges."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests by route and status",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self._gauges = _CallbackCollector()
        self.registry.register(self._gauges)

    def gauge(self, name: str, doc: str, read: GaugeReader) -> None:
        """A value read at scrape time: `read()` yields `(labels, value)` pairs."""
        self._gauges.add(name, doc, read)

    def counter(self, name: str, doc: str, labels: Iterable[str] = ()) -> Counter:
        return Counter(name, doc, list(labels), registry=self.registry)

    def render(self) -> bytes:
        """This process's metrics; under several gunicorn workers, the sum over all of them."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(self._gauges)  # read-time values stay per process
        return generate_latest(registry)


CACHE_RESULTS = {"hits": "hit", "misses": "miss", "errors": "error"}


L1_EVENTS = {"hits": "hit", "misses": "miss", "invalidations": "invalidation", "flushes": "flush"}


def install_cache_metrics(metrics: Metrics, cache: Any) -> None:
    """`user_cache_operations{result=hit|miss|error}` from a `UserCache.stats()`, and
    `user_cache_l1_events{event=hit|miss|invalidation|flush}` from its `local_stats()`."""
    stats = getattr(cache, "stats", None)
    if stats is not None:
        metrics.gauge(
            "user_cache_operations",
            "Shared user-cache lookups by result since start",
            lambda: [({"result": CACHE_RESULTS.get(k, k)}, float(v)) for k, v in stats().items()],
        )
    local_stats = getattr(cache, "local_stats", None)
    if local_stats is not None:
        metrics.gauge(
            "user_cache_l1_events",
            "In-process (L1) user-cache events since start",
            lambda: [({"event": L1_EVENTS.get(k, k)}, float(v)) for k, v in local_stats().items()],
        )


def install_rate_limit_metrics(metrics: Metrics, limiter: Any) -> None:
    """`rate_limit_decisions_total{action, result=allowed|limited, scope=shared|local}` from a
    `libs.ratelimit.RateLimiter` (`scope=local`: decided in-process while Redis failed)."""
    observe = getattr(limiter, "observe", None)
    if observe is None:  # a test's fake
        return
    decisions = metrics.counter(
        "rate_limit_decisions_total", "Per-user rate-limit checks", ["action", "result", "scope"]
    )

    def count(decision: Any) -> None:
        result = "allowed" if decision.allowed else "limited"
        decisions.labels(decision.action, result, "local" if decision.local else "shared").inc()

    observe(count)


def install_observability(app: Flask, service: str) -> Metrics:
    """Request id in/out, per-route counters and latencies, `GET /metrics`."""
    metrics = Metrics(service)
    app.extensions["metrics"] = metrics

    @app.before_request
    def start() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.requests.labels(service, request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(service, request.method, route).observe(elapsed)
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        return response

    @app.get("/metrics")
    def metrics_view() -> Response:
        access: MetricsAccess = app.extensions.get(METRICS_ACCESS, MetricsAccess())
        if not access.allows(request.environ):
            abort(403)
        return Response(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")

    return metrics
