"""`MembershipService`: add (all or nothing, or what can be: the old clients' batch), remove,
leave. Each is checked first (access, rights, ids), then written, then announced to the
participants and the users concerned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from libs.servicekit.errors import CodedError
from services.chat_file.conversations.application.access import conversation_for, split_audience
from services.chat_file.conversations.application.members import MemberCheck
from services.chat_file.conversations.application.ports import ConversationStore
from services.chat_file.conversations.application.results import (
    ConversationResult,
    MembershipChange,
)
from services.chat_file.conversations.domain.errors import (
    AlreadyParticipantError,
    ConversationNotFoundError,
    MembersRequiredError,
    NotAGroupError,
    NotParticipantError,
    TooManyMembersError,
)
from services.chat_file.conversations.domain.model import Conversation, ConversationType
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.errors import ModeratorRequiredError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id, check_user_id
from services.chat_file.kernel.notifier import Notifier

View = Callable[[Conversation, str], ConversationResult]  # ConversationService.view


class MembershipService:
    def __init__(
        self,
        conversations: ConversationStore,
        view: View,
        notifier: Notifier,
        members: MemberCheck,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = conversations
        self._members = members
        self._view = view
        self.notifier = notifier
        self._clock = clock

    def add_participants(
        self, user: Identity, conversation_id: str, user_ids: list[str], role: str = "member"
    ) -> ConversationResult:
        """Admins add members (or promote them with role=admin: how an admin hands over)."""
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_manage(user.user_id)
        ids = self._members.resolve(user_ids, exclude=None)
        if not ids:
            raise MembersRequiredError()
        new = [u for u in ids if not conversation.is_participant(u)]
        self._members.check_cap(len(conversation.participants) + len(new))
        admins = ids if role == "admin" else []
        updated = self._store.add_participants(conversation.id, ids, admins)
        return self._changed(updated or conversation, "participants:added", user, ids)

    def add_members(
        self, user: Identity, conversation_id: str, user_ids: list[Any]
    ) -> MembershipChange:
        """Socket `addParticipant`: adds the new valid ids, lists the others in `failed`."""
        conversation = self._managed(user, conversation_id, user_ids)
        added: list[str] = []
        failed: list[tuple[Any, CodedError]] = []
        for raw, uid in self._members.sort(user_ids):
            if isinstance(uid, CodedError):
                failed.append((raw, uid))
            elif conversation.is_participant(uid) or uid in added:
                failed.append((raw, AlreadyParticipantError()))
            else:
                added.append(uid)
        self._members.check_cap(len(conversation.participants) + len(added))
        if added:
            stored = self._store.add_participants(conversation.id, added, [])
            conversation = stored or conversation
        return self._batch(conversation, "participants:added", user, added, failed)

    def remove_members(
        self, user: Identity, conversation_id: str, user_ids: list[Any]
    ) -> MembershipChange:
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
        if len(user_ids) > self._members.max_members:
            raise TooManyMembersError(
                "%(max)s participants au plus", params={"max": self._members.max_members}
            )
        return conversation

    def _batch(
        self,
        conversation: Conversation,
        event: str,
        user: Identity,
        done: list[str],
        failed: list[tuple[Any, CodedError]],
    ) -> MembershipChange:
        """Nothing done: the first failure is the error; else announce what was done."""
        if not done:
            raise failed[0][1] if failed else MembersRequiredError()
        return self._notify_change(conversation, event, user, done, failed)

    def remove_participant(
        self, user: Identity, conversation_id: str, target: str
    ) -> ConversationResult:
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_remove(user.user_id, check_user_id(target))
        updated = self._store.remove_participant(conversation.id, target)
        return self._changed(updated or conversation, "participant:removed", user, [target])

    def remove_by_moderator(
        self, user: Identity, conversation_id: str, target: str
    ) -> MembershipChange:
        """A moderator removes an agent from any group or broadcast (they need not take part);
        MODERATOR_REQUIRED for anyone else, NOT_A_GROUP for a private conversation."""
        if not user.moderates:
            raise ModeratorRequiredError()
        conversation = self._store.get(check_object_id(conversation_id))
        if conversation is None:
            raise ConversationNotFoundError()
        if conversation.type is ConversationType.PRIVATE:
            raise NotAGroupError()
        if not conversation.is_participant(check_user_id(target)):
            raise NotParticipantError()
        updated = self._store.remove_participant(conversation.id, target) or conversation
        return self._notify_change(updated, "participant:removed", user, [target])

    def leave(self, user: Identity, conversation_id: str) -> MembershipChange:
        """The caller leaves; the answer is what the others are told."""
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        conversation.check_can_leave(user.user_id)
        updated = self._store.remove_participant(conversation.id, user.user_id)
        return self._notify_change(
            updated or conversation, "participant:left", user, [user.user_id]
        )

    def _changed(
        self, conversation: Conversation, event: str, user: Identity, user_ids: list[str]
    ) -> ConversationResult:
        self._notify_change(conversation, event, user, user_ids)
        return self._view(conversation, user.user_id)

    def _notify_change(
        self,
        conversation: Conversation,
        event: str,
        user: Identity,
        user_ids: list[str],
        failed: list[tuple[Any, CodedError]] | None = None,
    ) -> MembershipChange:
        """To the participants and the users concerned; an addition is also announced under
        its old name `participant:added`."""
        change = MembershipChange(
            event, conversation, user.user_id, user_ids, self._clock(), failed or []
        )
        everyone, _recipients = split_audience(conversation)  # recipients: not of each other
        users = list(dict.fromkeys(everyone + user_ids))
        self.notifier.notify(event, change, users)
        if event == "participants:added":
            self.notifier.notify("participant:added", change, users)
        return change
