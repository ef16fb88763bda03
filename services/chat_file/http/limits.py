"""HTTP sends (`POST /messages`, `POST /upload`) share the socket send rate, per user and per
process: `SOCKET_SEND_RATE` a second, bursts of twice that; beyond it 429 RATE_LIMITED."""

from __future__ import annotations

from services.chat_file.conversations.api.commands import http_channel
from services.chat_file.http.auth import current_user
from services.chat_file.http.context import services


def check_send_rate() -> None:
    services().commands.check_send_rate(http_channel(current_user()))
