"""`Services`: what the composition root (`bootstrap.build`) wires and the interfaces read, as
one typed bundle. Declared here, beside the use cases, so that the interfaces never import the
composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from libs.sessions import RevocationListener, RevocationMirror

from ..settings import Settings
from .auth import AuthService
from .ports import RequestLimiter
from .users import UserDirectory


@dataclass(frozen=True)
class Services:
    settings: Settings
    auth: AuthService
    users: UserDirectory
    checks: Mapping[str, Callable[[], None]]
    limiter: RequestLimiter
    mirror: RevocationMirror
    listener: RevocationListener | None
