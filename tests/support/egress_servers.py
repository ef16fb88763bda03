"""Loopback HTTP(S) servers that misbehave on purpose, for the egress guard's tests.

One server, one behaviour per path:
- `/ok`: 200 `ok` (a target the guard must really reach);
- `/redirect?to=<url>`: 307 to `<url>`;
- `/drip`: headers, then one byte of a 1000-byte body every 0.1 s;
- `/silent`: reads the request and never answers;
- `/huge`: announces 50 MB and streams zeros;
- `/chunked`: streams zeros in chunks with no length, for ever.
Every request is recorded (`hits`: path and headers). IPv4 or IPv6 loopback; https with a
certificate when `tls` is given.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.tls import TlsFiles


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@dataclass
class MisbehavingServer:
    host: str = "127.0.0.1"
    tls: TlsFiles | None = None
    hits: list[Hit] = field(default_factory=list)
    server_names: list[str] = field(default_factory=list)  # TLS SNI seen
    stopping: threading.Event = field(default_factory=threading.Event)
    _server: _Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.tls else "http"
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme}://{name}:{self.port}{path}"

    def start(self) -> MisbehavingServer:
        server_class = _Server
        if ":" in self.host:
            server_class = type("_Server6", (_Server,), {"address_family": socket.AF_INET6})
        self._server = server_class((self.host, 0), _handler(self))
        if self.tls is not None:
            self._server.socket = self._tls_context().wrap_socket(
                self._server.socket, server_side=True
            )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _tls_context(self) -> ssl.SSLContext:
        assert self.tls is not None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.tls.cert, self.tls.key)

        def seen(_sock: Any, name: str | None, _ctx: Any) -> None:
            self.server_names.append(name or "")

        context.sni_callback = seen
        return context


def _handler(server: MisbehavingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0") or 0)
            self.rfile.read(length)
            self._serve()

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            server.hits.append(Hit(path, {k.lower(): v for k, v in self.headers.items()}))
            behaviour = getattr(self, "_" + path.strip("/"), None)
            if behaviour is None:
                self._answer(404, b"no such behaviour")
            else:
                behaviour(query)

        def _answer(self, status: int, body: bytes, **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _ok(self, _query: str) -> None:
            self._answer(200, b"ok")

        def _redirect(self, query: str) -> None:
            self._answer(307, b"", Location=query.removeprefix("to="))

        def _drip(self, _query: str) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                if server.stopping.wait(0.1):
                    return
                self.wfile.write(b"x")
                self.wfile.flush()

        def _silent(self, _query: str) -> None:
            server.stopping.wait(30)

        def _huge(self, _query: str) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            self._zeros()

        def _chunked(self, _query: str) -> None:
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"0" * 16384
            deadline = time.monotonic() + 30
            while not server.stopping.is_set() and time.monotonic() < deadline:
                try:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except OSError:
                    return

        def _zeros(self) -> None:
            chunk = bytes(65536)
            for _ in range(800):
                if server.stopping.is_set():
                    return
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return

        def log_message(self, *args: Any) -> None:
            return None

    return Handler
