"""The shape of ids every context shares: 24-hex object ids and user ids."""

from __future__ import annotations

import re
from typing import Any

from services.chat_file.kernel.errors import InvalidIdError

OBJECT_ID_RE = re.compile(r"^[0-9a-f]{24}$")
USER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # also safe as a MongoDB field name


def is_object_id(value: Any) -> bool:
    """The one shape of our ids (conversations, messages, files, devices): 24 lowercase hex."""
    return isinstance(value, str) and OBJECT_ID_RE.match(value) is not None


def check_object_id(value: Any) -> str:
    """A conversation/message id, else `INVALID_ID`."""
    if not is_object_id(value):
        raise InvalidIdError()
    return value


def check_user_id(value: Any) -> str:
    if not isinstance(value, str) or not USER_ID_RE.match(value):
        raise InvalidIdError("Identifiant d'utilisateur invalide")
    return value
