"""chat_file requests: the Announcements folder (issue 28: broadcasts to org units and named
agents, priority, acknowledgement, the census)."""

from __future__ import annotations

from .dsl import chat

BROADCAST_KEYS = ("id", "title", "createdBy", "admins", "units", "agents", "messageCount")
RECEIPT_KEYS = ("messageId", "state", "changed")

ANNOUNCEMENTS_FOLDER = [
    chat(
        "PUT /announcements/org-members — an org admin records agents' units (a sync job)",
        "PUT",
        "/announcements/org-members",
        token="adminToken",
        status=200,
        body={
            "members": [
                {
                    "userId": "{{user2Id}}",
                    "ministere": "Ministère des Finances",
                    "direction": "Direction du Budget",
                }
            ]
        },
        keys=("updated",),
    ),
    chat(
        "POST /announcements/broadcasts — an org admin addresses a ministry and user 2",
        "POST",
        "/announcements/broadcasts",
        token="adminToken",
        status=201,
        body={
            "title": "Circulaires",
            "units": [{"ministere": "Ministère des Finances"}],
            "agents": ["{{user2Id}}"],
        },
        keys=BROADCAST_KEYS,
        save=(("announceBroadcastId", "data.id"),),
    ),
    chat(
        "GET /announcements/broadcasts/:id — a named recipient sees it",
        "GET",
        "/announcements/broadcasts/{{announceBroadcastId}}",
        token="user2Token",
        status=200,
        keys=BROADCAST_KEYS,
    ),
    chat(
        "POST /announcements/broadcasts/:id/messages — urgent, acknowledgement requested",
        "POST",
        "/announcements/broadcasts/{{announceBroadcastId}}/messages",
        token="adminToken",
        status=201,
        body={"content": "Réunion de service à 10h", "priority": "urgent", "requestAck": True},
        keys=("id", "broadcastId", "senderId", "content", "priority", "requestAck"),
        save=(("announcementId", "data.id"),),
    ),
    chat(
        "POST /announcements/broadcasts/:id/messages — a recipient is read-only (403)",
        "POST",
        "/announcements/broadcasts/{{announceBroadcastId}}/messages",
        token="user2Token",
        status=403,
        body={"content": "Bonjour"},
        error="BROADCAST_READ_ONLY",
    ),
    chat(
        "POST /announcements/:id/receipts — the recipient's device reports it read",
        "POST",
        "/announcements/{{announcementId}}/receipts",
        token="user2Token",
        status=200,
        body={"state": "read"},
        keys=RECEIPT_KEYS,
    ),
    chat(
        "POST /messages/:id/ack — acknowledge (idempotent)",
        "POST",
        "/messages/{{announcementId}}/ack",
        token="user2Token",
        status=200,
        keys=RECEIPT_KEYS,
    ),
    chat(
        "GET /messages/:id/acks?groupBy=direction — the census per unit",
        "GET",
        "/messages/{{announcementId}}/acks",
        query=(("groupBy", "direction"),),
        token="adminToken",
        status=200,
        keys=("groupBy", "units", "pendingAgents"),
    ),
]
