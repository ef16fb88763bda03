"""One gunicorn configuration for both services; `SERVICE=auth_user|chat_file` picks which.

    SERVICE=auth_user gunicorn -c gunicorn.conf.py
    SERVICE=chat_file gunicorn -c gunicorn.conf.py

auth_user: sync-style `gthread` workers (scale with WEB_CONCURRENCY), several by default on
SQLite and PostgreSQL; with `DATABASE_URL=mongomock://` the in-process store lives inside one
worker, so the default is then a single worker with a single thread.
chat_file: `gevent`, one worker per process (Socket.IO needs sticky sessions; scale with more
processes and SOCKETIO_MESSAGE_QUEUE).
"""

import multiprocessing
import os
import shutil
import tempfile

service = os.environ.get("SERVICE", "auth_user")
if service not in {"auth_user", "chat_file"}:
    raise SystemExit(f"SERVICE must be auth_user or chat_file, not {service!r}")

_default_port = {"auth_user": "8001", "chat_file": "8003"}[service]
_port = os.environ.get(
    "AUTH_USER_SERVICE_PORT" if service == "auth_user" else "CHAT_FILE_SERVICE_PORT", _default_port
)
_database = os.environ.get("DATABASE_URL") or os.environ.get("MONGODB_URI") or "sqlite"
_in_process = _database.startswith("mongomock")

if service == "chat_file":
    worker_class = "gevent"
    workers = 1
    worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "2000"))
else:
    worker_class = "gthread"
    workers = int(
        os.environ.get(
            "WEB_CONCURRENCY", "1" if _in_process else str(multiprocessing.cpu_count() * 2 + 1)
        )
    )
    # mongomock is not thread-safe: one thread when it is the store.
    threads = int(os.environ.get("THREADS", "1" if _in_process else "4"))

# Several workers: Prometheus counters go to shared files so /metrics adds up every worker.
# Must be set before prometheus_client is imported (it picks its storage at import).
_own_metrics_dir = None
if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _own_metrics_dir = tempfile.mkdtemp(prefix=f"ngomna-{service}-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir

from libs.servicekit.observability import gunicorn_logconfig  # noqa: E402

wsgi_app = f"wsgi.{service}:app"
bind = [os.environ.get("BIND", f"0.0.0.0:{_port}")]
if os.environ.get("METRICS_BIND", "").strip():  # an internal listener: /metrics without a token
    bind.append(os.environ["METRICS_BIND"].strip())
proc_name = f"ngomna-{service}"
control_socket_disable = True  # two masters on one host would fight over the default socket
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One JSON object per line for gunicorn's own and access logs (request id, no query string).
logconfig_dict = gunicorn_logconfig(service, loglevel)
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "10"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "30"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A dead worker's live gauges must not count any more (multi-worker metrics)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # type: ignore[no-untyped-def]
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
