"""chat_file requests, second half of the Messages folder: receipts, reactions, search, delete."""

from __future__ import annotations

from .dsl import chat, env
from .messages_requests import MESSAGE_KEYS

MESSAGE_ACTIONS = [
    chat(
        "PUT /messages/:id/status — READ by user 2",
        "PUT",
        "/messages/{{messageId}}/status",
        token="user2Token",
        body={"status": "READ"},
        keys=("messageId", "conversationId", "status", "userId", "timestamp"),
        checks=(
            (
                "read by user 2",
                "pm.expect(data.status).to.equal('READ'); "
                f"pm.expect(data.userId).to.equal({env('user2Id')});",
            ),
        ),
    ),
    chat(
        "PUT /messages/:id/status — unknown status (400 INVALID_STATUS)",
        "PUT",
        "/messages/{{messageId}}/status",
        token="user2Token",
        status=400,
        body={"status": "SEEN"},
        error="INVALID_STATUS",
    ),
    chat(
        "POST /messages/:id/reactions — add",
        "POST",
        "/messages/{{messageId}}/reactions",
        token="user2Token",
        body={"emoji": "👍"},
        keys=MESSAGE_KEYS,
        checks=(
            (
                "reaction added",
                "pm.expect(data.reactions).to.deep.include("
                f"{{emoji: '👍', userId: {env('user2Id')}}});",
            ),
        ),
    ),
    chat(
        "DELETE /messages/:id/reactions — remove",
        "DELETE",
        "/messages/{{messageId}}/reactions",
        token="user2Token",
        query=(("emoji", "👍"),),
        keys=MESSAGE_KEYS,
        checks=(
            (
                "reaction removed",
                "pm.expect(data.reactions.filter("
                f"r => r.userId === {env('user2Id')})).to.be.empty;",
            ),
        ),
    ),
    chat(
        "GET /messages/search",
        "GET",
        "/messages/search",
        query=(("q", "modifié"), ("conversationId", "{{conversationId}}")),
        keys=("messages", "count", "query"),
        checks=(
            (
                "finds the edited message",
                f"pm.expect(data.messages.map(m => m.id)).to.include({env('messageId')});",
            ),
        ),
    ),
    chat(
        "GET /messages/search — no query (400 INVALID_QUERY)",
        "GET",
        "/messages/search",
        status=400,
        error="INVALID_QUERY",
    ),
    chat(
        "GET /messages/search — only the caller's conversations",
        "GET",
        "/messages/search",
        token="user3Token",
        query=(("q", "modifié"),),
        keys=("messages", "count"),
        checks=(
            (
                "nothing from others' conversations",
                f"pm.expect(data.messages.map(m => m.id)).to.not.include({env('messageId')});",
            ),
        ),
    ),
    chat(
        "DELETE /messages/:id?scope=me — user 2 hides a message for themself",
        "DELETE",
        "/messages/{{messageId}}",
        token="user2Token",
        query=(("scope", "me"),),
        keys=("messageId", "deleted", "scope"),
        checks=(("hidden for me", "pm.expect(data.scope).to.equal('me');"),),
    ),
    chat(
        "GET /messages — the hidden message is gone for user 2",
        "GET",
        "/messages",
        token="user2Token",
        query=(("conversationId", "{{conversationId}}"),),
        keys=("messages", "nextCursor", "hasMore"),
        checks=(
            (
                "not listed",
                f"pm.expect(data.messages.map(m => m.id)).to.not.include({env('messageId')});",
            ),
        ),
    ),
    chat(
        "GET /messages/:id — still there for user 1",
        "GET",
        "/messages/{{messageId}}",
        keys=MESSAGE_KEYS,
        checks=(("not deleted", "pm.expect(data.deleted).to.equal(false);"),),
    ),
    chat(
        "DELETE /messages/:id?scope=everyone",
        "DELETE",
        "/messages/{{secondMessageId}}",
        query=(("scope", "everyone"),),
        keys=("messageId", "deleted", "scope"),
        checks=(
            (
                "deleted for everyone",
                "pm.expect(data.deleted).to.equal(true); "
                "pm.expect(data.scope).to.equal('everyone');",
            ),
        ),
    ),
    chat(
        "GET /messages/:id — deleted for everyone",
        "GET",
        "/messages/{{secondMessageId}}",
        token="user2Token",
        keys=MESSAGE_KEYS,
        checks=(
            (
                "marked deleted, content gone",
                "pm.expect(data.deleted).to.equal(true); pm.expect(data.content).to.equal('');",
            ),
        ),
    ),
]
