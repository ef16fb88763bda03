"""Message routes (thin: parse, call one service method, wrap in the envelope)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from libs.servicekit.http import json_body, load, ok

from ...application.messages import MessageService
from ...application.receipts import ReceiptService
from .auth import authenticate, current_user
from .schemas import EditSchema, ReactionSchema, SendMessageSchema, StatusSchema, optional_body

bp = Blueprint("messages", __name__)
bp.before_request(authenticate)

Reply = tuple[Response, int]


def _service() -> MessageService:
    service: MessageService = current_app.extensions["chat"].messages
    return service


@bp.get("/messages")
def history() -> Reply:
    args = request.args
    return ok(
        _service().history(
            current_user(),
            args.get("conversationId", ""),
            cursor=args.get("cursor"),
            limit=args.get("limit"),
            direction=args.get("direction"),
        )
    )


@bp.post("/messages")
def send() -> Reply:
    body = load(SendMessageSchema(), json_body())
    view, created = _service().send(
        current_user(),
        conversation_id=body["conversationId"],
        receiver_id=body["receiverId"],
        content=body["content"],
        type=body["type"],
        file_id=body["fileId"],
        reply_to=body["replyTo"],
        temporary_id=body["temporaryId"],
    )
    return ok(view, 201 if created else 200)


@bp.get("/messages/search")
def search() -> Reply:
    args = request.args
    return ok(
        _service().search(
            current_user(), args.get("q"), args.get("conversationId"), args.get("limit")
        )
    )


@bp.get("/messages/<message_id>")
def get_message(message_id: str) -> Reply:
    return ok(_service().get(current_user(), message_id))


@bp.put("/messages/<message_id>")
def edit(message_id: str) -> Reply:
    body = load(EditSchema(), json_body())
    return ok(_service().edit(current_user(), message_id, body["content"]))


@bp.delete("/messages/<message_id>")
def delete(message_id: str) -> Reply:
    scope = request.args.get("scope") or optional_body().get("scope")
    return ok(_service().delete(current_user(), message_id, scope))


@bp.put("/messages/<message_id>/status")
def set_status(message_id: str) -> Reply:
    body = load(StatusSchema(), json_body())
    receipts: ReceiptService = current_app.extensions["chat"].receipts
    return ok(receipts.set_status(current_user(), message_id, body["status"]))


@bp.post("/messages/<message_id>/reactions")
def add_reaction(message_id: str) -> Reply:
    body = load(ReactionSchema(), json_body())
    return ok(_service().react(current_user(), message_id, body["emoji"], add=True))


@bp.delete("/messages/<message_id>/reactions")
def remove_reaction(message_id: str) -> Reply:
    emoji = request.args.get("emoji") or optional_body().get("emoji")
    return ok(_service().react(current_user(), message_id, emoji, add=False))
