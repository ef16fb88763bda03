"""A threaded `http.server` on a fixed loopback port: `stop()` then `start()` again keeps the
port, so a client pointed at it sees the service go away and come back."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LoopbackHTTP:
    port: int
    _server: ThreadingHTTPServer | None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise TypeError(f"{type(self).__name__} must define handler()")

    def start(self) -> Any:
        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
