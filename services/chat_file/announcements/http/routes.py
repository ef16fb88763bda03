"""Announcement routes: broadcasts to org units and agents, sending, receipts, the census."""

from __future__ import annotations

from flask import request

from libs.servicekit.http import Reply, json_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.context import provided
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.kernel.ids import check_object_id

from ..api.schemas import BroadcastSchema, MembersSchema, ReceiptSchema, SendSchema
from ..api.views import (
    ANNOUNCEMENT,
    BROADCAST,
    CENSUS,
    MEMBERS,
    RECEIPT,
    AnnouncementView,
    BroadcastView,
    CensusView,
    MembersView,
    ReceiptView,
)
from ..application.announcements import AnnouncementService
from ..application.bundle import AnnouncementsServices
from ..domain.model import Priority, ReceiptState
from ..domain.units import Unit

bp = protected_blueprint("announcements", __name__)
TAGS = ["announcements"]
BROADCAST_ERRORS = ("INVALID_ID", "BROADCAST_NOT_FOUND")
MESSAGE_ERRORS = ("INVALID_ID", "ANNOUNCEMENT_NOT_FOUND")


def service() -> AnnouncementService:
    return provided(AnnouncementsServices).announcements


def org_admin() -> bool:
    return current_user().role == "admin"


@bp.post("/announcements/broadcasts")
@documented(
    "Create a broadcast to org units and/or named agents (org admins; the creator is an admin)",
    body=BroadcastSchema,
    response=BroadcastView,
    status=201,
    errors=(*WRITE_ERRORS, "INVALID_AUDIENCE", "INVALID_ANNOUNCEMENT", "BROADCAST_READ_ONLY"),
    tags=TAGS,
)
def create_broadcast() -> Reply:
    body = load(BroadcastSchema(), json_body())
    made = service().create_broadcast(
        current_user().user_id,
        org_admin(),
        title=body["title"],
        units=[Unit.of(u["ministere"], u["direction"], u["service"]) for u in body["units"]],
        agents=body["agents"],
        admins=body["admins"],
    )
    return ok(BROADCAST.dump_fast(made), 201)


@bp.get("/announcements/broadcasts/<broadcast_id>")
@documented(
    "A broadcast (its admins, org admins and its audience)",
    response=BroadcastView,
    errors=(*AUTH_ERRORS, *BROADCAST_ERRORS),
    tags=TAGS,
)
def get_broadcast(broadcast_id: str) -> Reply:
    found = service().broadcast(current_user().user_id, org_admin(), check_object_id(broadcast_id))
    return ok(BROADCAST.dump_fast(found))


@bp.post("/announcements/broadcasts/<broadcast_id>/messages")
@documented(
    "Send an announcement (priority, requestAck); recipients are read-only "
    "(event announcement:new to the unit rooms and the named agents)",
    body=SendSchema,
    response=AnnouncementView,
    status=201,
    errors=(*WRITE_ERRORS, *BROADCAST_ERRORS, "BROADCAST_READ_ONLY", "INVALID_ANNOUNCEMENT"),
    tags=TAGS,
)
def send(broadcast_id: str) -> Reply:
    body = load(SendSchema(), json_body())
    sent = service().send(
        current_user().user_id,
        org_admin(),
        check_object_id(broadcast_id),
        content=body["content"],
        priority=Priority(body["priority"]),
        request_ack=body["requestAck"],
    )
    return ok(ANNOUNCEMENT.dump_fast(sent), 201)


@bp.post("/messages/<message_id>/ack")
@documented(
    "Acknowledge an announcement that asked for it (idempotent: changed false the second time)",
    response=ReceiptView,
    errors=(
        *AUTH_ERRORS,
        "CSRF_FAILED",
        *MESSAGE_ERRORS,
        "BROADCAST_NOT_FOUND",
        "ACK_NOT_REQUESTED",
    ),
    tags=TAGS,
)
def ack(message_id: str) -> Reply:
    changed = service().mark(
        current_user().user_id, check_object_id(message_id), ReceiptState.ACKNOWLEDGED
    )
    return ok(RECEIPT.dump_fast((message_id, "acknowledged", changed)))


@bp.post("/announcements/<message_id>/receipts")
@documented(
    "A recipient's device reports an announcement delivered or read (idempotent)",
    body=ReceiptSchema,
    response=ReceiptView,
    errors=(*WRITE_ERRORS, *MESSAGE_ERRORS, "BROADCAST_NOT_FOUND"),
    tags=TAGS,
)
def receipt(message_id: str) -> Reply:
    body = load(ReceiptSchema(), json_body())
    state = ReceiptState(body["state"])
    changed = service().mark(current_user().user_id, check_object_id(message_id), state)
    return ok(RECEIPT.dump_fast((message_id, state.value, changed)))


@bp.get("/messages/<message_id>/acks")
@documented(
    "Exact counts per unit {acknowledged, read, delivered, pending} and the first pending "
    "agents (the author, the broadcast's admins, org admins)",
    response=CensusView,
    errors=(
        *AUTH_ERRORS,
        *MESSAGE_ERRORS,
        "BROADCAST_NOT_FOUND",
        "BROADCAST_READ_ONLY",
        "INVALID_ANNOUNCEMENT",
    ),
    tags=TAGS,
)
def acks(message_id: str) -> Reply:
    group_by = request.args.get("groupBy", "ministere")
    census = service().census(
        current_user().user_id, org_admin(), check_object_id(message_id), group_by
    )
    return ok(CENSUS.dump_fast(census))


@bp.put("/announcements/org-members")
@documented(
    "Record agents' current org units (org admins; up to 1 000 a call): what the census and "
    "the push fan-out count as a unit's agents",
    body=MembersSchema,
    response=MembersView,
    errors=(*WRITE_ERRORS, "BROADCAST_READ_ONLY"),
    tags=TAGS,
)
def put_members() -> Reply:
    body = load(MembersSchema(), json_body())
    members = [
        (m["userId"], Unit.of(m["ministere"], m["direction"], m["service"]))
        for m in body["members"]
    ]
    return ok(MEMBERS.dump_fast(service().learn_units(org_admin(), members)))
