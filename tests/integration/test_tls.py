"""TLS where a deployment wants it, with a CA made here: Redis over `rediss://` (our own
`redis-server --tls-port`) and an https auth_user, both trusted through `TLS_CA_FILE`."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from werkzeug.serving import make_server

from libs.servicekit.stores import connect_redis
from libs.sessions import RedisRevocations, RevocationListener, RevocationMirror
from services.chat_file.application.ports import ProfileSourceError
from services.chat_file.infrastructure.auth_client import HttpAuthUserClient
from tests.support.legs import require_command
from tests.support.servers import free_port
from tests.support.tls import TlsFiles, make_ca_and_server_cert
from tests.support.waiting import wait_until


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_redis(tls: TlsFiles, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = require_command("redis-server", "redis-server")
    port = free_port()
    argv = [binary, "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1"]
    argv += ["--tls-cert-file", str(tls.cert), "--tls-key-file", str(tls.key)]
    argv += ["--tls-ca-cert-file", str(tls.ca), "--tls-auth-clients", "no", "--save", ""]
    argv += ["--dir", str(tmp_path_factory.mktemp("redis"))]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"rediss://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait(timeout=5)


def test_redis_over_tls_with_the_test_ca_and_revocations_follow_it(
    tls: TlsFiles, tls_redis: str
) -> None:
    client = connect_redis(tls_redis, ca_file=str(tls.ca))
    assert client.ping()
    mirror, log = RevocationMirror(), RedisRevocations(client, prefix="tls:")
    spawn = lambda fn: threading.Thread(target=fn, daemon=True).start()  # noqa: E731
    RevocationListener(client, log, mirror, spawn=spawn).start()
    wait_until(lambda: mirror.fresh, 5)
    log.revoke_session("s1", "logout")
    wait_until(lambda: mirror.check("u1", "s1", 1) == "revoked", 2)


def test_redis_over_tls_refuses_a_server_the_ca_did_not_sign(tls_redis: str) -> None:
    untrusted = connect_redis(tls_redis, timeout=1)  # the system's trust store
    with pytest.raises(redis.ConnectionError):
        untrusted.ping()


@pytest.fixture(scope="module")
def https_auth_user(tls: TlsFiles) -> Iterator[str]:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        ids = json.loads(environ["wsgi.input"].read(length))["ids"]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"users": [{"id": i, "nom": "Tls"} for i in ids]}).encode()]

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls.cert), str(tls.key))
    server = make_server("127.0.0.1", free_port(), app, ssl_context=context)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_https_auth_user_is_trusted_through_the_ca_bundle(
    tls: TlsFiles, https_auth_user: str
) -> None:
    trusted = HttpAuthUserClient(https_auth_user, timeout=5, ca_file=str(tls.ca))
    assert trusted.fetch_many(["a" * 24]) == {"a" * 24: {"id": "a" * 24, "nom": "Tls"}}
    with pytest.raises(ProfileSourceError):
        HttpAuthUserClient(https_auth_user, timeout=5).fetch_many(["a" * 24])


def test_the_ca_file_setting_reaches_both_services(tls: TlsFiles) -> None:
    from services.auth_user.settings import Settings as AuthSettings
    from services.chat_file.settings import Settings as ChatSettings

    env = {"APP_ENV": "test", "TLS_CA_FILE": str(tls.ca)}
    assert AuthSettings.from_env(env).tls_ca_file == ChatSettings.from_env(env).tls_ca_file
    assert Path(ChatSettings.from_env(env).tls_ca_file).read_bytes().startswith(b"-----BEGIN")
