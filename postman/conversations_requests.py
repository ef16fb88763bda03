"""chat_file requests: the Conversations folder."""

from __future__ import annotations

from .dsl import chat, env

CONVERSATION_KEYS = (
    "id",
    "conversationId",
    "type",
    "name",
    "participantIds",
    "participants",
    "admins",
    "lastMessage",
    "unreadCount",
    "createdAt",
    "lastActivity",
)
NAMES_RESOLVED = (
    "participants' names resolved",
    "data.participants.forEach(p => pm.expect(p.name).to.not.equal('Utilisateur inconnu'));",
)

CONVERSATIONS_FOLDER = [
    chat(
        "POST /conversations — private with user 2 (get-or-create)",
        "POST",
        "/conversations",
        status=(201, 200),
        body={"type": "PRIVATE", "participantId": "{{user2Id}}"},
        keys=CONVERSATION_KEYS,
        checks=(
            ("private", "pm.expect(data.type).to.equal('PRIVATE');"),
            (
                "exactly the pair",
                f"pm.expect(data.participantIds).to.have.members([{env('userId')}, "
                f"{env('user2Id')}]);",
            ),
            NAMES_RESOLVED,
        ),
        save=(("conversationId", "data.id"),),
        description="201 the first time; run again against the same servers it is 200.",
    ),
    chat(
        "POST /conversations — the same pair again gives the same conversation",
        "POST",
        "/conversations",
        body={"type": "PRIVATE", "participantId": "{{user2Id}}"},
        keys=CONVERSATION_KEYS,
        checks=(("same id", f"pm.expect(data.id).to.equal({env('conversationId')});"),),
    ),
    chat(
        "POST /conversations — with oneself (400 SELF_CONVERSATION)",
        "POST",
        "/conversations",
        status=400,
        body={"type": "PRIVATE", "participantId": "{{userId}}"},
        error="SELF_CONVERSATION",
    ),
    chat(
        "GET /conversations — list",
        "GET",
        "/conversations",
        query=(("page", "1"), ("limit", "20")),
        keys=(
            "conversations",
            "pagination",
            "metadata",
            "totalUnreadMessages",
            "unreadConversations",
        ),
        checks=(
            (
                "metadata.pagination as the old clients read it",
                "pm.expect(data.metadata.pagination).to.include({currentPage: 1, limit: 20, "
                "offset: 0, hasPrevious: false, previousPage: null});"
                "pm.expect(data.metadata.pagination.totalCount).to.equal(data.pagination.total);"
                "pm.expect(data.metadata.pagination).to.include.all.keys('totalPages', "
                "'hasNext', 'nextPage');",
            ),
            (
                "the old backend's metadata at the top level too",
                "const top = pm.response.json().metadata;"
                f"pm.expect(top.userId).to.equal({env('userId')});"
                "pm.expect(top.pagination).to.eql(data.metadata.pagination);"
                "pm.expect(top).to.include.all.keys('processingTime', 'timestamp');"
                "pm.expect(data.pagination).to.include({currentPage: 1, totalCount: "
                "data.pagination.total});",
            ),
            (
                "contains the private conversation",
                "pm.expect(data.conversations.map("
                f"c => c.id)).to.include({env('conversationId')});"
                "data.conversations.forEach(c => pm.expect(c._id).to.equal(c.id));",
            ),
            (
                "each with display data and unread count",
                "data.conversations.forEach(c => pm.expect(c).to.include.all.keys("
                "'participants', 'lastMessage', 'unreadCount'));",
            ),
        ),
    ),
    chat(
        "GET /conversations — no token (401 MISSING_TOKEN)",
        "GET",
        "/conversations",
        token=None,
        status=401,
        error="MISSING_TOKEN",
        no_cookies=True,
    ),
    chat(
        "GET /conversations — bad token (401 INVALID_TOKEN)",
        "GET",
        "/conversations",
        token="badToken",
        status=401,
        error="INVALID_TOKEN",
        no_cookies=True,
    ),
    chat(
        "POST /conversations — session cookie without CSRF proof (403 CSRF_FAILED)",
        "POST",
        "/conversations",
        token=None,
        status=403,
        body={"type": "PRIVATE", "participantId": "{{user2Id}}"},
        error="CSRF_FAILED",
        description="No Authorization header: the jar's accessToken cookie (set by auth_user) "
        "authenticates, and a cookie-authenticated write needs X-CSRF-TOKEN or an Origin.",
    ),
    chat(
        "GET /conversations/:id",
        "GET",
        "/conversations/{{conversationId}}",
        token="user2Token",
        keys=CONVERSATION_KEYS,
        checks=(("that one", f"pm.expect(data.id).to.equal({env('conversationId')});"),),
    ),
    chat(
        "GET /conversations/:id — not a participant (404)",
        "GET",
        "/conversations/{{conversationId}}",
        token="user3Token",
        status=404,
        error="CONVERSATION_NOT_FOUND",
    ),
    chat(
        "PUT /conversations/:id/read",
        "PUT",
        "/conversations/{{conversationId}}/read",
        token="user2Token",
        keys=("conversationId", "unreadCount", "lastReadMessageId"),
        checks=(("nothing unread", "pm.expect(data.unreadCount).to.equal(0);"),),
    ),
    chat(
        "POST /groups — create a group with user 2",
        "POST",
        "/groups",
        status=201,
        body={"name": "Équipe Postman", "members": ["{{user2Id}}"]},
        keys=CONVERSATION_KEYS,
        checks=(
            (
                "a group",
                "pm.expect(data.type).to.equal('GROUP'); "
                "pm.expect(data.name).to.equal('Équipe Postman');",
            ),
            ("creator is admin", f"pm.expect(data.admins).to.include({env('userId')});"),
            NAMES_RESOLVED,
        ),
        save=(("groupId", "data.id"),),
    ),
    chat(
        "POST /conversations — type GROUP",
        "POST",
        "/conversations",
        status=201,
        body={
            "type": "GROUP",
            "name": "Groupe Postman 2",
            "members": ["{{user2Id}}", "{{user3Id}}"],
        },
        keys=CONVERSATION_KEYS,
        checks=(("three members", "pm.expect(data.participantIds).to.have.lengthOf(3);"),),
        save=(("group2Id", "data.id"),),
    ),
    chat(
        "POST /conversations/:id/participants — admin adds user 3",
        "POST",
        "/conversations/{{groupId}}/participants",
        body={"userIds": ["{{user3Id}}"]},
        keys=CONVERSATION_KEYS,
        checks=(
            ("user 3 added", f"pm.expect(data.participantIds).to.include({env('user3Id')});"),
            NAMES_RESOLVED,
        ),
    ),
    chat(
        "GET /conversations/:id/participants — the participant ids, paged",
        "GET",
        "/conversations/{{groupId}}/participants",
        query=(("offset", "0"), ("limit", "200")),
        keys=("conversationId", "participantIds", "offset", "limit", "total", "hasMore"),
        checks=(
            (
                "every member, one page",
                "pm.expect(data.participantIds).to.include("
                f"{env('user3Id')}); pm.expect(data.hasMore).to.equal(false);",
            ),
        ),
    ),
    chat(
        "POST /conversations/:id/participants — not an admin (403 NOT_CONVERSATION_ADMIN)",
        "POST",
        "/conversations/{{groupId}}/participants",
        token="user2Token",
        status=403,
        body={"userIds": ["{{adminId}}"]},
        error="NOT_CONVERSATION_ADMIN",
    ),
    chat(
        "DELETE /conversations/:id/participants/:userId — admin removes user 3",
        "DELETE",
        "/conversations/{{groupId}}/participants/{{user3Id}}",
        keys=CONVERSATION_KEYS,
        checks=(
            ("user 3 removed", f"pm.expect(data.participantIds).to.not.include({env('user3Id')});"),
        ),
    ),
    chat(
        "POST /conversations/:id/participants — on a private conversation (400 NOT_A_GROUP)",
        "POST",
        "/conversations/{{conversationId}}/participants",
        status=400,
        body={"userIds": ["{{user3Id}}"]},
        error="NOT_A_GROUP",
    ),
    chat(
        "POST /conversations/:id/leave — the last admin cannot leave (409 LAST_ADMIN)",
        "POST",
        "/conversations/{{group2Id}}/leave",
        status=409,
        error="LAST_ADMIN",
    ),
    chat(
        "POST /conversations/:id/leave — user 2 leaves the group",
        "POST",
        "/conversations/{{groupId}}/leave",
        token="user2Token",
        keys=("conversationId", "left"),
        checks=(("left", "pm.expect(data.left).to.equal(true);"),),
    ),
    chat(
        "GET /conversations/:id — after leaving (404)",
        "GET",
        "/conversations/{{groupId}}",
        token="user2Token",
        status=404,
        error="CONVERSATION_NOT_FOUND",
    ),
    chat(
        "POST /broadcasts — create a broadcast list",
        "POST",
        "/broadcasts",
        status=201,
        body={"name": "Annonces Postman", "recipients": ["{{user2Id}}", "{{user3Id}}"]},
        keys=CONVERSATION_KEYS,
        checks=(
            ("a broadcast", "pm.expect(data.type).to.equal('BROADCAST');"),
            (
                "recipients included",
                "pm.expect(data.participantIds).to.include.members("
                f"[{env('user2Id')}, {env('user3Id')}]);",
            ),
        ),
        save=(("broadcastId", "data.id"),),
    ),
]
