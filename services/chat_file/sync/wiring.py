"""The sync context's part of a composition root: the notifier that logs every announced change
before it is sent, the sync use case, its socket handler group."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.chat_file.kernel.notifier import Encoder, Notifier
from services.chat_file.realtime.api import HandlerGroup
from services.chat_file.sync.application.bundle import SyncServices
from services.chat_file.sync.application.journal import JournaledNotifier, UserDelivery
from services.chat_file.sync.application.ports import ChangeLog
from services.chat_file.sync.application.sync import SyncService
from services.chat_file.sync.socket.events import SyncEvents


class SyncConfig(Protocol):
    @property
    def sync_window(self) -> int: ...
    @property
    def sync_max_limit(self) -> int: ...


def wire_sync(
    config: SyncConfig, log: ChangeLog, clock: Callable[[], datetime] | None = None
) -> SyncServices:
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    window = timedelta(seconds=config.sync_window)
    return SyncServices(SyncService(log, window, config.sync_max_limit, **clocked))


def journaled(
    log: ChangeLog,
    encode: Encoder,
    *,
    deliver: UserDelivery | None = None,
    then: Notifier | None = None,
    clock: Callable[[], datetime] | None = None,
) -> JournaledNotifier:
    """The notifier the use cases announce through: log, then `deliver` each user's copy with
    its `seq` (sockets), or hand the announcement to `then` (a test's notifier)."""
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    return JournaledNotifier(log, encode, deliver=deliver, then=then, **clocked)


def socket_groups(use_cases: SyncServices) -> list[HandlerGroup]:
    return [SyncEvents(use_cases)]
