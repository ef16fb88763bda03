"""What `create_app` wired, as the blueprints read it: each context's bundle (declared in that
context's application layer) found by its type, and the `Edge` the HTTP shell itself needs.
Nothing here imports a composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app

from services.chat_file.http.readiness import Readiness
from services.chat_file.kernel.limits import UserLimits
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.users.application.ports import TokenVerifier

PROVIDED = "chat.provided"
T = TypeVar("T")


@dataclass(frozen=True)
class Edge:
    """What the HTTP shell reads itself: the token verifier, the origins allowed to send
    cookie-borne writes (CSRF), the send rate HTTP writes share with sockets, readiness, the
    per-user limits."""

    verifier: TokenVerifier
    allowed_origins: tuple[str, ...]
    limiter: SendRateLimiter
    readiness: Readiness
    limits: UserLimits  # per-user limits shared through Redis (kernel/limits.py)


def provide(app: Flask, *bundles: object) -> None:
    """Make each bundle readable by its type (`provided(FilesServices)`) in this app."""
    app.extensions[PROVIDED] = {type(bundle): bundle for bundle in bundles}


def provided(kind: type[T]) -> T:
    found = current_app.extensions[PROVIDED][kind]
    if not isinstance(found, kind):
        raise TypeError(f"{kind.__name__} expected, {type(found).__name__} provided")
    return found
