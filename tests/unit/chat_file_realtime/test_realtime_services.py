"""Presence transitions, typing auto-stop and the per-socket send limit, with fakes."""

from __future__ import annotations

from services.chat_file.application.realtime import (
    PresenceService,
    SendRateLimiter,
    TypingService,
)

from .fakes import FakeEventSink, FakePresenceStore, FakeScheduler


def presence() -> tuple[PresenceService, FakeEventSink]:
    sink = FakeEventSink()
    return PresenceService(FakePresenceStore(), sink, now=lambda: "2026-11-27T08:00:00Z"), sink


def test_first_device_announces_online_to_contacts_but_not_to_self() -> None:
    service, sink = presence()
    assert service.connected("u1", "a", contacts=lambda: ["u1", "u2", "u3", "u2"])
    assert sink.sent == [
        ("user_online", {"userId": "u1", "lastSeen": "2026-11-27T08:00:00Z"}, ["u2", "u3"], None)
    ]


def test_second_device_announces_nothing_and_does_not_look_up_contacts() -> None:
    service, sink = presence()
    service.connected("u1", "a", contacts=lambda: ["u2"])

    def no_lookup() -> list[str]:
        raise AssertionError("contacts looked up for a second device")

    assert not service.connected("u1", "b", contacts=no_lookup)
    assert not service.disconnected("u1", "b", contacts=no_lookup)
    assert sink.events() == ["user_online"]


def test_only_the_last_device_leaving_announces_offline_with_last_seen() -> None:
    service, sink = presence()
    service.connected("u1", "a", contacts=lambda: ["u2"])
    service.connected("u1", "b", contacts=lambda: ["u2"])
    assert not service.disconnected("u1", "a", contacts=lambda: ["u2"])
    assert service.disconnected("u1", "b", contacts=lambda: ["u2"])
    assert sink.events() == ["user_online", "user_offline"]
    assert sink.sent[-1][1] == {"userId": "u1", "lastSeen": "2026-11-27T08:00:00Z"}


def typing() -> tuple[TypingService, FakeEventSink, FakeScheduler]:
    sink, scheduler = FakeEventSink(), FakeScheduler()
    service = TypingService(sink, scheduler, timeout=10, clock=lambda: scheduler.now)
    return service, sink, scheduler


def test_typing_reaches_the_other_participants_except_the_typing_socket() -> None:
    service, sink, _ = typing()
    service.start("u1", "c1", ["u1", "u2", "u3"], sid="s1")
    assert sink.sent == [
        ("userTyping", {"userId": "u1", "conversationId": "c1"}, ["u2", "u3"], "s1")
    ]


def test_typing_stops_by_itself_after_the_timeout() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u1", "u2"], sid="s1")
    scheduler.advance(9.9)
    assert sink.events() == ["userTyping"]
    scheduler.advance(0.2)
    assert sink.events() == ["userTyping", "userStoppedTyping"]
    assert not service.is_typing("u1", "c1")


def test_typing_again_pushes_the_auto_stop_back_without_a_second_user_typing() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(6)
    service.start("u1", "c1", ["u2"], sid="s1")
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(6)
    assert sink.events() == ["userTyping"]
    assert len(scheduler.pending) == 1  # one timer, not one per keystroke
    scheduler.advance(5)
    assert sink.events() == ["userTyping", "userStoppedTyping"]


def test_typing_after_a_stop_starts_over_with_its_own_timer() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(8)
    service.stop("u1", "c1")
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(3)  # the first timer fires: it belongs to the stopped entry
    assert service.is_typing("u1", "c1")
    scheduler.advance(8)
    assert sink.events() == ["userTyping", "userStoppedTyping", "userTyping", "userStoppedTyping"]


def test_explicit_stop_is_sent_once_and_the_timer_then_does_nothing() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    assert service.stop("u1", "c1")
    assert not service.stop("u1", "c1")
    scheduler.advance(11)
    assert sink.events() == ["userTyping", "userStoppedTyping"]


def test_a_device_leaving_stops_only_its_own_typing() -> None:
    service, _sink, _ = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    service.start("u1", "c2", ["u3"], sid="s2")
    service.stop_all("u1", "s1")
    assert not service.is_typing("u1", "c1")
    assert service.is_typing("u1", "c2")


def test_send_limiter_allows_a_burst_then_refuses_until_tokens_refill() -> None:
    now = [0.0]
    limiter = SendRateLimiter(rate=2, burst=3, clock=lambda: now[0])
    assert [limiter.allow("s") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("other")
    now[0] += 0.5
    assert limiter.allow("s")
    assert not limiter.allow("s")


def test_send_limiter_with_zero_rate_is_off() -> None:
    limiter = SendRateLimiter(rate=0, burst=0)
    assert all(limiter.allow("s") for _ in range(1000))


def test_online_contacts_are_the_connected_contacts_never_strangers_or_self() -> None:
    service, _ = presence()
    for user in ("u1", "u2", "stranger"):
        service.connected(user, f"{user}-sid", contacts=lambda: [])
    contacts = lambda: ["u1", "u2", "u3"]  # noqa: E731
    assert service.online_contacts("u1", [], contacts) == ["u2"]
    assert service.online_contacts("u1", ["u3", "stranger", "u2"], contacts) == ["u2"]
