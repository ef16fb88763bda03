"""Errors of conversations and messages (a non-participant gets the same "not found")."""

from __future__ import annotations

# raised by the kernel's id checks on the conversation and message ids this context reads
from services.chat_file.kernel.errors import ChatError
from services.chat_file.kernel.errors import InvalidIdError as InvalidIdError


# input
class InvalidCursorError(ChatError):
    code = "INVALID_CURSOR"
    message = "Curseur de pagination invalide"


class InvalidPaginationError(ChatError):
    code = "INVALID_PAGINATION"
    message = "Paramètres de pagination invalides"


class EmptyContentError(ChatError):
    code = "EMPTY_CONTENT"
    message = "Le contenu du message est requis"


class ContentTooLongError(ChatError):
    code = "CONTENT_TOO_LONG"
    message = "Le contenu du message est trop long"


class InvalidMessageTypeError(ChatError):
    code = "INVALID_MESSAGE_TYPE"
    message = "Type de message invalide"


class InvalidConversationTypeError(ChatError):
    code = "INVALID_CONVERSATION_TYPE"
    message = "Type de conversation invalide"


class InvalidStatusError(ChatError):
    code = "INVALID_STATUS"
    message = "Statut invalide (DELIVERED ou READ)"


class InvalidEmojiError(ChatError):
    code = "INVALID_EMOJI"
    message = "Réaction invalide"


class TooManyReactionsError(ChatError):
    code = "TOO_MANY_REACTIONS"
    message = "Trop de réactions sur ce message"


class InvalidNameError(ChatError):
    code = "INVALID_NAME"
    message = "Nom de conversation invalide"


class InvalidQueryError(ChatError):
    code = "INVALID_QUERY"
    message = "Recherche invalide"


class MembersRequiredError(ChatError):
    code = "MEMBERS_REQUIRED"
    message = "Au moins un autre participant est requis"


class TooManyMembersError(ChatError):
    code = "TOO_MANY_MEMBERS"
    message = "Trop de participants"


class DirectoryUnavailableError(ChatError):
    """The members could not be checked against auth_user: nothing is written."""

    code = "SERVICE_UNAVAILABLE"
    message = "Annuaire des utilisateurs indisponible : réessayez dans un instant"


class SelfConversationError(ChatError):
    code = "SELF_CONVERSATION"
    message = "Impossible de créer une conversation avec soi-même"


class AttachmentNotFoundError(ChatError):
    code = "FILE_NOT_FOUND"
    message = "Fichier introuvable ou inaccessible"


# not found (a non-participant gets the same answer)
class ConversationNotFoundError(ChatError):
    code = "CONVERSATION_NOT_FOUND"
    message = "Conversation introuvable"


class MessageNotFoundError(ChatError):
    code = "MESSAGE_NOT_FOUND"
    message = "Message introuvable"


class UserNotFoundError(ChatError):
    code = "USER_NOT_FOUND"
    message = "Utilisateur introuvable"


# rules
class NotAdminError(ChatError):
    code = "NOT_CONVERSATION_ADMIN"
    message = "Action réservée aux administrateurs de la conversation"


class BroadcastReadOnlyError(ChatError):
    code = "BROADCAST_READ_ONLY"
    message = "Seuls les administrateurs peuvent publier dans cette diffusion"


class NotAuthorError(ChatError):
    code = "NOT_MESSAGE_AUTHOR"
    message = "Seul l'auteur peut modifier ou supprimer ce message pour tous"


class NotAGroupError(ChatError):
    code = "NOT_A_GROUP"
    message = "Action impossible sur une conversation privée"


class LastAdminError(ChatError):
    code = "LAST_ADMIN"
    message = "Le dernier administrateur doit nommer un autre administrateur avant de partir"


class NotParticipantError(ChatError):
    code = "NOT_PARTICIPANT"
    message = "Cet utilisateur ne participe pas à la conversation"


class MessageDeletedError(ChatError):
    code = "MESSAGE_DELETED"
    message = "Ce message a été supprimé"


class BlockedError(ChatError):
    code = "BLOCKED"
    message = "Cet utilisateur vous a bloqué : conversation privée indisponible"


class AlreadyParticipantError(ChatError):
    code = "ALREADY_PARTICIPANT"
    message = "Cet utilisateur participe déjà à la conversation"
