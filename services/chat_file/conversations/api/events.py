"""The events the conversation use cases announce, as their sockets carry them: each typed
payload through its view (`views.py`), with the old clients' fields (`aliases.py`). The
composition root gives `encode` to the real-time notifier; a plain mapping passes through."""

from __future__ import annotations

from typing import Any

from services.chat_file.conversations.api.aliases import edited_event, invitation
from services.chat_file.conversations.api.views import (
    CONVERSATION,
    DELETION,
    MEMBERSHIP,
    MESSAGE,
    READ,
    STATUS,
    message_of,
)
from services.chat_file.conversations.application.results import (
    ConversationResult,
    Deletion,
    Edit,
    Invitation,
    MembershipChange,
    MessageResult,
    ReadMark,
    StatusChange,
)
from services.chat_file.kernel.clock import iso


def encode(event: str, payload: object) -> dict[str, Any]:
    """The JSON payload of `event`."""
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, MessageResult):  # newMessage, message:reaction
        return message_of(payload)
    if isinstance(payload, Edit):
        return edited_event(message_of(payload.message), payload.editor, payload.editor_matricule)
    if isinstance(payload, Deletion):
        return _deleted(payload)
    if isinstance(payload, ConversationResult):  # conversation:created
        return CONVERSATION.dump_fast(payload)
    if isinstance(payload, Invitation):
        view, inviter = CONVERSATION.dump_fast(payload.conversation), payload.inviter
        return invitation(view, inviter.user_id, inviter.matricule, iso(payload.at))
    if isinstance(payload, MembershipChange):
        return MEMBERSHIP.dump_fast(payload)
    if isinstance(payload, StatusChange):
        return STATUS.dump_fast(payload)
    if isinstance(payload, ReadMark):
        return {**READ.dump_fast(payload), "userId": payload.user_id}
    raise TypeError(f"no wire shape for {event} ({type(payload).__name__})")


def _deleted(deletion: Deletion) -> dict[str, Any]:
    """Deleted for everyone: the blanked message (its own time kept) and the deletion; deleted
    for me: the deletion alone."""
    result = DELETION.dump_fast(deletion)
    if deletion.scope != "everyone":
        return {**result, "success": True}
    del result["timestamp"]
    return {**MESSAGE.dump_fast(deletion.message), **result, "success": True}
