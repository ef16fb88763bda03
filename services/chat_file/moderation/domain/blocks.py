"""Blocks between agents: one agent stops another from opening or writing to their private
conversation, from seeing their presence and typing, and from pushing notifications to them."""

from __future__ import annotations

from services.chat_file.kernel.errors import ChatError

MAX_BLOCKS = 1000  # agents one agent may block (the list is read whole)


class SelfBlockError(ChatError):
    code = "SELF_BLOCK"
    message = "Impossible de se bloquer soi-même"


class TooManyBlocksError(ChatError):
    code = "TOO_MANY_BLOCKS"
    message = f"Au plus {MAX_BLOCKS} utilisateurs bloqués"


class BlockedUserNotFoundError(ChatError):
    code = "USER_NOT_FOUND"  # the same answer as the conversations context's
    message = "Utilisateur introuvable"
