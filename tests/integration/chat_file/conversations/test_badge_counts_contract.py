"""BadgeCounts on every backend: many users' unread totals at once, equal to each user's own
`ConversationStore.unread_totals`."""

from __future__ import annotations

from datetime import UTC, datetime

from services.chat_file.storage.stores import ChatStores

from .test_store_contract import group, post, users

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_totals_for_many_users_match_each_users_unread_total(stores: ChatStores) -> None:
    a, b, c, nobody = users(4)
    first, second = group(stores, [a, b, c]), group(stores, [a, b])
    for sender, cid in [(a, first.id), (a, first.id), (b, first.id), (a, second.id)]:
        post(stores, cid, sender)
    third = post(stores, first.id, c)
    stores.conversations.mark_read(first.id, b, third.seq, third.id, NOW)
    totals = stores.badges.totals_for([a, b, c, nobody, a])
    assert totals == {u: stores.conversations.unread_totals(u)[0] for u in (a, b, c, nobody)}
    assert totals == {a: 5, b: 1, c: 4, nobody: 0}  # the helper posts without moving read marks
    assert stores.badges.totals_for([]) == {}
