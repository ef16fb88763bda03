"""`SyncServices`: the sync context's use case, as a composition root wires it and its
transports read it."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.sync.application.sync import SyncService


@dataclass(frozen=True)
class SyncServices:
    sync: SyncService
