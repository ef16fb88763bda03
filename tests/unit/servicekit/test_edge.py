"""The service edge: who may read /metrics, the client address behind trusted proxies, and
the warning while development secrets are in use."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask, request

from libs.servicekit.edge import install_service_edge
from libs.servicekit.http import HTTP_CODES, install_json_errors
from libs.servicekit.observability import install_observability
from libs.servicekit.service_settings import ServiceSettings
from libs.servicekit.settings import DEV_JWT_SECRET, DEV_SERVICE_SECRET

REAL = {"jwt_secret": "j" * 40, "service_secret": "s" * 40, "app_env": "production"}


class FakeSocket:
    def __init__(self, port: int) -> None:
        self.port = port

    def getsockname(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)


def make_app(**settings: Any) -> Flask:
    app = Flask("edge")
    install_json_errors(app, {})
    install_observability(app, "svc")
    install_service_edge(app, ServiceSettings(**{**REAL, **settings}))

    @app.get("/whoami")
    def whoami() -> dict[str, str | None]:
        return {"ip": request.remote_addr, "scheme": request.scheme}

    return app


def status(app: Flask, headers: dict[str, str] | None = None, **environ: Any) -> int:
    return app.test_client().get("/metrics", headers=headers, environ_base=environ).status_code


def test_without_a_token_or_an_internal_bind_only_direct_loopback_callers_read_metrics() -> None:
    app = make_app()
    assert status(app) == 200
    assert status(app, REMOTE_ADDR="::1") == 200
    assert status(app, REMOTE_ADDR="10.1.2.3") == 403
    assert status(app, {"X-Forwarded-For": "203.0.113.9"}) == 403  # relayed by a proxy
    assert status(app, {"Forwarded": "for=203.0.113.9"}) == 403
    refused = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert refused.get_json()["code"] == HTTP_CODES[403][0]


def test_with_a_token_metrics_need_it_from_anywhere() -> None:
    app = make_app(metrics_token="scrape-secret")
    assert status(app) == 403
    assert status(app, {"Authorization": "Bearer wrong"}) == 403
    assert status(app, {"Authorization": "Basic scrape-secret"}) == 403
    assert status(app, {"Authorization": "Bearer scrape-secret"}, REMOTE_ADDR="10.1.2.3") == 200


def test_with_an_internal_bind_metrics_are_served_on_that_listener_only() -> None:
    app = make_app(metrics_bind="127.0.0.1:9101")
    assert status(app, **{"gunicorn.socket": FakeSocket(9101)}) == 200
    assert status(app, **{"gunicorn.socket": FakeSocket(8003)}) == 403
    assert status(app) == 403  # no listener known (not gunicorn): not internal


def test_the_client_address_comes_from_trusted_proxy_hops_only() -> None:
    forwarded = {"X-Forwarded-For": "203.0.113.9, 198.51.100.4", "X-Forwarded-Proto": "https"}
    direct = make_app().test_client().get("/whoami", headers=forwarded).get_json()
    assert direct == {"ip": "127.0.0.1", "scheme": "http"}
    one_hop = make_app(trusted_proxy_hops=1).test_client().get("/whoami", headers=forwarded)
    assert one_hop.get_json() == {"ip": "198.51.100.4", "scheme": "https"}
    # the proxy's forwarding header is still there: metrics stay refused through it
    assert status(make_app(trusted_proxy_hops=1), forwarded) == 403


def warnings(caplog: pytest.LogCaptureFixture, **settings: Any) -> list[str]:
    with caplog.at_level(logging.WARNING, logger="libs.servicekit.edge"):
        make_app(**settings)
    return [r.getMessage() for r in caplog.records if "DEVELOPMENT SECRETS" in r.getMessage()]


def test_development_secrets_in_use_are_announced_loudly_by_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lines = warnings(
        caplog, app_env="test", jwt_secret=DEV_JWT_SECRET, service_secret=DEV_SERVICE_SECRET
    )
    assert len(lines) == 1 and "JWT_SECRET, SERVICE_SECRET" in lines[0]
    assert DEV_JWT_SECRET not in lines[0] and DEV_SERVICE_SECRET not in lines[0]


def test_real_secrets_are_not_announced(caplog: pytest.LogCaptureFixture) -> None:
    assert warnings(caplog) == []
