"""`GET /sync?since=<token>&limit=`: the caller's changes since a token."""

from __future__ import annotations

from flask import request

from libs.servicekit.http import Reply, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.context import provided
from services.chat_file.http.errors import AUTH_ERRORS
from services.chat_file.sync.api.views import SYNC, SyncView
from services.chat_file.sync.application.bundle import SyncServices

bp = protected_blueprint("sync", __name__)
ERRORS = (*AUTH_ERRORS, "INVALID_SYNC_TOKEN", "INVALID_PAGINATION", "SYNC_TOKEN_EXPIRED")


@bp.get("/sync")
@documented(
    "Every change the caller missed since `since` (a `next` token), in order, each once; "
    "without `since`: no changes and the current token. 410 SYNC_TOKEN_EXPIRED: reload",
    response=SyncView,
    errors=ERRORS,
    tags=["sync"],
)
def sync() -> Reply:
    args = request.args
    page = provided(SyncServices).sync.sync(current_user(), args.get("since"), args.get("limit"))
    return ok(SYNC.dump_fast(page))
