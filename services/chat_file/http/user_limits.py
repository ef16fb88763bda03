"""Which HTTP route counts against which per-user limit (kernel/limits.py): checked once, in
`authenticate` (the `before_request` of every protected blueprint), right after the caller is
known; each route listed here also documents 429 `RATE_LIMITED`. The socket events name
their action in their own `Event` entries; both transports share one budget per user."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask

HTTP_ACTIONS: dict[str, str] = {
    "messages.send": "send",
    "messages.history": "history",
    "messages.search": "search",
    "messages.edit": "edit",
    "messages.delete": "delete",
    "messages.set_status": "receipts",
    "messages.add_reaction": "react",
    "messages.remove_reaction": "react",
    "conversations.list_conversations": "conversation-list",
    "conversations.create_conversation": "create-conversation",
    "conversations.create_group": "create-conversation",
    "conversations.create_broadcast": "create-conversation",
    "conversations.mark_read": "receipts",
    "conversations.add_participants": "membership",
    "conversations.remove_participant": "membership",
    "conversations.leave": "membership",
    "files.upload": "upload",
    # moderation (the moderators' and compliance officers' own routes are not limited: few,
    # privileged, audited callers)
    "moderation_reports.report_message": "report",
    "moderation_blocks.block": "block",
    "moderation_blocks.unblock": "block",
}


def action_of(endpoint: str | None) -> str | None:
    return HTTP_ACTIONS.get(endpoint or "")


def document_limits(app: Flask) -> None:
    """Add 429 `RATE_LIMITED` to the OpenAPI errors of every limited route."""
    for endpoint in HTTP_ACTIONS:
        view = app.view_functions[endpoint]  # KeyError: a route renamed without this table
        doc = getattr(view, "__openapi__", None)
        if doc is not None and "RATE_LIMITED" not in doc.errors:
            setattr(view, "__openapi__", replace(doc, errors=(*doc.errors, "RATE_LIMITED")))  # noqa: B010 - a view function type has no such attribute
