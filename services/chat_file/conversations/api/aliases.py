"""The old clients' names, in one place: each shape's fields under the names the clients of the
earlier system read (`messageId` for `id`, `deleteType` for `scope`...), and their legacy-only
objects (a group's summary, an invitation, `metadata.pagination`, the extra fields of the edit
and delete events). The views of `views.py` include these classes; the socket replies built
here are what old clients wait for after `createGroup`, `editMessage` and the two-step loads."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from libs.servicekit.views import View, alias
from services.chat_file.kernel.clock import utc_now_iso

GROUP_SUMMARY_KEYS = (
    "id",
    "_id",
    "name",
    "type",
    "participants",
    "createdBy",
    "createdAt",
    "participantCount",
)
# Who made a membership change, under the old clients' name for each event.
ACTOR_FIELDS = {
    "participants:added": "addedBy",
    "participant:removed": "removedBy",
    "participant:left": "userId",
}


# Fields that repeat another field's value under the old clients' name (`views.py` places them).
def message_id() -> fields.Field:
    return alias("id", "= id (old clients)", type="string")


def message_timestamp() -> fields.Field:
    return alias("createdAt", "= createdAt (old clients)", type="string")


def conversation_id() -> fields.Field:
    return alias("id", "= id (old clients)", type="string")


def underscore_id() -> fields.Field:
    """`_id` = id: the old console's conversation list reads `conv._id` (select, join)."""
    return fields.Function(
        lambda values: values.get("id"),
        data_key="_id",
        metadata={"type": "string", "description": "= id (old clients)"},
    )


def delete_type() -> fields.Field:
    return alias("scope", "= scope (old clients)", type="string")


def participant_ids() -> fields.Field:
    return alias("userIds", "= userIds (old clients)", type="array", items={"type": "string"})


def failed_participant() -> fields.Field:
    return alias("userId", "= userId (old clients)", type="string")


def failure_text() -> fields.Field:
    return alias("message", "= message (old clients)", type="string")


def actor(event: str) -> fields.Field:
    """`addedBy` / `removedBy` / `userId`: who made the change, on that event only."""
    return fields.String(metadata={"description": f"{event} only: = by (old clients)"})


class PageMetadataView(View):
    """The old clients' page description (`metadata.pagination`)."""

    currentPage = fields.Integer()
    totalPages = fields.Integer()
    totalCount = fields.Integer()
    hasNext = fields.Boolean()
    hasPrevious = fields.Boolean()
    limit = fields.Integer()
    offset = fields.Integer()
    nextPage = fields.Integer(allow_none=True)
    previousPage = fields.Integer(allow_none=True)

    def extract(self, result: Any) -> dict[str, Any]:
        """From `(page, limit, total)`."""
        page, limit, total = result
        pages = (total + limit - 1) // limit
        has_next, has_previous = page < pages, page > 1
        return {
            "currentPage": page,
            "totalPages": pages,
            "totalCount": total,
            "hasNext": has_next,
            "hasPrevious": has_previous,
            "limit": limit,
            "offset": (page - 1) * limit,
            "nextPage": page + 1 if has_next else None,
            "previousPage": page - 1 if has_previous else None,
        }


def page_metadata(page: int, limit: int, total: int) -> dict[str, Any]:
    return PAGE_METADATA.dump_fast((page, limit, total))


PAGE_METADATA = PageMetadataView()


class ListMetadataView(View):
    pagination = fields.Nested(PageMetadataView)


def list_metadata(user_id: str, took_ms: float, found: dict[str, Any]) -> dict[str, Any]:
    """The old backend's top-level `metadata` of an HTTP list: `{userId, processingTime (ms),
    timestamp, pagination}` (the pagination of `data.metadata`)."""
    pagination = found["metadata"]["pagination"]
    return {
        "userId": user_id,
        "processingTime": took_ms,
        "timestamp": utc_now_iso(),
        "pagination": pagination,
    }


def actor_field(event: str) -> str:
    return ACTOR_FIELDS[event]


def group_summary(view: dict[str, Any]) -> dict[str, Any]:
    """The old clients' `group` / `broadcast` object, cut from a conversation view."""
    return {key: view[key] for key in GROUP_SUMMARY_KEYS}


def invitation(
    view: dict[str, Any], inviter: str, matricule: str | None, at: str | None
) -> dict[str, Any]:
    """`group:invitation` / `broadcast:invitation {group|broadcast, invitedBy, timestamp}`."""
    if matricule is None:
        me: dict[str, Any] = next(
            (p for p in view["participants"] if p.get("userId") == inviter), {}
        )
        matricule = me.get("matricule")
    return {
        str(view["type"]).lower(): group_summary(view),
        "invitedBy": {"userId": inviter, "matricule": matricule},
        "timestamp": at,
    }


def edited_event(view: dict[str, Any], editor: str, matricule: str | None) -> dict[str, Any]:
    """`message:edited`: the edited message and the old clients' fields."""
    legacy = {"success": True, "newContent": view["content"], "editedBy": editor}
    return {**view, **legacy, "editedByMatricule": matricule}


def created_reply(kind: str, view: dict[str, Any]) -> dict[str, Any]:
    """`group:created` / `broadcast:created`: today's `conversation` and the old clients'
    `{success, group|broadcast, timestamp}`."""
    return {
        "success": True,
        kind: group_summary(view),
        "timestamp": utc_now_iso(),
        "conversation": view,
    }


def edit_reply(view: dict[str, Any]) -> dict[str, Any]:
    """`editMessage`'s ack: the message, and the old clients' `messageId`, `newContent`..."""
    legacy = {"messageId": view["messageId"], "newContent": view["content"]}
    return {"message": view, **legacy, "editedAt": view["editedAt"], "timestamp": utc_now_iso()}


CATEGORIES = {"GROUP": "groups", "PRIVATE": "private", "BROADCAST": "broadcasts"}


def categorized_list(found: dict[str, Any]) -> dict[str, Any]:
    """What the old backend's conversation lists (`conversationsLoaded`,
    `conversations:quick|full`) carried beside the list: `categorized` (the answer's
    conversations by kind, and those with unread messages: the same objects) and `stats`
    (their counts; `total` = all the caller's conversations)."""
    views: list[dict[str, Any]] = found["conversations"]
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name in CATEGORIES.values()}
    for view in views:
        groups[CATEGORIES[view["type"]]].append(view)
    unread = [view for view in views if view["unreadCount"]]
    stats = {name: len(members) for name, members in groups.items()}
    return {
        "categorized": {**groups, "unread": unread},
        "stats": {
            "total": found["pagination"]["total"],
            **stats,
            "unread": len(unread),
            "totalUnreadMessages": found["totalUnreadMessages"],
            "unreadConversations": found["unreadConversations"],
        },
    }


def loaded() -> dict[str, Any]:
    """What the two-step loads (`*:quickload`, `*:fullload`) add: nothing is cached."""
    return {"fromCache": False, "timestamp": utc_now_iso()}
