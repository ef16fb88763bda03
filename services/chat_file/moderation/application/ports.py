"""The moderation context's ports: its stores, the message lookup it reads through the
conversations facade, and the alert that reaches every connected moderator."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from services.chat_file.conversations.facade import Conversation, Message
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.kernel.holds import LegalHolds
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.suspensions import Suspensions
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.holds import LegalHold
from services.chat_file.moderation.domain.reports import Report, ReportFilter, ReportStatus
from services.chat_file.moderation.domain.retention import RetentionOverride


class ReportStore(Protocol):
    def add(self, report: Report) -> Report:
        """Stores a new report and gives it its id; `AlreadyReportedError` when the reporter
        already reported that message (one report per message and reporter, whatever its
        status)."""
        ...

    def get(self, report_id: str) -> Report | None: ...

    def page(self, where: ReportFilter, before: str | None, limit: int) -> list[Report]:
        """Newest first (by id), ids below `before` when given, at most `limit`."""
        ...

    def close(
        self, report_id: str, status: ReportStatus, by: str, at: datetime, note: str
    ) -> Report | None:
        """Closes an open report (one conditional write); None when it is absent or closed."""
        ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def recent(self, target_id: str | None = None, limit: int = 50) -> list[AuditEntry]:
        """Newest first; only the entries about `target_id` when given."""
        ...


class MessageSource(Protocol):
    """A stored message and its conversation (the conversations facade's `MessageLookup`)."""

    def message(self, message_id: str) -> Message | None: ...

    def conversation(self, conversation_id: str) -> Conversation | None: ...


class ModeratorAlerts(Protocol):
    """An event to every connected moderator (the real-time context's moderators' room)."""

    def alert(self, event: str, payload: object) -> None:
        """`payload` is the use case's typed result (the adapter knows its wire shape)."""
        ...


class BlockStore(BlockList, Protocol):
    def block(self, blocker_id: str, blocked_id: str, at: datetime) -> bool:
        """True when the block is new (blocking twice keeps the first one)."""
        ...

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        """True when there was a block to lift."""
        ...

    def blocked_by(self, blocker_id: str) -> list[str]:
        """Whom the agent blocked, the most recent first."""
        ...

    def pairs(self) -> list[tuple[str, str]]:
        """Every (blocker, blocked) pair (rebuilding the presence path's Redis index)."""
        ...


class BlockIndex(Protocol):
    """The presence path's copy of the blocks (`RedisBlockIndex`), written through."""

    def added(self, blocker_id: str, blocked_id: str) -> None: ...

    def removed(self, blocker_id: str, blocked_id: str) -> None: ...


class SuspensionStore(Suspensions, Protocol):
    def suspend(self, user_id: str) -> None: ...

    def lift(self, user_id: str) -> None: ...

    def suspended(self) -> list[str]: ...


class ConversationWrites(Protocol):
    """The conversations context's command surface (`ChatCommands`): a moderator's removals go
    through it like every other conversation write; the answers are their wire shapes."""

    def remove_message(self, user: Identity, message_id: str) -> dict[str, Any]: ...

    def remove_by_moderator(
        self, user: Identity, conversation_id: str, user_id: str
    ) -> dict[str, Any]: ...


class RetentionPolicyStore(Protocol):
    def put(self, override: RetentionOverride) -> None:
        """Sets (or replaces) a conversation's override."""
        ...

    def remove(self, conversation_id: str) -> bool: ...

    def overrides(self) -> list[RetentionOverride]:
        """Every override, by conversation id."""
        ...


class FileDisposal(Protocol):
    """The files context's system deletion of a file: its metadata, then its bytes and
    thumbnails (`FileService.discard`)."""

    def discard(self, file_id: str) -> None: ...


class HoldStore(LegalHolds, Protocol):
    def add(self, hold: LegalHold) -> LegalHold:
        """Stores a new hold and gives it its id."""
        ...

    def get(self, hold_id: str) -> LegalHold | None: ...

    def release(self, hold_id: str, by: str, at: datetime) -> LegalHold | None:
        """Releases an active hold (one conditional write); None when absent or released."""
        ...

    def active(self) -> list[LegalHold]:
        """Every active hold, oldest first."""
        ...

    def kept(self, message_id: str) -> dict[str, Any] | None:
        """A held message's kept copy `{conversationId, senderId, content, editHistory,
        keptAt}`, or None."""
        ...
