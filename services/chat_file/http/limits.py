"""HTTP sends (`POST /messages`, `POST /upload`) share the socket send rate, per user and per
process: `SOCKET_SEND_RATE` a second, bursts of twice that; beyond it 429 RATE_LIMITED."""

from __future__ import annotations

from services.chat_file.http.auth import current_user
from services.chat_file.http.context import Edge, provided
from services.chat_file.kernel.identity import Identity


def http_channel(user: Identity) -> str:
    """HTTP sends are counted per user (each process counts its own)."""
    return f"http:{user.user_id}"


def check_send_rate() -> None:
    provided(Edge).limiter.check(http_channel(current_user()))
