"""The one-pass page presenter gives exactly what the domain's receipt rules say, per message."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from services.chat_file.conversations.api.views import message_view, page_views
from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
    Receipt,
)
from services.chat_file.kernel.clock import iso

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
MEMBERS = ["a", "b", "c", "d"]


def conversation(receipts: dict[str, Receipt]) -> Conversation:
    return Conversation(
        id="c1",
        type=ConversationType.GROUP,
        participants=MEMBERS,
        admins=["a"],
        created_by="a",
        created_at=T0,
        last_activity=T0,
        seq=12,
        receipts=receipts,
    )


def messages() -> list[Message]:
    return [
        Message(f"m{n}", "c1", MEMBERS[n % 4], f"texte {n}", MessageType.TEXT, T0, seq=n)
        for n in range(0, 13)
    ]


def expected(m: Message, c: Conversation) -> dict[str, object]:
    return {
        "status": c.status_of(m),
        "readBy": {u: iso(t) for u, t in c.read_by(m).items()},
        "deliveredTo": {u: iso(t) for u, t in c.delivered_to(m).items()},
    }


def test_page_views_match_the_domain_rules_for_every_message() -> None:
    minute = timedelta(minutes=1)
    receipts = {
        "a": Receipt(read_up_to=12, read_at=T0 + minute),
        "b": Receipt(read_up_to=4, delivered_up_to=9, read_at=T0, delivered_at=T0 + 2 * minute),
        "c": Receipt(delivered_up_to=7, delivered_at=T0 + 3 * minute),
    }  # "d" has no receipt at all
    for c in (
        conversation(receipts),
        conversation({}),
        conversation({u: Receipt(12, 12) for u in MEMBERS}),
    ):
        senders = {u: {"name": u.upper(), "avatar": None} for u in MEMBERS}
        views = page_views(messages(), senders, c)
        assert len(views) == 13
        for m, view in zip(messages(), views, strict=True):
            assert {k: view[k] for k in ("status", "readBy", "deliveredTo")} == expected(m, c)
            assert view == message_view(m, senders[m.sender_id], c)  # alone or in a page
            assert view["senderName"] == m.sender_id.upper()


def test_page_views_of_a_large_group_with_tied_pointers_match_the_domain_rules() -> None:
    rng = random.Random(7)
    people = [f"u{n:04d}" for n in range(1000)]
    receipts = {
        u: Receipt(
            read_up_to=(read := rng.choice([0, 3, 3, 10, 25, 40])),
            delivered_up_to=read + rng.choice([0, 0, 5]),
            read_at=T0 + timedelta(seconds=n) if read else None,
            delivered_at=T0 + timedelta(seconds=2 * n),
        )
        for n, u in enumerate(people)
        if n % 7  # some members have no receipt row
    }
    c = Conversation(
        id="big",
        type=ConversationType.GROUP,
        participants=people,
        admins=people[:1],
        created_by=people[0],
        created_at=T0,
        last_activity=T0,
        seq=50,
        receipts=receipts,
    )
    page = [
        Message(f"m{n}", "big", rng.choice(people[:20]), "x", MessageType.TEXT, T0, seq=n)
        for n in range(50, 0, -1)
    ]
    views = page_views(page, {u: {"name": u} for u in people}, c)
    for m, view in zip(page, views, strict=True):
        assert {k: view[k] for k in ("status", "readBy", "deliveredTo")} == expected(m, c)
        assert list(view["readBy"]) == list(c.read_by(m))  # member order kept
