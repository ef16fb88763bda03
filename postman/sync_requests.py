"""chat_file requests: the Sync folder (the caller's change log, issue 27)."""

from __future__ import annotations

from .dsl import chat

SYNC_KEYS = ("changes", "next", "hasMore")

SYNC_FOLDER = [
    chat(
        "GET /sync — no token: no changes, the caller's current position",
        "GET",
        "/sync",
        status=200,
        keys=SYNC_KEYS,
        checks=(("nothing returned", "pm.expect(data.changes).to.have.length(0);"),),
        save=(("syncToken", "data.next"),),
    ),
    chat(
        "PUT /notifications/settings — a change to sync",
        "PUT",
        "/notifications/settings",
        status=200,
        body={"previews": True},
        keys=("dndUntil", "quietHours", "previews"),
    ),
    chat(
        "GET /sync?since= — exactly the changes after the token, in order",
        "GET",
        "/sync",
        query=(("since", "{{syncToken}}"), ("limit", "50")),
        status=200,
        keys=SYNC_KEYS,
        checks=(
            ("one change", "pm.expect(data.changes).to.have.length(1);"),
            (
                "the settings event",
                "pm.expect(data.changes[0].event).to.equal('notificationSettings:updated');",
            ),
            ("next is its seq", "pm.expect(data.next).to.equal(String(data.changes[0].seq));"),
        ),
    ),
    chat(
        "GET /sync?since= — a malformed token (400)",
        "GET",
        "/sync",
        query=(("since", "not-a-token"),),
        status=400,
        error="INVALID_SYNC_TOKEN",
    ),
    chat(
        "GET /sync?since= — a token the log cannot serve: reload (410)",
        "GET",
        "/sync",
        query=(("since", "999999999999"),),
        status=410,
        error="SYNC_TOKEN_EXPIRED",
    ),
]
