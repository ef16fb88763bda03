"""`CachedCircles`: a user's rooms and contacts from the cache, asked of the store on a miss,
and forgotten for everyone concerned by each membership write."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from services.chat_file.conversations.application.circles import CachedCircles, CacheRead
from services.chat_file.conversations.domain.model import Circle, Conversation, ConversationType
from tests.fake_stores import FakeConversationStore

NOW = datetime(2026, 3, 1, tzinfo=UTC)


class DictCircleCache:
    def __init__(self) -> None:
        self.entries: dict[str, Circle] = {}
        self.forgotten: list[str] = []
        self.broken = False

    def get(self, user_id: str) -> CacheRead:
        if self.broken:
            raise ConnectionError("redis is down")
        return CacheRead(self.entries.get(user_id))

    def put(self, user_id: str, circle: Circle, version: str) -> None:
        if self.broken:
            raise ConnectionError("redis is down")
        self.entries[user_id] = circle

    def forget(self, user_ids: Iterable[str]) -> None:
        if self.broken:
            raise ConnectionError("redis is down")
        for user in user_ids:
            self.forgotten.append(user)
            self.entries.pop(user, None)


class CountingStore(FakeConversationStore):
    def __init__(self) -> None:
        super().__init__()
        self.circle_reads = 0

    def circle_of(self, user_id: str) -> Circle:
        self.circle_reads += 1
        return super().circle_of(user_id)


def group(store: CachedCircles, members: list[str]) -> Conversation:
    conversation = Conversation(
        id="",
        type=ConversationType.GROUP,
        participants=members,
        admins=[members[0]],
        created_by=members[0],
        created_at=NOW,
        last_activity=NOW,
        name="g",
    )
    return store.create(conversation)


def wired() -> tuple[CachedCircles, CountingStore, DictCircleCache]:
    raw, cache = CountingStore(), DictCircleCache()
    return CachedCircles(raw, cache), raw, cache


def test_a_cached_circle_is_not_asked_again() -> None:
    store, raw, _ = wired()
    g = group(store, ["a", "b"])
    first, second = store.circle_of("a"), store.circle_of("a")
    assert first == second == Circle((g.id,), frozenset({"a", "b"}))
    assert raw.circle_reads == 1


def test_creating_a_conversation_forgets_its_members_circles() -> None:
    store, raw, cache = wired()
    group(store, ["a", "b"])
    store.circle_of("a"), store.circle_of("c")
    g = group(store, ["a", "c"])
    assert set(cache.forgotten) >= {"a", "c"}
    assert store.circle_of("a").contacts == {"a", "b", "c"}
    assert g.id in store.circle_of("c").conversation_ids
    assert raw.circle_reads == 4


def test_adding_and_removing_forget_everyone_concerned() -> None:
    store, _, cache = wired()
    g = group(store, ["a", "b"])
    for user in ("a", "b", "c"):
        store.circle_of(user)
    store.add_participants(g.id, ["c"], [])
    assert store.circle_of("a").contacts == {"a", "b", "c"}
    assert store.circle_of("c").conversation_ids == (g.id,)
    for user in ("a", "b", "c"):
        store.circle_of(user)
    store.remove_participant(g.id, "b")
    assert store.circle_of("b") == Circle((), frozenset())
    assert store.circle_of("a").contacts == {"a", "c"}
    assert set(cache.entries) >= {"a", "b"}


def test_a_private_conversation_forgets_the_pair_only_when_created() -> None:
    store, _, cache = wired()
    store.get_or_create_private("a", "b", NOW)
    assert sorted(cache.forgotten) == ["a", "b"]
    store.get_or_create_private("b", "a", NOW)
    assert sorted(cache.forgotten) == ["a", "b"]  # found, not created: nothing changed


def test_a_membership_change_of_an_unknown_conversation_forgets_nothing() -> None:
    store, _, cache = wired()
    assert store.add_participants("0" * 24, ["a"], []) is None
    assert store.remove_participant("0" * 24, "a") is None
    assert cache.forgotten == []


def test_a_failing_cache_leaves_the_store_answering() -> None:
    store, raw, cache = wired()
    g = group(store, ["a", "b"])
    cache.broken = True
    assert store.circle_of("a").conversation_ids == (g.id,)
    assert store.add_participants(g.id, ["c"], []) is not None  # the write is not undone
    assert store.circle_of("c").conversation_ids == (g.id,)
    assert raw.circle_reads == 2
