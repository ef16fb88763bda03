"""HTTP sends (`POST /messages`, `POST /upload`) share the socket send rate, per user and per
process: `SOCKET_SEND_RATE` a second, bursts of twice that; beyond it 429 RATE_LIMITED."""

from __future__ import annotations

from flask import current_app

from ...domain.errors import SendRateLimitedError
from .auth import current_user


def check_send_rate() -> None:
    limiter = current_app.extensions["chat"].send_limiter
    if limiter is not None and not limiter.allow(f"http:{current_user().user_id}"):
        raise SendRateLimitedError()
