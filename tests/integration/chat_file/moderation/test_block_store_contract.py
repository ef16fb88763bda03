"""The storage contract of blocks (BlockStore, the kernel's BlockList) on every backend (the
`stores` fixture: fakes, SQLite, PostgreSQL, mongomock, MongoDB if set)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.chat_file.storage.stores import ChatStores

AT = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)


def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def test_block_is_directional_idempotent_and_lifts(stores: ChatStores) -> None:
    a, b = user(), user()
    assert stores.blocks.block(a, b, AT) is True
    assert stores.blocks.block(a, b, AT + timedelta(seconds=1)) is False
    assert stores.blocks.has_blocked(a, b) and not stores.blocks.has_blocked(b, a)
    assert stores.blocks.unblock(a, b) is True
    assert stores.blocks.unblock(a, b) is False
    assert not stores.blocks.has_blocked(a, b)


def test_lists_newest_first(stores: ChatStores) -> None:
    me, first, second, third = user(), user(), user(), user()
    stores.blocks.block(me, first, AT)
    stores.blocks.block(me, second, AT + timedelta(minutes=2))
    stores.blocks.block(me, third, AT + timedelta(minutes=1))
    stores.blocks.block(first, me, AT)  # the other way: not in my list
    assert stores.blocks.blocked_by(me) == [second, third, first]
    assert stores.blocks.blocked_by(user()) == []


def test_blockers_of_and_either_way_look_at_the_given_users_only(stores: ChatStores) -> None:
    me, blocks_me, i_block, both, bystander = user(), user(), user(), user(), user()
    stores.blocks.block(blocks_me, me, AT)
    stores.blocks.block(me, i_block, AT)
    stores.blocks.block(me, both, AT)
    stores.blocks.block(both, me, AT)
    stores.blocks.block(bystander, i_block, AT)
    everyone = [blocks_me, i_block, both, bystander]
    assert stores.blocks.blockers_of(me, everyone) == {blocks_me, both}
    assert stores.blocks.blockers_of(me, [i_block, bystander]) == set()
    assert stores.blocks.blockers_of(me, []) == set()
    assert stores.blocks.blocked_either_way(me, everyone) == {blocks_me, i_block, both}
    assert stores.blocks.blocked_either_way(me, [bystander]) == set()
    assert stores.blocks.blocked_either_way(me, []) == set()
    many = [user() for _ in range(1200)] + [blocks_me]  # more than one IN list
    assert stores.blocks.blockers_of(me, many) == {blocks_me}
