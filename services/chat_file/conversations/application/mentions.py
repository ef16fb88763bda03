"""`Mentions`: who a message mentions, and the unread-mention counts.

A message mentions participants named by `@<matricule>` in its text (case-insensitive) or
listed by id in the client's structured `mentions`; ids of non-participants and the sender
are dropped. `@tous` / `@all` mention every other participant, in a group, when the sender is
one of its admins (elsewhere, or from a member, it is plain text).

An edit resolves them again from the new text, with the same rules (`rerecord` then moves the
message's rows in the index), so the unread-mention counts follow what the message now says.
"""

from __future__ import annotations

import re
from typing import Any

from services.chat_file.conversations.application.ports import MentionStore
from services.chat_file.conversations.domain.model import Conversation, ConversationType, Message
from services.chat_file.users.application.directory import UserDirectory

MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")
EVERYONE = frozenset({"tous", "all"})
MAX_REQUESTED = 1000


class Mentions:
    def __init__(self, store: MentionStore, directory: UserDirectory) -> None:
        self._store = store
        self._directory = directory

    def resolve(
        self, conversation: Conversation, sender: str, text: str, requested: Any = None
    ) -> list[str]:
        """The mentioned participants' ids, in the order of the participant list."""
        names = {n.rstrip(".-").lower() for n in MENTION_RE.findall(text or "")}
        found = set(_requested(requested))
        if names & EVERYONE and _may_mention_everyone(conversation, sender):
            found.update(conversation.participants)
        names -= EVERYONE
        if names:
            profiles = self._directory.resolve_map(conversation.participants)
            found.update(
                uid
                for uid, profile in profiles.items()
                if str(profile.get("matricule") or "").lower() in names
            )
        return [u for u in conversation.participants if u in found and u != sender]

    def record(self, message: Message) -> None:
        if message.mentions and message.seq:
            self._store.add(message.conversation_id, message.id, message.seq, message.mentions)

    def rerecord(self, message: Message, before: list[str]) -> None:
        """After an edit: the index follows the message's new `mentions` (it held `before`);
        an edit that leaves them as they were writes nothing."""
        if set(before) == set(message.mentions):
            return
        gone = [u for u in before if u not in message.mentions]
        if gone and message.seq:
            self._store.remove(message.conversation_id, message.seq, gone)
        self.record(message)

    def unread_counts(self, user_id: str, conversations: list[Conversation]) -> dict[str, int]:
        pointers = {c.id: c.receipt(user_id).read_up_to for c in conversations}
        return self._store.unread_counts(user_id, pointers)


def _requested(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value[:MAX_REQUESTED] if isinstance(v, str)]


def _may_mention_everyone(conversation: Conversation, sender: str) -> bool:
    return conversation.type is ConversationType.GROUP and conversation.is_admin(sender)
