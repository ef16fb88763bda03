"""Message routes (thin: parse, call one service method, wrap in the envelope)."""

from __future__ import annotations

from flask import request

from libs.servicekit.http import Reply, json_body, load, ok, optional_body
from libs.servicekit.openapi import documented
from services.chat_file.conversations.api.queries import (
    DeleteQuery,
    EmojiQuery,
    HistoryQuery,
    SearchQuery,
)
from services.chat_file.conversations.api.schemas import (
    EditSchema,
    ReactionSchema,
    SendMessageSchema,
    StatusSchema,
)
from services.chat_file.conversations.api.views import (
    HISTORY,
    SEARCH,
    DeletionView,
    HistoryView,
    MessageDetailView,
    MessageView,
    SearchView,
    StatusView,
    message_of,
)
from services.chat_file.conversations.http.context import commands, use_cases
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.http.limits import http_channel

bp = protected_blueprint("messages", __name__)

READ = (*AUTH_ERRORS, "INVALID_ID", "MESSAGE_NOT_FOUND")
WRITE = (*WRITE_ERRORS, "INVALID_ID", "MESSAGE_NOT_FOUND")
CONTENT = ("EMPTY_CONTENT", "CONTENT_TOO_LONG", "MESSAGE_DELETED")


@bp.get("/messages")
@documented(
    "History of a conversation, newest first, stable cursor (participants only)",
    query=HistoryQuery,
    response=HistoryView,
    errors=(
        *AUTH_ERRORS,
        "INVALID_ID",
        "INVALID_CURSOR",
        "INVALID_PAGINATION",
        "CONVERSATION_NOT_FOUND",
    ),
    tags=["messages"],
)
def history() -> Reply:
    args = request.args
    page = use_cases().messages.history(
        current_user(),
        args.get("conversationId", ""),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
        direction=args.get("direction"),
    )
    return ok(HISTORY.dump_fast(page))


@bp.post("/messages")
@documented(
    "Send (sender = token user); receiverId gets-or-creates the private conversation; "
    "a repeated temporaryId returns the stored message (200)",
    body=SendMessageSchema,
    response=MessageView,
    status=201,
    errors=(
        *WRITE_ERRORS,
        *CONTENT,
        "INVALID_ID",
        "INVALID_MESSAGE_TYPE",
        "SELF_CONVERSATION",
        "USER_NOT_FOUND",
        "CONVERSATION_NOT_FOUND",
        "BROADCAST_READ_ONLY",
        "FILE_NOT_FOUND",
        "RATE_LIMITED",
    ),
    tags=["messages"],
)
def send() -> Reply:
    user = current_user()
    view, created = commands().send_message(user, json_body(), http_channel(user))
    return ok(view, 201 if created else 200)


@bp.get("/messages/search")
@documented(
    "Search message text in the caller's conversations",
    query=SearchQuery,
    response=SearchView,
    errors=(
        *AUTH_ERRORS,
        "INVALID_QUERY",
        "INVALID_PAGINATION",
        "INVALID_CURSOR",
        "CONVERSATION_NOT_FOUND",
    ),
    tags=["messages"],
)
def search() -> Reply:
    args = request.args
    found = use_cases().messages.search(
        current_user(),
        args.get("q"),
        args.get("conversationId"),
        args.get("limit"),
        args.get("cursor"),
    )
    return ok(SEARCH.dump_fast(found))


@bp.get("/messages/<message_id>")
@documented(
    "One message with its edit history", response=MessageDetailView, errors=READ, tags=["messages"]
)
def get_message(message_id: str) -> Reply:
    return ok(message_of(use_cases().messages.get(current_user(), message_id)))


@bp.put("/messages/<message_id>")
@documented(
    "Edit (author only; previous versions kept)",
    body=EditSchema,
    response=MessageDetailView,
    errors=(*WRITE, *CONTENT, "NOT_MESSAGE_AUTHOR"),
    tags=["messages"],
)
def edit(message_id: str) -> Reply:
    return ok(commands().edit_message(current_user(), message_id, json_body()))


@bp.delete("/messages/<message_id>")
@documented(
    "Delete for me (hide) or for everyone (author only)",
    query=DeleteQuery,
    response=DeletionView,
    errors=(*WRITE, "NOT_MESSAGE_AUTHOR", "INVALID_QUERY"),
    tags=["messages"],
)
def delete(message_id: str) -> Reply:
    body = optional_body()
    if request.args.get("scope"):
        body = {**body, "scope": request.args["scope"]}
    return ok(commands().delete_message(current_user(), message_id, body))


@bp.put("/messages/<message_id>/status")
@documented(
    "DELIVERED/READ receipt of this message; READ also moves the caller's read mark",
    body=StatusSchema,
    response=StatusView,
    errors=(*WRITE, "INVALID_STATUS"),
    tags=["messages"],
)
def set_status(message_id: str) -> Reply:
    return ok(commands().set_status(current_user(), message_id, json_body()))


@bp.post("/messages/<message_id>/reactions")
@documented(
    "Add a reaction",
    body=ReactionSchema,
    response=MessageView,
    errors=(*WRITE, "INVALID_EMOJI", "MESSAGE_DELETED"),
    tags=["messages"],
)
def add_reaction(message_id: str) -> Reply:
    body = load(ReactionSchema(), json_body())
    return ok(commands().react(current_user(), message_id, body["emoji"], add=True))


@bp.delete("/messages/<message_id>/reactions")
@documented(
    "Remove a reaction",
    query=EmojiQuery,
    response=MessageView,
    errors=(*WRITE, "INVALID_EMOJI", "MESSAGE_DELETED"),
    tags=["messages"],
)
def remove_reaction(message_id: str) -> Reply:
    emoji = request.args.get("emoji") or optional_body().get("emoji")
    return ok(commands().react(current_user(), message_id, emoji, add=False))
