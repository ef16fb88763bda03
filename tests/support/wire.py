"""The chat use cases as a transport sees them: `wire(chat)` wraps a `ChatServices` so that
each use case's typed result comes back through the view the HTTP routes and socket handlers
give it (the `api/views.py` of conversations and push). The use-case tests assert the shapes
clients read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.api.views import (
    CONVERSATION,
    CONVERSATION_PAGE,
    DELETION,
    HISTORY,
    LEFT,
    MEMBERSHIP,
    READ,
    SEARCH,
    STATUS,
    message_of,
)
from services.chat_file.push.api.views import (
    CONVERSATION_SETTINGS,
    DEVICE,
    DEVICE_DELETED,
    DEVICE_LIST,
    SETTINGS,
    USER_SETTINGS,
)


class _Wired:
    """Calls go to the use cases of `targets` (first that has the name); `views` names the
    view of each method's result (a `(result, created)` pair keeps `created`)."""

    def __init__(self, views: dict[str, Callable[[Any], Any]], *targets: Any) -> None:
        self._views, self._targets = views, targets

    def __getattr__(self, name: str) -> Any:
        found = next(getattr(t, name) for t in self._targets if hasattr(t, name))
        view = self._views.get(name)
        if view is None:
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            if isinstance(result, tuple):
                return view(result[0]), *result[1:]
            return view(result)

        return call


class WireChat:
    def __init__(self, chat: ChatServices) -> None:
        self.services = chat
        bundle = chat.conversations_bundle
        self.messages = _Wired(
            {
                "send": message_of,
                "get": message_of,
                "edit": message_of,
                "react": message_of,
                "history": HISTORY.dump_fast,
                "search": SEARCH.dump_fast,
                "delete": DELETION.dump_fast,
            },
            bundle.sending,
            bundle.messages,
        )
        self.conversations = _Wired(
            {
                "create": CONVERSATION.dump_fast,
                "get": CONVERSATION.dump_fast,
                "view": CONVERSATION.dump_fast,
                "list_for": CONVERSATION_PAGE.dump_fast,
                "add_participants": CONVERSATION.dump_fast,
                "remove_participant": CONVERSATION.dump_fast,
                "add_members": MEMBERSHIP.dump_fast,
                "remove_members": MEMBERSHIP.dump_fast,
                "leave": LEFT.dump_fast,
            },
            bundle.conversations,
            bundle.membership,
        )
        self.receipts = _Wired(
            {"set_status": STATUS.dump_fast, "mark_read": READ.dump_fast}, bundle.receipts
        )
        self.devices = _Wired(
            {
                "register": DEVICE.dump_fast,
                "list_for": DEVICE_LIST.dump_fast,
                "remove": DEVICE_DELETED.dump_fast,
            },
            chat.devices,
        )
        self.notification_settings = _Wired(
            {
                "get": SETTINGS.dump_fast,
                "update": USER_SETTINGS.dump_fast,
                "get_conversation": CONVERSATION_SETTINGS.dump_fast,
                "update_conversation": CONVERSATION_SETTINGS.dump_fast,
            },
            chat.notification_settings,
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.services, name)


def wire(chat: ChatServices) -> Any:
    return WireChat(chat)
