"""nginx in front of chat_file processes for the tests and the bench: deploy/cluster.py's own
`Cluster` on free loopback ports, plus clients pinned to one backend by their route cookie."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
import requests

from deploy.cluster import Cluster, ProxyConfig

from .legs import require_command
from .servers import free_port

ROUTE_COOKIE = "chat_route"


def require_nginx() -> None:
    require_command("nginx", "nginx", "/usr/sbin/nginx")


@contextmanager
def proxied_cluster(
    env: Mapping[str, str], chat_processes: int = 2, max_upload_bytes: int = 25 * 1024 * 1024
) -> Iterator[Cluster]:
    """`chat_processes` chat_file processes + auth_user behind nginx (cookie-sticky, with the
    X-Upstream header), everything on free ports, run files in a temporary directory."""
    require_nginx()
    with tempfile.TemporaryDirectory(prefix="nginx-") as run_dir:
        proxy = ProxyConfig(
            listen=f"127.0.0.1:{free_port()}",
            chat_ports=[free_port() for _ in range(chat_processes)],
            auth_ports=[free_port()],
            run_dir=Path(run_dir),
            max_upload_bytes=max_upload_bytes,
            expose_upstream=True,
        )
        cluster = Cluster(proxy, {**env, "MAX_UPLOAD_BYTES": str(max_upload_bytes)}, 1)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()


def upstream_of(url: str, route: str) -> str:
    answer = requests.get(f"{url}/health", cookies={ROUTE_COOKIE: route}, timeout=5)
    return str(answer.headers["X-Upstream"])


def routes_to_each_backend(cluster: Cluster) -> list[str]:
    """One route cookie value per chat_file process, in the order of `chat_ports`."""
    wanted = {f"127.0.0.1:{port}": index for index, port in enumerate(cluster.proxy.chat_ports)}
    found: dict[int, str] = {}
    for _ in range(200):
        route = uuid.uuid4().hex
        found.setdefault(wanted[upstream_of(cluster.url, route)], route)
        if len(found) == len(wanted):
            return [found[i] for i in range(len(wanted))]
    raise AssertionError(f"no route cookie reached every backend: {found}")


def cookie_header(route: str) -> dict[str, str]:
    return {"Cookie": f"{ROUTE_COOKIE}={route}"}


def routed_session(route: str | None) -> requests.Session:
    """An HTTP session holding a route cookie, as a browser would: python-socketio sends custom
    headers on its handshake only, but every poll carries the session's cookies."""
    session = requests.Session()
    if route is not None:
        session.cookies.set(ROUTE_COOKIE, route)
    return session


def delete_prefix(redis_url: str, prefix: str) -> None:
    client: Any = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
