"""Per-user limits on chat_file's writes and costly reads, shared by every process through
Redis (`libs.ratelimit`), checked in one place per transport: the socket dispatch (each
`Event` names its action) and the HTTP shell's `authenticate` (the table in `http/limits.py`).
A refusal is `RATE_LIMITED` with `retryAfter` (HTTP also `Retry-After`), whichever transport,
process or socket the user comes through. See docs/security.md, "Rate limits"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from libs.ratelimit import Decision, RateTable, variable
from services.chat_file.kernel.errors import ChatError

# action → default rate (`RATE_LIMIT_<ACTION>` overrides it; `off` disables it). N/<period>:
# N at once after a quiet period, then one every period/N on average.
USER_ACTION_DEFAULTS: Mapping[str, str] = {
    "send": "20/2s",  # messages, both transports: 10/s, bursts of 20
    "edit": "60/1m",
    "delete": "60/1m",
    "react": "120/1m",
    "receipts": "1200/1m",  # delivered/read marks (one per message seen)
    "typing": "120/1m",
    "create-conversation": "60/1m",
    "membership": "120/1m",  # add/remove participants, leave
    "upload": "60/1m",
    "history": "600/1m",  # message pages (REST, getMessages, quick/full loads)
    "conversation-list": "300/1m",
    "presence": "300/1m",  # who is online
    "search": "120/1m",
    "report": "60/1h",  # reports of messages (each one alerts every connected moderator)
    "block": "60/1h",  # blocks and unblocks (each rewrites the pair's Redis index)
}


def user_rates(env: Mapping[str, str]) -> RateTable:
    """The table from `RATE_LIMIT_<ACTION>` (a bad value names its variable)."""
    return RateTable.from_env(env, USER_ACTION_DEFAULTS)


def user_limits_off_env() -> dict[str, str]:
    """`RATE_LIMIT_<ACTION>=off` for every action: the environment of a process whose figures
    measure something else (benches, soak), as SOCKET_SEND_RATE=0 does for the socket rate."""
    return {variable(action): "off" for action in USER_ACTION_DEFAULTS}


def no_user_limits() -> RateTable:
    """Every action `off` (test stacks that measure something else, as SOCKET_SEND_RATE=0)."""
    return RateTable(dict.fromkeys(USER_ACTION_DEFAULTS))


class UserRateLimitedError(ChatError):
    code = "RATE_LIMITED"
    message = "Trop de requêtes : réessayez dans un instant"


class Checker(Protocol):
    """`libs.ratelimit.RateLimiter` (Redis), or a test's limiter on an injected clock."""

    def check(self, action: str, user: str) -> Decision: ...


class UserLimits:
    def __init__(self, checker: Checker) -> None:
        self.checker = checker

    def check(self, action: str | None, user_id: str) -> None:
        """Count one `action` by `user_id`, or RATE_LIMITED with the whole seconds to wait."""
        if action is None:
            return
        decision = self.checker.check(action, user_id)
        if not decision.allowed:
            raise UserRateLimitedError(retry_after=decision.retry_after_seconds)
