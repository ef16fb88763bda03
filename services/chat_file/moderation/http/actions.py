"""Moderator actions (moderators and admins): remove any message, remove an agent from a group
or broadcast, suspend and reinstate an agent. Each is audited (`moderation.md`)."""

from __future__ import annotations

from libs.servicekit.http import Reply, ok
from libs.servicekit.openapi import documented
from services.chat_file.conversations.facade import DeletionView, MembershipView
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS
from services.chat_file.moderation.api.views import SUSPENDED_LIST, SuspendedListView
from services.chat_file.moderation.http.context import moderation

bp = protected_blueprint("moderation_actions", __name__)
WRITE = (*AUTH_ERRORS, "CSRF_FAILED", "INVALID_ID", "MODERATOR_REQUIRED", "SUSPENDED")


@bp.delete("/moderation/messages/<message_id>")
@documented(
    "Remove any message for everyone: a tombstone with deletedBy=moderation, and "
    "message:deleted {by: moderation} to the participants",
    response=DeletionView,
    errors=(*WRITE, "MESSAGE_NOT_FOUND", "MESSAGE_DELETED"),
    tags=["moderation"],
)
def remove_message(message_id: str) -> Reply:
    return ok(moderation().actions.remove_message(current_user(), message_id))


@bp.delete("/moderation/conversations/<conversation_id>/participants/<user_id>")
@documented(
    "Remove an agent from a group or broadcast (participant:removed to the participants)",
    response=MembershipView,
    errors=(*WRITE, "CONVERSATION_NOT_FOUND", "NOT_A_GROUP", "NOT_PARTICIPANT"),
    tags=["moderation"],
)
def remove_member(conversation_id: str, user_id: str) -> Reply:
    user = current_user()
    return ok(moderation().actions.remove_member(user, conversation_id, user_id))


@bp.post("/moderation/users/<user_id>/suspension")
@documented(
    "Suspend an agent: they still read, every conversation write answers 403 SUSPENDED on both "
    "transports, in every process within a second",
    response=SuspendedListView,
    errors=(*WRITE, "USER_NOT_FOUND"),
    tags=["moderation"],
)
def suspend(user_id: str) -> Reply:
    return ok(SUSPENDED_LIST.dump_fast(moderation().actions.suspend(current_user(), user_id)))


@bp.delete("/moderation/users/<user_id>/suspension")
@documented(
    "Reinstate a suspended agent (a no-op when they were not suspended)",
    response=SuspendedListView,
    errors=WRITE,
    tags=["moderation"],
)
def reinstate(user_id: str) -> Reply:
    return ok(SUSPENDED_LIST.dump_fast(moderation().actions.reinstate(current_user(), user_id)))


@bp.get("/moderation/suspensions")
@documented(
    "The suspended agents",
    response=SuspendedListView,
    errors=(*AUTH_ERRORS, "MODERATOR_REQUIRED"),
    tags=["moderation"],
)
def suspended() -> Reply:
    return ok(SUSPENDED_LIST.dump_fast(moderation().actions.suspended(current_user())))
