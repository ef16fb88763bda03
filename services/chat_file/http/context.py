"""The use cases `create_app` wired, as the blueprints read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from services.chat_file.bootstrap import ChatServices

EXTENSION = "chat"


def services() -> ChatServices:
    wired: ChatServices = current_app.extensions[EXTENSION]
    return wired
