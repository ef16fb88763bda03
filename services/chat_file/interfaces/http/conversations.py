"""Conversation routes (thin: parse, call one service method, wrap in the envelope)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from libs.servicekit.http import json_body, load, ok

from ...application.conversations import ConversationService
from ...application.receipts import ReceiptService
from .auth import authenticate, current_user
from .schemas import CreateConversationSchema, ParticipantsSchema, ReadSchema, optional_body

bp = Blueprint("conversations", __name__)
bp.before_request(authenticate)

Reply = tuple[Response, int]


def _service() -> ConversationService:
    service: ConversationService = current_app.extensions["chat"].conversations
    return service


def _receipts() -> ReceiptService:
    service: ReceiptService = current_app.extensions["chat"].receipts
    return service


@bp.get("/conversations")
def list_conversations() -> Reply:
    args = request.args
    return ok(_service().list_for(current_user(), args.get("page"), args.get("limit")))


@bp.post("/conversations")
def create_conversation() -> Reply:
    return _create(load(CreateConversationSchema(), json_body()))


@bp.post("/groups")
def create_group() -> Reply:
    return _create({**load(CreateConversationSchema(), json_body()), "type": "GROUP"})


@bp.post("/broadcasts")
def create_broadcast() -> Reply:
    return _create({**load(CreateConversationSchema(), json_body()), "type": "BROADCAST"})


def _create(body: dict[str, Any]) -> Reply:
    view, created = _service().create(
        current_user(),
        body["type"],
        participant_id=body["participantId"],
        name=body["name"],
        members=body["members"] + body["recipients"],
        admins=body["admins"],
    )
    return ok(view, 201 if created else 200)


@bp.get("/conversations/<conversation_id>")
def get_conversation(conversation_id: str) -> Reply:
    return ok(_service().get(current_user(), conversation_id))


@bp.put("/conversations/<conversation_id>/read")
def mark_read(conversation_id: str) -> Reply:
    body = load(ReadSchema(), optional_body())
    return ok(_receipts().mark_read(current_user(), conversation_id, body["messageId"]))


@bp.post("/conversations/<conversation_id>/participants")
def add_participants(conversation_id: str) -> Reply:
    body = load(ParticipantsSchema(), json_body())
    ids = body["userIds"] + body["members"]
    return ok(_service().add_participants(current_user(), conversation_id, ids, body["role"]))


@bp.delete("/conversations/<conversation_id>/participants/<user_id>")
def remove_participant(conversation_id: str, user_id: str) -> Reply:
    return ok(_service().remove_participant(current_user(), conversation_id, user_id))


@bp.post("/conversations/<conversation_id>/leave")
def leave(conversation_id: str) -> Reply:
    return ok(_service().leave(current_user(), conversation_id))
