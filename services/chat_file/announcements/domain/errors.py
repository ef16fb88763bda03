"""The announcements context's errors (statuses in `http/errors.py`)."""

from __future__ import annotations

from services.chat_file.kernel.errors import ChatError


class BroadcastNotFoundError(ChatError):
    """Unknown, or not in its audience: "not allowed" looks like "not found"."""

    code = "BROADCAST_NOT_FOUND"
    message = "Diffusion introuvable"


class AnnouncementNotFoundError(ChatError):
    code = "ANNOUNCEMENT_NOT_FOUND"
    message = "Annonce introuvable"


class BroadcastReadOnlyError(ChatError):
    """A recipient tried to post or to see the census: only the broadcast's admins may."""

    code = "BROADCAST_READ_ONLY"
    message = "Seuls les administrateurs de la diffusion peuvent faire cela"


class InvalidAudienceError(ChatError):
    code = "INVALID_AUDIENCE"
    message = "Audience invalide : des unités (ministère, direction, service) ou des agents"


class AckNotRequestedError(ChatError):
    code = "ACK_NOT_REQUESTED"
    message = "Cette annonce ne demande pas d'accusé de réception"


class InvalidAnnouncementError(ChatError):
    code = "INVALID_ANNOUNCEMENT"
    message = "Annonce invalide"
