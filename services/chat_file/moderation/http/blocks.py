"""Block routes: the caller blocks or unblocks another agent, and lists whom they blocked."""

from __future__ import annotations

from libs.servicekit.http import Reply, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS
from services.chat_file.moderation.api.views import (
    BLOCK_LIST,
    BLOCK_VIEW,
    BlockListView,
    BlockView,
)
from services.chat_file.moderation.http.context import moderation

bp = protected_blueprint("moderation_blocks", __name__)
WRITE = (*AUTH_ERRORS, "CSRF_FAILED", "INVALID_ID")


@bp.post("/users/<user_id>/block")
@documented(
    "Block an agent: they can no longer open or write to the private conversation with the "
    "caller (403 BLOCKED), see the caller's presence or typing, or push to the caller; groups "
    "are unaffected. Blocking twice is a no-op.",
    response=BlockView,
    errors=(*WRITE, "SELF_BLOCK", "USER_NOT_FOUND", "TOO_MANY_BLOCKS"),
    tags=["moderation"],
)
def block(user_id: str) -> Reply:
    return ok(BLOCK_VIEW.dump_fast(moderation().blocks.block(current_user(), user_id)))


@bp.delete("/users/<user_id>/block")
@documented(
    "Lift a block (a no-op when there is none)",
    response=BlockView,
    errors=WRITE,
    tags=["moderation"],
)
def unblock(user_id: str) -> Reply:
    return ok(BLOCK_VIEW.dump_fast(moderation().blocks.unblock(current_user(), user_id)))


@bp.get("/users/blocked")
@documented(
    "Whom the caller blocked", response=BlockListView, errors=AUTH_ERRORS, tags=["moderation"]
)
def blocked() -> Reply:
    return ok(BLOCK_LIST.dump_fast(moderation().blocks.blocked(current_user())))
