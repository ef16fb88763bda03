"""deploy/nginx.conf.template rendered by deploy/cluster.py: every placeholder filled, limits
aligned with MAX_UPLOAD_BYTES, both sticky modes accepted by the real `nginx -t`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from deploy.cluster import (
    MULTIPART_OVERHEAD,
    ProxyConfig,
    check_nginx_config,
    cluster_from_args,
    parse_args,
    render_nginx_config,
    write_nginx_config,
)
from tests.support.proxy import require_nginx


def config(tmp_path: Path, **changes: object) -> ProxyConfig:
    values: dict[str, object] = {
        "listen": "127.0.0.1:18080",
        "chat_ports": [18003, 18004, 18005],
        "auth_ports": [18001],
        "run_dir": tmp_path,
        "max_upload_bytes": 10_000_000,
        **changes,
    }
    return ProxyConfig(**values)  # type: ignore[arg-type]


def test_rendering_fills_the_backends_the_limit_and_the_paths(tmp_path: Path) -> None:
    text = render_nginx_config(config(tmp_path))
    assert "{{" not in text
    for port in (18003, 18004, 18005, 18001):
        assert f"server 127.0.0.1:{port} max_fails=1" in text
    assert f"client_max_body_size {10_000_000 + MULTIPART_OVERHEAD};" in text
    assert "hash $chat_route consistent;" in text and "ip_hash" not in text.split("upstream")[1]
    assert f"pid {tmp_path.resolve()}/nginx.pid;" in text
    assert "X-Upstream" not in text  # internal addresses are not shown unless asked
    assert "location ~ ^/(auth/)?(metrics|ready)/?$" in text  # never passed on


def test_the_cluster_tells_the_services_to_trust_nginx_as_one_proxy_hop(tmp_path: Path) -> None:
    require_nginx()  # planning renders and checks the nginx configuration
    args = parse_args(["--run-dir", str(tmp_path)])
    planned = cluster_from_args(args, {"APP_ENV": "test"})._plan()
    services = [child for child in planned if child.name != "nginx"]
    assert {child.env["TRUSTED_PROXY_HOPS"] for child in services} == {"1"}
    kept = cluster_from_args(args, {"TRUSTED_PROXY_HOPS": "2"})._plan()
    assert {child.env["TRUSTED_PROXY_HOPS"] for child in kept if child.name != "nginx"} == {"2"}


@pytest.mark.parametrize("sticky", ["cookie", "ip_hash"])
def test_nginx_accepts_the_rendered_configuration(tmp_path: Path, sticky: str) -> None:
    require_nginx()
    check_nginx_config(write_nginx_config(config(tmp_path, sticky=sticky, expose_upstream=True)))


def test_nginx_refuses_a_broken_rendering(tmp_path: Path) -> None:
    require_nginx()
    conf = write_nginx_config(config(tmp_path))
    conf.write_text(conf.read_text().replace("listen 127.0.0.1:18080;", "listen nowhere:x;"))
    with pytest.raises(RuntimeError, match="listen"):
        check_nginx_config(conf)


def test_unknown_sticky_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sticky"):
        render_nginx_config(config(tmp_path, sticky="random"))


def test_command_line_builds_consecutive_ports_and_reads_the_upload_limit(tmp_path: Path) -> None:
    args: argparse.Namespace = parse_args(
        ["--chat-processes", "3", "--chat-port-base", "9100", "--run-dir", str(tmp_path)]
    )
    cluster = cluster_from_args(args, {"MAX_UPLOAD_BYTES": "5000000"})
    assert list(cluster.proxy.chat_ports) == [9100, 9101, 9102]
    assert cluster.proxy.max_upload_bytes == 5_000_000 and cluster.proxy.sticky == "cookie"


def test_with_pgbouncer_the_services_reach_postgresql_through_it(tmp_path: Path) -> None:
    require_nginx()
    args = parse_args(["--run-dir", str(tmp_path), "--pgbouncer", "--pgbouncer-port", "7432"])
    env = {"DATABASE_URL": "postgresql+psycopg://chat:s%22cret@db.internal:5433/ngomna"}
    planned = cluster_from_args(args, env)._plan()
    assert planned[0].name == "pgbouncer" and planned[0].health_url == "tcp://127.0.0.1:7432"
    assert planned[0].env["DATABASE_URL"] == env["DATABASE_URL"]  # it is given the real one
    for child in planned[1:]:
        assert (
            child.env["DATABASE_URL"] == "postgresql+psycopg://chat:s%22cret@127.0.0.1:7432/ngomna"
        )
        assert child.env["DB_PREPARED_STATEMENTS"] == "false"
    ini = (tmp_path / "pgbouncer.ini").read_text()
    assert "* = host=db.internal port=5433" in ini and "pool_mode = transaction" in ini
    assert (tmp_path / "userlist.txt").read_text() == '"chat" "s""cret"\n'


def test_pgbouncer_needs_a_postgresql_database(tmp_path: Path) -> None:
    args = parse_args(["--run-dir", str(tmp_path), "--pgbouncer"])
    with pytest.raises(SystemExit, match="PostgreSQL"):
        cluster_from_args(args, {"DATABASE_URL": "sqlite:///var/chat.db"})
