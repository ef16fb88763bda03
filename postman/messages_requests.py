"""chat_file requests, first half of the Messages folder: send, history, read one, edit."""

from __future__ import annotations

from .dsl import chat, env

MESSAGE_KEYS = (
    "id",
    "messageId",
    "conversationId",
    "senderId",
    "senderName",
    "senderAvatar",
    "content",
    "type",
    "status",
    "timestamp",
    "temporaryId",
    "reactions",
    "edited",
    "deleted",
)


MESSAGES_FOLDER = [
    chat(
        "POST /messages — send with a temporaryId",
        "POST",
        "/messages",
        status=201,
        prerequest=("pm.environment.set('temporaryId', 'pm-' + Date.now());",),
        body={
            "conversationId": "{{conversationId}}",
            "content": "Bonjour depuis Postman",
            "type": "TEXT",
            "temporaryId": "{{temporaryId}}",
        },
        keys=MESSAGE_KEYS,
        checks=(
            ("sender is the token's user", f"pm.expect(data.senderId).to.equal({env('userId')});"),
            ("temporaryId echoed", f"pm.expect(data.temporaryId).to.equal({env('temporaryId')});"),
            (
                "sender name resolved",
                "pm.expect(data.senderName).to.be.a("
                "'string').and.not.equal('Utilisateur inconnu');",
            ),
        ),
        save=(("messageId", "data.id"),),
    ),
    chat(
        "POST /messages — same temporaryId again is the same message (idempotent)",
        "POST",
        "/messages",
        body={
            "conversationId": "{{conversationId}}",
            "content": "Bonjour depuis Postman",
            "type": "TEXT",
            "temporaryId": "{{temporaryId}}",
        },
        keys=MESSAGE_KEYS,
        checks=(("same id", f"pm.expect(data.id).to.equal({env('messageId')});"),),
    ),
    chat(
        "POST /messages — by receiverId reaches the private conversation",
        "POST",
        "/messages",
        status=201,
        body={"receiverId": "{{user2Id}}", "content": "Second message", "senderId": "{{user3Id}}"},
        keys=MESSAGE_KEYS,
        checks=(
            (
                "the pair's conversation",
                f"pm.expect(data.conversationId).to.equal({env('conversationId')});",
            ),
            (
                "senderId from the token, not the body",
                f"pm.expect(data.senderId).to.equal({env('userId')});",
            ),
        ),
        save=(("secondMessageId", "data.id"),),
    ),
    chat(
        "POST /messages — empty content (400 EMPTY_CONTENT)",
        "POST",
        "/messages",
        status=400,
        body={"conversationId": "{{conversationId}}", "content": "   "},
        error="EMPTY_CONTENT",
    ),
    chat(
        "POST /messages — a recipient cannot post in a broadcast (403 BROADCAST_READ_ONLY)",
        "POST",
        "/messages",
        token="user2Token",
        status=403,
        body={"conversationId": "{{broadcastId}}", "content": "Réponse"},
        error="BROADCAST_READ_ONLY",
    ),
    chat(
        "POST /messages — the broadcast admin posts",
        "POST",
        "/messages",
        status=201,
        body={"conversationId": "{{broadcastId}}", "content": "Annonce"},
        keys=MESSAGE_KEYS,
    ),
    chat(
        "GET /messages — history",
        "GET",
        "/messages",
        token="user2Token",
        query=(("conversationId", "{{conversationId}}"), ("limit", "10")),
        keys=("messages", "nextCursor", "hasMore"),
        checks=(
            ("newest first", f"pm.expect(data.messages[0].id).to.equal({env('secondMessageId')});"),
            (
                "both messages",
                f"pm.expect(data.messages.map(m => m.id)).to.include({env('messageId')});",
            ),
            (
                "sender display data",
                "data.messages.forEach(m => pm.expect("
                "m).to.include.all.keys('senderName', 'senderAvatar'));",
            ),
        ),
    ),
    chat(
        "GET /conversations — user 2 has the new messages unread",
        "GET",
        "/conversations",
        token="user2Token",
        keys=("conversations", "totalUnreadMessages", "unreadConversations"),
        checks=(
            (
                "unread counts",
                f"const c = data.conversations.find(c => c.id === {env('conversationId')}); "
                "pm.expect(c.unreadCount).to.be.at.least(2); "
                "pm.expect(data.totalUnreadMessages).to.be.at.least(c.unreadCount); "
                "pm.expect(data.unreadConversations).to.be.at.least(1);",
            ),
            (
                "last message shown",
                f"const c = data.conversations.find(c => c.id === {env('conversationId')}); "
                "pm.expect(c.lastMessage).to.be.an('object');",
            ),
        ),
    ),
    chat(
        "PUT /conversations/:id/read — user 2 reads up to the newest message",
        "PUT",
        "/conversations/{{conversationId}}/read",
        token="user2Token",
        keys=("conversationId", "unreadCount", "lastReadMessageId"),
        checks=(
            (
                "nothing unread",
                "pm.expect(data.unreadCount).to.equal(0); "
                f"pm.expect(data.lastReadMessageId).to.equal({env('secondMessageId')});",
            ),
        ),
    ),
    chat(
        "GET /messages — limit over 100 (400 INVALID_PAGINATION)",
        "GET",
        "/messages",
        query=(("conversationId", "{{conversationId}}"), ("limit", "500")),
        status=400,
        error="INVALID_PAGINATION",
    ),
    chat(
        "GET /messages — not a participant (404)",
        "GET",
        "/messages",
        token="user3Token",
        query=(("conversationId", "{{conversationId}}"),),
        status=404,
        error="CONVERSATION_NOT_FOUND",
    ),
    chat(
        "GET /messages/:id",
        "GET",
        "/messages/{{messageId}}",
        token="user2Token",
        keys=MESSAGE_KEYS,
        checks=(("that one", f"pm.expect(data.id).to.equal({env('messageId')});"),),
    ),
    chat(
        "GET /messages/:id — not a participant (404 MESSAGE_NOT_FOUND)",
        "GET",
        "/messages/{{messageId}}",
        token="user3Token",
        status=404,
        error="MESSAGE_NOT_FOUND",
    ),
    chat(
        "PUT /messages/:id — the author edits",
        "PUT",
        "/messages/{{messageId}}",
        body={"content": "Bonjour (modifié)"},
        keys=(*MESSAGE_KEYS, "editHistory", "editedAt"),
        checks=(
            (
                "edited",
                "pm.expect(data.edited).to.equal(true); "
                "pm.expect(data.content).to.equal('Bonjour (modifié)');",
            ),
            (
                "history kept",
                "pm.expect(data.editHistory[0].content).to.equal('Bonjour depuis Postman');",
            ),
        ),
    ),
    chat(
        "PUT /messages/:id — not the author (403 NOT_MESSAGE_AUTHOR)",
        "PUT",
        "/messages/{{messageId}}",
        token="user2Token",
        status=403,
        body={"content": "Pas le mien"},
        error="NOT_MESSAGE_AUTHOR",
    ),
]
