"""The conversations context's part of a composition root: its use cases, the command surface
both transports share, the facade the other contexts read, and its socket handler groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.application.access import BlockGuard
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.conversations.application.circles import CachedCircles, CircleCache
from services.chat_file.conversations.application.conversations import ConversationService
from services.chat_file.conversations.application.members import MemberCheck
from services.chat_file.conversations.application.membership import MembershipService
from services.chat_file.conversations.application.mentions import Mentions
from services.chat_file.conversations.application.messages import MessageService
from services.chat_file.conversations.application.ports import (
    AttachmentResolver,
    ConversationStore,
    MentionStore,
    MessageAppender,
    MessageStore,
)
from services.chat_file.conversations.application.receipts import ReceiptService
from services.chat_file.conversations.application.sending import MessageSender
from services.chat_file.conversations.facade import Participation
from services.chat_file.conversations.socket.conversations import ConversationEvents
from services.chat_file.conversations.socket.loading import LoadingEvents
from services.chat_file.conversations.socket.messages import MessageEvents
from services.chat_file.conversations.socket.participants import ParticipantEvents
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.kernel.holds import LegalHolds
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.kernel.suspensions import Suspensions
from services.chat_file.realtime.api import HandlerGroup, SocketRooms
from services.chat_file.users.application.directory import UserDirectory


class ConversationsConfig(Protocol):
    @property
    def max_message_length(self) -> int: ...
    @property
    def temporary_id_window(self) -> float: ...

    @property
    def edit_history_versions(self) -> int: ...

    @property
    def edit_history_bytes(self) -> int: ...

    @property
    def max_reactions_per_user(self) -> int: ...

    @property
    def max_group_members(self) -> int: ...


@dataclass(frozen=True)
class Conversations:
    """The conversations context as wired."""

    services: ConversationsServices
    commands: ChatCommands  # every write, one entry point for HTTP and Socket.IO
    participation: Participation  # the facade: who takes part where


def wire_conversations(
    config: ConversationsConfig,
    *,
    conversations: ConversationStore,
    messages: MessageStore,
    mentions: MentionStore,
    appender: MessageAppender | None,
    directory: UserDirectory,
    notifier: Notifier,
    attachments: AttachmentResolver | None,
    limiter: SendRateLimiter,
    clock: Callable[[], datetime] | None = None,
    blocks: BlockList | None = None,
    suspensions: Suspensions | None = None,
    holds: LegalHolds | None = None,
    circles: CircleCache | None = None,
) -> Conversations:
    """The use cases over the stores; they announce through `notifier` after each write.
    `blocks`: who blocked whom (private conversations, presence and typing honour it).
    With `circles`, every membership write forgets the circles it changes and the facade
    reads them through the cache (a socket connect then costs no query)."""
    contacts_changed = None
    if circles is not None:
        cached = CachedCircles(conversations, circles)
        conversations, contacts_changed = cached, cached.forget
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    guard = BlockGuard(blocks)
    mentioning = Mentions(mentions, directory)
    limit = config.max_message_length
    members = MemberCheck(directory, config.max_group_members)
    talk = ConversationService(
        conversations,
        directory,
        notifier,
        mentions=mentioning,
        members=members,
        blocks=guard,
        **clocked,
    )
    use_cases = ConversationsServices(
        conversations=talk,
        membership=MembershipService(conversations, talk.view, notifier, members, **clocked),
        sending=MessageSender(
            conversations,
            messages,
            directory,
            notifier,
            talk.open_private,
            attachments=attachments,
            max_length=limit,
            mentions=mentioning,
            appender=appender,
            blocks=guard,
            contacts_changed=contacts_changed,
            dedupe_window=timedelta(seconds=config.temporary_id_window),
            **clocked,
        ),
        messages=MessageService(
            conversations,
            messages,
            directory,
            notifier,
            max_length=limit,
            mentions=mentioning,
            blocks=guard,
            holds=holds,
            history_versions=config.edit_history_versions,
            history_bytes=config.edit_history_bytes,
            max_reactions=config.max_reactions_per_user,
            attachments=attachments,
            **clocked,
        ),
        receipts=ReceiptService(conversations, messages, notifier, **clocked),
    )
    return Conversations(
        use_cases,
        ChatCommands(use_cases, limiter, suspensions),
        Participation(conversations, blocks),
    )


def socket_groups(
    use_cases: ConversationsServices, commands: ChatCommands, rooms: SocketRooms
) -> list[HandlerGroup]:
    return [
        ConversationEvents(use_cases, commands),
        MessageEvents(use_cases, commands),
        LoadingEvents(use_cases),
        ParticipantEvents(commands, rooms),
    ]
