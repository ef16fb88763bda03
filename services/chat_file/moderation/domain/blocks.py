"""Blocks between agents: one agent stops another from opening or writing to their private
conversation, from seeing their presence and typing, and from pushing notifications to them."""

from __future__ import annotations

from services.chat_file.kernel.errors import ChatError


class SelfBlockError(ChatError):
    code = "SELF_BLOCK"
    message = "Impossible de se bloquer soi-même"


class TooManyBlocksError(ChatError):
    code = "TOO_MANY_BLOCKS"
    message = "Trop d'utilisateurs bloqués (MODERATION_MAX_BLOCKS)"


class BlockedUserNotFoundError(ChatError):
    code = "USER_NOT_FOUND"  # the same answer as the conversations context's
    message = "Utilisateur introuvable"
