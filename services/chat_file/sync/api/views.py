"""The wire shape of a sync answer (`GET /sync`, the socket event `sync`)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from libs.servicekit.views import View
from services.chat_file.kernel.clock import iso
from services.chat_file.sync.application.sync import SyncPage
from services.chat_file.sync.domain.changes import Change


class ChangeView(View):
    shaped = True  # `SyncView` hands over each change already in this shape

    seq = fields.Integer(metadata={"description": "the caller's own change number"})
    event = fields.String(metadata={"description": "the socket event this change was sent as"})
    data = fields.Dict(metadata={"description": "that event's payload, as it was sent"})
    at = fields.String(metadata={"description": "when the change was logged (ISO-8601)"})

    def extract(self, change: Change | dict[str, Any]) -> dict[str, Any]:
        if isinstance(change, dict):
            return change
        return {"seq": change.seq, "event": change.event, "data": change.data, "at": iso(change.at)}


CHANGE = ChangeView()


class SyncView(View):
    changes = fields.List(fields.Nested(ChangeView), metadata={"description": "oldest first"})
    next = fields.String(metadata={"description": "the token of the next sync"})
    hasMore = fields.Boolean(metadata={"description": "true: call again with `next` at once"})

    def extract(self, page: SyncPage) -> dict[str, Any]:
        changes = [CHANGE.extract(change) for change in page.changes]
        return {"changes": changes, "next": page.next, "hasMore": page.has_more}


SYNC = SyncView()
