"""The socket event `sync {since, limit}`: the same answer as `GET /sync`, in the ack (and the
reply event `sync:result`); failures go to `sync:error` with the same codes."""

from __future__ import annotations

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import Data, Event, Payload
from services.chat_file.sync.api.views import SYNC
from services.chat_file.sync.application.bundle import SyncServices


class SyncQuery(Payload):
    since = fields.Raw(load_default=None)
    limit = fields.Raw(load_default=None)


SYNC_QUERY = SyncQuery()


class SyncEvents:
    EVENTS = {"sync": Event("sync", reply="sync:result", error="sync:error")}

    def __init__(self, use_cases: SyncServices) -> None:
        self._sync = use_cases.sync

    def sync(self, user: Identity, data: Data) -> Data:
        query = load(SYNC_QUERY, data)
        return SYNC.dump_fast(self._sync.sync(user, query["since"], query["limit"]))
