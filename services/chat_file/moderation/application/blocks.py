"""`BlockService`: an agent blocks or unblocks another, and lists whom they blocked. What a block
does is enforced where it bites, through the kernel's `BlockList` port: opening and writing to
the private conversation (conversations), presence and typing (the facade realtime reads), push
(the fan-out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_user_id
from services.chat_file.moderation.application.ports import BlockIndex, BlockStore
from services.chat_file.moderation.domain.blocks import (
    BlockedUserNotFoundError,
    SelfBlockError,
    TooManyBlocksError,
)
from services.chat_file.users.application.directory import UserDirectory


@dataclass(frozen=True)
class BlockResult:
    user_id: str
    blocked: bool


class BlockService:
    def __init__(
        self,
        blocks: BlockStore,
        directory: UserDirectory,
        clock: Callable[[], datetime] = utc_now,
        max_blocks: int = 1000,
        index: BlockIndex | None = None,
    ) -> None:
        self._blocks = blocks
        self._index = index
        self._max_blocks = max_blocks
        self._directory = directory
        self._clock = clock

    def block(self, user: Identity, other_id: str) -> BlockResult:
        other = check_user_id(other_id)
        if other == user.user_id:
            raise SelfBlockError()
        if self._directory.is_unknown(other):
            raise BlockedUserNotFoundError()
        if not self._blocks.has_blocked(user.user_id, other):
            if len(self._blocks.blocked_by(user.user_id)) >= self._max_blocks:
                raise TooManyBlocksError()
            self._blocks.block(user.user_id, other, self._clock())
            if self._index is not None:
                self._index.added(user.user_id, other)
        return BlockResult(other, True)

    def unblock(self, user: Identity, other_id: str) -> BlockResult:
        other = check_user_id(other_id)
        if self._blocks.unblock(user.user_id, other) and self._index is not None:
            self._index.removed(user.user_id, other)
        return BlockResult(other, False)

    def blocked(self, user: Identity) -> list[str]:
        return self._blocks.blocked_by(user.user_id)
