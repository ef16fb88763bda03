"""Conversation routes (thin: parse, call one service method, wrap in the envelope)."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import jsonify, request

from libs.servicekit.http import Reply, json_body, ok, optional_body
from libs.servicekit.openapi import documented
from services.chat_file.conversations.api.aliases import list_metadata
from services.chat_file.conversations.api.queries import OffsetQuery, PageQuery
from services.chat_file.conversations.api.schemas import (
    CreateConversationSchema,
    ParticipantsSchema,
    ReadSchema,
)
from services.chat_file.conversations.api.views import (
    CONVERSATION,
    CONVERSATION_PAGE,
    PARTICIPANT_IDS,
    ConversationPageView,
    ConversationView,
    LeftView,
    ParticipantIdPageView,
    ReadView,
)
from services.chat_file.conversations.http.context import commands, use_cases
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS

bp = protected_blueprint("conversations", __name__)

READ = (*AUTH_ERRORS, "INVALID_ID", "CONVERSATION_NOT_FOUND")
WRITE = (*WRITE_ERRORS, "INVALID_ID", "CONVERSATION_NOT_FOUND")
CREATE = (
    *WRITE_ERRORS,
    "INVALID_ID",
    "INVALID_CONVERSATION_TYPE",
    "INVALID_NAME",
    "MEMBERS_REQUIRED",
    "SELF_CONVERSATION",
    "USER_NOT_FOUND",
)
MANAGE = (*WRITE, "NOT_A_GROUP", "NOT_CONVERSATION_ADMIN")


@bp.get("/conversations")
@documented(
    "The caller's conversations by last activity, with unread counts and display data "
    "(the envelope also carries the old clients' metadata {userId, processingTime, timestamp, "
    "pagination} beside data)",
    query=PageQuery,
    response=ConversationPageView,
    errors=(*AUTH_ERRORS, "INVALID_PAGINATION"),
    tags=["conversations"],
)
def list_conversations() -> Reply:
    started, args, user = time.perf_counter(), request.args, current_user()
    page = use_cases().conversations.list_for(user, args.get("page"), args.get("limit"))
    found = CONVERSATION_PAGE.dump_fast(page)
    # the old clients read `metadata` beside `data` (it stays inside `data` too)
    took = round((time.perf_counter() - started) * 1000, 1)
    body = {"success": True, "data": found, "metadata": list_metadata(user.user_id, took, found)}
    return jsonify(body), 200


# POST /conversations and its compat aliases: one command, the alias fixes the type.
CREATIONS = (
    (
        "/conversations",
        "create_conversation",
        None,
        "PRIVATE {participantId}: get-or-create (201 new, 200 existing); "
        "GROUP|BROADCAST {name, members, admins}",
    ),
    ("/groups", "create_group", "GROUP", "Create a group (compat alias)"),
    (
        "/broadcasts",
        "create_broadcast",
        "BROADCAST",
        "Create a broadcast; members in `recipients` or `members` (compat alias)",
    ),
)


def _creation(kind: str | None, summary: str) -> Callable[[], Reply]:
    @documented(
        summary,
        body=CreateConversationSchema,
        response=ConversationView,
        status=201,
        errors=CREATE,
        tags=["conversations"],
    )
    def create() -> Reply:
        view, created = commands().create_conversation(current_user(), json_body(), kind)
        return ok(view, 201 if created else 200)

    return create


for _path, _endpoint, _kind, _summary in CREATIONS:
    bp.add_url_rule(_path, _endpoint, _creation(_kind, _summary), methods=["POST"])


@bp.get("/conversations/<conversation_id>")
@documented(
    "One conversation (participants only)",
    response=ConversationView,
    errors=READ,
    tags=["conversations"],
)
def get_conversation(conversation_id: str) -> Reply:
    return ok(
        CONVERSATION.dump_fast(use_cases().conversations.get(current_user(), conversation_id))
    )


@bp.get("/conversations/<conversation_id>/participants")
@documented(
    "Participant ids the caller may see, paged (a conversation's view carries the first 200)",
    query=OffsetQuery,
    response=ParticipantIdPageView,
    errors=(*READ, "INVALID_PAGINATION"),
    tags=["conversations"],
)
def participant_ids(conversation_id: str) -> Reply:
    args = request.args
    page = use_cases().conversations.participant_ids(
        current_user(), conversation_id, args.get("offset"), args.get("limit")
    )
    return ok(PARTICIPANT_IDS.dump_fast(page))


@bp.put("/conversations/<conversation_id>/read")
@documented(
    "Read up to messageId (default: the latest); all before it become read",
    body=ReadSchema,
    response=ReadView,
    errors=(*WRITE, "MESSAGE_NOT_FOUND"),
    tags=["conversations"],
)
def mark_read(conversation_id: str) -> Reply:
    return ok(commands().mark_read(current_user(), conversation_id, optional_body()))


@bp.post("/conversations/<conversation_id>/participants")
@documented(
    "Admins add members (role=admin promotes: how the last admin hands over)",
    body=ParticipantsSchema,
    response=ConversationView,
    errors=(*MANAGE, "MEMBERS_REQUIRED"),
    tags=["conversations"],
)
def add_participants(conversation_id: str) -> Reply:
    return ok(commands().add_participants(current_user(), conversation_id, json_body()))


@bp.delete("/conversations/<conversation_id>/participants/<user_id>")
@documented(
    "Admins remove a participant",
    response=ConversationView,
    errors=(*MANAGE, "NOT_PARTICIPANT", "LAST_ADMIN"),
    tags=["conversations"],
)
def remove_participant(conversation_id: str, user_id: str) -> Reply:
    return ok(commands().remove_participant(current_user(), conversation_id, user_id))


@bp.post("/conversations/<conversation_id>/leave")
@documented(
    "Leave a group or broadcast (the last admin hands over first)",
    response=LeftView,
    errors=(*WRITE, "NOT_A_GROUP", "LAST_ADMIN"),
    tags=["conversations"],
)
def leave(conversation_id: str) -> Reply:
    return ok(commands().leave(current_user(), conversation_id))
