"""The egress guard: every request made on a user's behalf (Web Push today; webhooks and link
previews later) is checked and made through it. See docs/security.md, "Egress"."""

from .addresses import refusal
from .guard import (
    EgressGuard,
    EgressRefusedError,
    EgressTimeoutError,
    Resolver,
    SystemResolver,
    Target,
)
from .policy import EgressPolicy, EgressSettings
from .transport import GuardedSession

__all__ = [
    "EgressGuard",
    "EgressPolicy",
    "EgressRefusedError",
    "EgressSettings",
    "EgressTimeoutError",
    "GuardedSession",
    "Resolver",
    "SystemResolver",
    "Target",
    "refusal",
]
