"""`Services`: what the composition root (`bootstrap.build`) wires and the interfaces read, as
one typed bundle. Declared here, beside the use cases, so that the interfaces never import the
composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from libs.sessions import RevocationListener, RevocationMirror

from ..settings import Settings
from .account import AccountService
from .activation import ActivationService
from .auth import AuthService
from .directory_ports import DirectorySource
from .directory_sync import DirectorySync
from .mfa import MfaService
from .ports import RequestLimiter
from .users import UserDirectory


@dataclass(frozen=True)
class Services:
    settings: Settings
    auth: AuthService
    users: UserDirectory
    account: AccountService
    sync: DirectorySync
    activation: ActivationService
    mfa: MfaService
    sql_source: DirectorySource | None  # DIRECTORY_SOURCE_URL, when configured
    checks: Mapping[str, Callable[[], None]]
    limiter: RequestLimiter
    mirror: RevocationMirror
    listener: RevocationListener | None
