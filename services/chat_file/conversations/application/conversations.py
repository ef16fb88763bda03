"""`ConversationService`: private get-or-create, groups, broadcasts, participants, listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.conversations.application.access import (
    BlockGuard,
    conversation_for,
    split_audience,
)
from services.chat_file.conversations.application.members import MemberCheck
from services.chat_file.conversations.application.mentions import Mentions
from services.chat_file.conversations.application.ports import ConversationStore
from services.chat_file.conversations.application.results import (
    ConversationPage,
    ConversationResult,
    Invitation,
    ParticipantIdPage,
)
from services.chat_file.conversations.domain.errors import (
    InvalidConversationTypeError,
    InvalidNameError,
    MembersRequiredError,
    SelfConversationError,
    UserNotFoundError,
)
from services.chat_file.conversations.domain.model import Conversation, ConversationType
from services.chat_file.conversations.domain.paging import parse_limit, parse_offset, parse_page
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_user_id
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.users.application.directory import UserDirectory

MAX_NAME = 100
DISPLAYED_PARTICIPANTS = 50  # a conversation's view shows the display data of the first 50


class ConversationService:
    def __init__(
        self,
        conversations: ConversationStore,
        directory: UserDirectory,
        notifier: Notifier,
        clock: Callable[[], datetime] = utc_now,
        mentions: Mentions | None = None,
        members: MemberCheck | None = None,
        blocks: BlockGuard | None = None,
    ) -> None:
        self._store = conversations
        self.members = members or MemberCheck(directory)
        self.blocks = blocks or BlockGuard()
        self.mentions = mentions
        self._directory = directory
        self.notifier = notifier
        self._clock = clock

    def create(
        self,
        user: Identity,
        kind: str,
        participant_id: str | None = None,
        name: str | None = None,
        members: list[str] | None = None,
        admins: list[str] | None = None,
    ) -> tuple[ConversationResult, bool]:
        """`(conversation, created)`: PRIVATE is get-or-create, GROUP/BROADCAST always new."""
        try:
            ctype = ConversationType(str(kind or "").upper())
        except ValueError:
            raise InvalidConversationTypeError() from None
        if ctype is ConversationType.PRIVATE:
            conversation, created = self.open_private(user.user_id, participant_id)
        else:
            conversation = self._create_group(user.user_id, ctype, name, members, admins)
            created = True
        result = self.view(conversation, user.user_id)
        if created:
            self._announce(user, conversation, result)
        return result, created

    def _announce(self, user: Identity, conversation: Conversation, result: Any) -> None:
        """`conversation:created` to every member and, for groups and broadcasts, the old
        clients' `<type>:invitation` to every member but the creator. A broadcast's
        recipients get the view a recipient has (its admins, not each other)."""
        everyone, recipients = split_audience(conversation)
        for users in (everyone, recipients):
            if not users:
                continue
            seen = result if users is everyone else self.view(conversation, users[0])
            self.notifier.notify("conversation:created", seen, users)
            members = [p for p in users if p != user.user_id]
            if conversation.type is not ConversationType.PRIVATE and members:
                invited = Invitation(seen, user, self._clock())
                kind = conversation.type.value.lower()
                self.notifier.notify(f"{kind}:invitation", invited, members)

    def open_private(self, user_id: str, other_id: Any) -> tuple[Conversation, bool]:
        """The one private conversation of the pair, created on first use."""
        other = check_user_id(other_id)
        if other == user_id:
            raise SelfConversationError()
        if self._directory.is_unknown(other):  # perhaps a matricule (the old clients)
            other = self._directory.find_members([other]).ids.get(other) or ""
            if not other:
                raise UserNotFoundError()
            if other == user_id:
                raise SelfConversationError()
        self.blocks.check_pair(user_id, other)
        return self._store.get_or_create_private(user_id, other, self._clock())

    def list_for(
        self, user: Identity, page: Any = None, limit: Any = None, maximum: int = 100
    ) -> ConversationPage:
        page_no, size = parse_page(page), parse_limit(limit, default=20, maximum=maximum)
        rows, total = self._store.list_for(user.user_id, (page_no - 1) * size, size)
        shown = (i for c in rows for i in displayed_ids(c, user.user_id))
        profiles = self._directory.resolve_map(shown)
        unread, unread_conversations = self._store.unread_totals(user.user_id)
        mentioned = self.mentions.unread_counts(user.user_id, rows) if self.mentions else {}
        found = [
            ConversationResult(c, profiles, user.user_id, mentioned.get(c.id, 0)) for c in rows
        ]
        return ConversationPage(found, unread, unread_conversations, page_no, size, total)

    def get(self, user: Identity, conversation_id: str) -> ConversationResult:
        return self.view(conversation_for(self._store, conversation_id, user.user_id), user.user_id)

    def view(self, conversation: Conversation, viewer: str) -> ConversationResult:
        """The conversation with the display data its view shows (one directory lookup)."""
        profiles = self._directory.resolve_map(displayed_ids(conversation, viewer))
        return ConversationResult(conversation, profiles, viewer)

    def participant_ids(
        self, user: Identity, conversation_id: str, offset: Any = None, limit: Any = None
    ) -> ParticipantIdPage:
        """A page of the participant ids the caller may see (a view shows the first 200)."""
        conversation = conversation_for(self._store, conversation_id, user.user_id)
        start, size = parse_offset(offset), parse_limit(limit, default=200, maximum=1000)
        visible = conversation.visible_participants(user.user_id)
        return ParticipantIdPage(
            conversation.id, visible[start : start + size], start, size, len(visible)
        )

    def _create_group(
        self,
        creator: str,
        ctype: ConversationType,
        name: str | None,
        members: list[str] | None,
        admins: list[str] | None,
    ) -> Conversation:
        title = (name or "").strip()
        if not 1 <= len(title) <= MAX_NAME:
            raise InvalidNameError(
                "Le nom est requis (%(max)s caractères au plus)", params={"max": MAX_NAME}
            )
        others = self.members.resolve(members or [], exclude=creator, present=1)
        if not others:
            raise MembersRequiredError()
        chosen = self.members.resolve(admins, exclude=None) if admins else []
        extra_admins = [a for a in chosen if a in others]
        now = self._clock()
        conversation = Conversation(
            id="",
            type=ctype,
            participants=[creator, *others],
            admins=[creator, *extra_admins],
            created_by=creator,
            created_at=now,
            last_activity=now,
            name=title,
        )
        return self._store.create(conversation)


def displayed_ids(conversation: Conversation, viewer: str) -> list[str]:
    """Whose display data a conversation's view shows: the first participants the viewer may
    see, and the last message's sender."""
    ids = conversation.visible_participants(viewer)[:DISPLAYED_PARTICIPANTS]
    if conversation.last_message:
        ids = [*ids, conversation.last_message.get("senderId", "")]
    return ids
