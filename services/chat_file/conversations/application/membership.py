"""Membership changes: add (all or nothing, or what can be: the old clients' batch), remove,
leave. Each is checked first (access, rights, ids), then written, then announced to the
participants and the users concerned.

`Membership` is that half of `ConversationService` (which sets the attributes declared here).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from libs.servicekit.errors import CodedError
from services.chat_file.conversations.application.access import audience, conversation_for
from services.chat_file.conversations.application.ports import ConversationStore
from services.chat_file.conversations.domain.errors import (
    AlreadyParticipantError,
    MembersRequiredError,
)
from services.chat_file.conversations.domain.model import Conversation
from services.chat_file.kernel.clock import iso
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_user_id
from services.chat_file.kernel.notifier import Notifier

MAX_MEMBERS = 1000
# Who made a membership change, under the old clients' name for each event.
ACTOR_FIELDS = {
    "participants:added": "addedBy",
    "participant:removed": "removedBy",
    "participant:left": "userId",
}


class Membership:
    _store: ConversationStore
    _clock: Callable[[], datetime]
    notifier: Notifier
    view: Callable[[Conversation, str], dict[str, Any]]  # ConversationService.view

    def add_participants(
        self, user: Identity, conversation_id: str, user_ids: list[str], role: str = "member"
    ) -> dict[str, Any]:
        """Admins add members (or promote them with role=admin: how an admin hands over)."""
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_manage(user.user_id)
        ids = self._checked_members(user_ids, exclude=None)
        if not ids:
            raise MembersRequiredError()
        admins = ids if role == "admin" else []
        updated = self._store.add_participants(conversation.id, ids, admins)
        return self._changed(updated or conversation, "participants:added", user, ids)

    def add_members(
        self, user: Identity, conversation_id: str, user_ids: list[Any]
    ) -> dict[str, Any]:
        """Socket `addParticipant`: adds the new valid ids, lists the others in `failed`."""
        conversation = self._managed(user, conversation_id, user_ids)
        added: list[str] = []
        failed: list[tuple[Any, CodedError]] = []
        for raw in dict.fromkeys(user_ids):
            try:
                uid = check_user_id(raw)
                if conversation.is_participant(uid):
                    raise AlreadyParticipantError()
            except CodedError as exc:
                failed.append((raw, exc))
            else:
                added.append(uid)
        if added:
            stored = self._store.add_participants(conversation.id, added, [])
            conversation = stored or conversation
        return self._batch(conversation, "participants:added", user, added, failed)

    def remove_members(
        self, user: Identity, conversation_id: str, user_ids: list[Any]
    ) -> dict[str, Any]:
        """Socket `removeParticipant`: removes what it may, lists the others in `failed`."""
        conversation = self._managed(user, conversation_id, user_ids)
        removed: list[str] = []
        failed: list[tuple[Any, CodedError]] = []
        for raw in dict.fromkeys(user_ids):
            try:
                uid = check_user_id(raw)
                conversation.check_can_remove(user.user_id, uid)
                conversation = self._store.remove_participant(conversation.id, uid) or conversation
            except CodedError as exc:
                failed.append((raw, exc))
            else:
                removed.append(uid)
        return self._batch(conversation, "participant:removed", user, removed, failed)

    def _managed(self, user: Identity, conversation_id: str, user_ids: list[Any]) -> Conversation:
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_manage(user.user_id)
        if len(user_ids) > MAX_MEMBERS:
            raise MembersRequiredError(f"{MAX_MEMBERS} participants au plus")
        return conversation

    def _batch(
        self,
        conversation: Conversation,
        event: str,
        user: Identity,
        done: list[str],
        failed: list[tuple[Any, CodedError]],
    ) -> dict[str, Any]:
        """Nothing done: the first failure is the error; else announce what was done."""
        if not done:
            raise failed[0][1] if failed else MembersRequiredError()
        errors = [{"userId": str(u), "code": e.code, "message": e.message} for u, e in failed]
        return self._notify_change(conversation, event, user, done, errors)

    def remove_participant(
        self, user: Identity, conversation_id: str, target: str
    ) -> dict[str, Any]:
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_remove(user.user_id, check_user_id(target))
        updated = self._store.remove_participant(conversation.id, target)
        return self._changed(updated or conversation, "participant:removed", user, [target])

    def leave(self, user: Identity, conversation_id: str) -> dict[str, Any]:
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_leave(user.user_id)
        updated = self._store.remove_participant(conversation.id, user.user_id)
        event = self._notify_change(
            updated or conversation, "participant:left", user, [user.user_id]
        )
        return {"conversationId": conversation.id, "left": True, **event}

    def _changed(
        self, conversation: Conversation, event: str, user: Identity, user_ids: list[str]
    ) -> dict[str, Any]:
        self._notify_change(conversation, event, user, user_ids)
        return self.view(conversation, user.user_id)

    def _notify_change(
        self,
        conversation: Conversation,
        event: str,
        user: Identity,
        user_ids: list[str],
        failed: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Today's `{conversationId, userIds, by}` and the old clients' fields in one payload;
        an addition is also announced under its old name `participant:added`."""
        payload = {
            "success": True,
            "conversationId": conversation.id,
            "userIds": user_ids,
            "participantIds": user_ids,
            "by": user.user_id,
            ACTOR_FIELDS[event]: user.user_id,
            "failed": failed or [],
            "remainingParticipants": len(conversation.participants),
            "timestamp": iso(self._clock()),
        }
        users = list(dict.fromkeys(audience(conversation) + user_ids))
        self.notifier.notify(event, payload, users)
        if event == "participants:added":
            self.notifier.notify("participant:added", payload, users)
        return payload

    def _checked_members(self, user_ids: list[str], exclude: str | None) -> list[str]:
        ids = [check_user_id(u) for u in user_ids]
        unique = [u for u in dict.fromkeys(ids) if u != exclude]
        if len(unique) > MAX_MEMBERS:
            raise MembersRequiredError(f"{MAX_MEMBERS} participants au plus")
        return unique
