"""What realtime needs from the rest of chat_file: who shares a conversation with whom. The
composition root gives the conversations context's facade; realtime never imports it."""

from __future__ import annotations

from typing import Protocol

from services.chat_file.kernel.identity import Identity


class Memberships(Protocol):
    def rooms_and_contacts(self, user_id: str) -> tuple[list[str], set[str]]:
        """Ids of every conversation the user takes part in (the socket's rooms) and everyone
        who shares one, together: what a connect needs, in one store query at most."""
        ...

    def contacts_of(self, user_id: str) -> set[str]:
        """Everyone who shares a conversation with the user (presence, idleness)."""
        ...

    def participants_of(self, user: Identity, conversation_id: str) -> list[str]:
        """Participants of a conversation the user takes part in, else CONVERSATION_NOT_FOUND."""
        ...

    def typing_audience(self, user: Identity, conversation_id: str) -> list[str]:
        """Who sees the user typing there: its participants; CONVERSATION_NOT_FOUND for a
        non-participant, BROADCAST_READ_ONLY for a broadcast's recipients."""
        ...
