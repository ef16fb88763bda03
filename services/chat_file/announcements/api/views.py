"""The wire shapes of announcements: views that document what they return."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from libs.servicekit.views import View
from services.chat_file.kernel.clock import iso

from ..domain.model import Announcement, Broadcast, Census, UnitCensus


class UnitView(View):
    ministere = fields.String()
    direction = fields.String()
    service = fields.String()

    def extract(self, unit: Any) -> dict[str, Any]:
        return {"ministere": unit.ministere, "direction": unit.direction, "service": unit.service}


class BroadcastView(View):
    """Unit names are the folded ones (accents, case and repeated spaces aside)."""

    id = fields.String()
    title = fields.String()
    createdBy = fields.String()
    admins = fields.List(fields.String())
    units = fields.List(fields.Nested(UnitView))
    agents = fields.List(fields.String())
    messageCount = fields.Integer()
    lastMessageAt = fields.String(allow_none=True)
    createdAt = fields.String()

    def extract(self, broadcast: Broadcast) -> dict[str, Any]:
        return {
            "id": broadcast.id,
            "title": broadcast.title,
            "createdBy": broadcast.created_by,
            "admins": sorted(broadcast.admins),
            "units": list(broadcast.audience.units),
            "agents": sorted(broadcast.audience.agents),
            "messageCount": broadcast.message_count,
            "lastMessageAt": iso(broadcast.last_message_at),
            "createdAt": iso(broadcast.created_at),
        }


class AnnouncementView(View):
    id = fields.String()
    broadcastId = fields.String()
    senderId = fields.String()
    content = fields.String()
    priority = fields.String(metadata={"enum": ["normal", "important", "urgent"]})
    requestAck = fields.Boolean()
    createdAt = fields.String()

    def extract(self, sent: Announcement) -> dict[str, Any]:
        return {
            "id": sent.id,
            "broadcastId": sent.broadcast_id,
            "senderId": sent.sender_id,
            "content": sent.content,
            "priority": sent.priority.value,
            "requestAck": sent.request_ack,
            "createdAt": iso(sent.created_at),
        }


class ReceiptView(View):
    messageId = fields.String()
    state = fields.String(metadata={"enum": ["delivered", "read", "acknowledged"]})
    changed = fields.Boolean(metadata={"description": "false: already recorded (idempotent)"})

    def extract(self, receipt: tuple[str, str, bool]) -> dict[str, Any]:
        return {"messageId": receipt[0], "state": receipt[1], "changed": receipt[2]}


class UnitCensusView(View):
    """Each recipient counts once, in the furthest state reached."""

    unit = fields.String(metadata={"description": "folded names down to groupBy, '/'-joined"})
    acknowledged = fields.Integer()
    read = fields.Integer()
    delivered = fields.Integer()
    pending = fields.Integer()

    def extract(self, row: UnitCensus) -> dict[str, Any]:
        return {
            "unit": row.unit,
            "acknowledged": row.acknowledged,
            "read": row.read,
            "delivered": row.delivered,
            "pending": row.pending,
        }


class CensusView(View):
    groupBy = fields.String()
    units = fields.List(fields.Nested(UnitCensusView))
    pendingAgents = fields.List(
        fields.String(), metadata={"description": "the first 200 ids not acknowledged (or read)"}
    )

    def extract(self, census: Census) -> dict[str, Any]:
        return {
            "groupBy": census.group_by,
            "units": census.units,
            "pendingAgents": census.pending_agents,
        }


class MembersView(View):
    updated = fields.Integer(metadata={"description": "agents whose unit was recorded"})

    def extract(self, count: int) -> dict[str, Any]:
        return {"updated": count}


UNIT = UnitView()
MEMBERS = MembersView()
UNIT_CENSUS = UnitCensusView()
BROADCAST = BroadcastView()
ANNOUNCEMENT = AnnouncementView()
RECEIPT = ReceiptView()
CENSUS = CensusView()
