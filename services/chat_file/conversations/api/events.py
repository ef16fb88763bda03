"""The events the conversation use cases announce, as their sockets carry them: each typed
payload through its view (`views.py`), with the old clients' fields (`aliases.py`). The
composition root merges `EVENT_VIEWS` with the other contexts' into the real-time notifier's
encoder (`kernel.notifier.encoder`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.chat_file.conversations.api.aliases import edited_event, invitation
from services.chat_file.conversations.api.views import (
    CONVERSATION,
    DELETION,
    MEMBERSHIP,
    MESSAGE,
    REACTION,
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
    ReactionChange,
    ReadMark,
    StatusChange,
)
from services.chat_file.kernel.clock import iso


def _invitation(invited: Invitation) -> dict[str, Any]:
    view, inviter = CONVERSATION.dump_fast(invited.conversation), invited.inviter
    return invitation(view, inviter.user_id, inviter.matricule, iso(invited.at))


def _edited(edit: Edit) -> dict[str, Any]:
    return edited_event(message_of(edit.message), edit.editor, edit.editor_matricule)


def _deleted(deletion: Deletion) -> dict[str, Any]:
    """Deleted for everyone: the blanked message (its own time kept) and the deletion; deleted
    for me: the deletion alone."""
    result = DELETION.dump_fast(deletion)
    if deletion.scope != "everyone":
        return {**result, "success": True}
    del result["timestamp"]
    removed = {"by": deletion.by} if deletion.by else {}  # {by: "moderation"}
    return {**MESSAGE.dump_fast(deletion.message), **result, "success": True, **removed}


# Each announced result's wire shape, by its type (the root merges every context's table).
EVENT_VIEWS: dict[type, Callable[[Any], dict[str, Any]]] = {
    MessageResult: message_of,  # newMessage
    ReactionChange: REACTION.dump_fast,  # message:reaction
    Edit: _edited,  # message:edited
    Deletion: _deleted,  # message:deleted
    ConversationResult: CONVERSATION.dump_fast,  # conversation:created
    Invitation: _invitation,  # group:invitation, broadcast:invitation
    MembershipChange: MEMBERSHIP.dump_fast,  # participants:added, participant:removed...
    StatusChange: STATUS.dump_fast,  # messageStatusChanged, message:status
    ReadMark: lambda mark: {**READ.dump_fast(mark), "userId": mark.user_id},  # conversation:read
}
