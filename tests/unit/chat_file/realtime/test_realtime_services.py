"""Presence transitions, typing auto-stop and the per-socket send limit, with fakes."""

from __future__ import annotations

from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.realtime.application.activity import ActivityService
from services.chat_file.realtime.application.presence import PresenceService
from services.chat_file.realtime.application.typing import TypingService

from .fakes import FakeActivityStore, FakeEventSink, FakePresenceStore, FakeScheduler


def presence() -> tuple[PresenceService, FakeEventSink]:
    sink = FakeEventSink()
    return PresenceService(FakePresenceStore(), sink, now=lambda: "2026-11-27T08:00:00Z"), sink


def test_first_device_announces_online_to_contacts_but_not_to_self() -> None:
    service, sink = presence()
    looked_up = []
    contacts = lambda: looked_up.append(1) or ["u1", "u2", "u3", "u2"]  # noqa: E731
    assert service.connected("u1", "a", contacts=contacts, matricule="M1")
    at = "2026-11-27T08:00:00Z"
    assert sink.sent == [
        ("user_online", {"userId": "u1", "lastSeen": at}, ["u2", "u3"], None),
        (
            "user_connected",
            {"userId": "u1", "matricule": "M1", "timestamp": at},
            ["u2", "u3"],
            None,
        ),
    ]  # the old clients' name beside, to the same contacts, looked up once
    assert looked_up == [1]


def test_second_device_announces_nothing_and_does_not_look_up_contacts() -> None:
    service, sink = presence()
    service.connected("u1", "a", contacts=lambda: ["u2"])

    def no_lookup() -> list[str]:
        raise AssertionError("contacts looked up for a second device")

    assert not service.connected("u1", "b", contacts=no_lookup)
    assert not service.disconnected("u1", "b", contacts=no_lookup)
    assert sink.events() == ["user_online", "user_connected"]


def test_only_the_last_device_leaving_announces_offline_with_last_seen() -> None:
    service, sink = presence()
    service.connected("u1", "a", contacts=lambda: ["u2"])
    service.connected("u1", "b", contacts=lambda: ["u2"])
    assert not service.disconnected("u1", "a", contacts=lambda: ["u2"])
    assert service.disconnected("u1", "b", contacts=lambda: ["u2"])
    assert sink.events("user_online", "user_offline") == ["user_online", "user_offline"]
    assert sink.events("user_disconnected") == ["user_disconnected"]
    assert sink.sent[-2][1] == {"userId": "u1", "lastSeen": "2026-11-27T08:00:00Z"}
    assert sink.sent[-1][1] == {
        "userId": "u1",
        "matricule": None,
        "timestamp": sink.sent[-2][1]["lastSeen"],
    }


LEGACY = ("userTyping", "userStoppedTyping")


def typing() -> tuple[TypingService, FakeEventSink, FakeScheduler]:
    sink, scheduler = FakeEventSink(), FakeScheduler()
    service = TypingService(
        sink,
        scheduler,
        timeout=10,
        clock=lambda: scheduler.now,
        names=lambda u: f"Nom {u}",
        now=lambda: "2026-11-27T08:00:00.000Z",
    )
    return service, sink, scheduler


def test_typing_reaches_the_other_participants_except_the_typing_socket() -> None:
    service, sink, _ = typing()
    service.start("u1", "c1", ["u1", "u2", "u3"], sid="s1")
    assert sink.sent[0] == (
        "userTyping",
        {"userId": "u1", "conversationId": "c1"},
        ["u2", "u3"],
        "s1",
    )
    assert {(e[0], tuple(e[2]), e[3]) for e in sink.sent} == {
        (event, ("u2", "u3"), "s1") for event in ("userTyping", "typing:indicator", "typing")
    }


def test_typing_stops_by_itself_after_the_timeout() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u1", "u2"], sid="s1")
    scheduler.advance(9.9)
    assert sink.events(*LEGACY) == ["userTyping"]
    scheduler.advance(0.2)
    assert sink.events(*LEGACY) == ["userTyping", "userStoppedTyping"]
    assert not service.is_typing("u1", "c1")


def test_typing_again_pushes_the_auto_stop_back_without_a_second_user_typing() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(6)
    service.start("u1", "c1", ["u2"], sid="s1")
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(6)
    assert sink.events(*LEGACY) == ["userTyping"]
    assert len(scheduler.pending) == 1  # one timer, not one per keystroke
    scheduler.advance(5)
    assert sink.events(*LEGACY) == ["userTyping", "userStoppedTyping"]


def test_typing_after_a_stop_starts_over_with_its_own_timer() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(8)
    service.stop("u1", "c1")
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(3)  # the first timer fires: it belongs to the stopped entry
    assert service.is_typing("u1", "c1")
    scheduler.advance(8)
    assert sink.events(*LEGACY) == [
        "userTyping",
        "userStoppedTyping",
        "userTyping",
        "userStoppedTyping",
    ]


def test_explicit_stop_is_sent_once_and_the_timer_then_does_nothing() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    assert service.stop("u1", "c1")
    assert not service.stop("u1", "c1")
    scheduler.advance(11)
    assert sink.events(*LEGACY) == ["userTyping", "userStoppedTyping"]


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


def test_old_clients_get_typing_indicator_start_refresh_stop_and_flutter_typing() -> None:
    service, sink, scheduler = typing()
    service.start("u1", "c1", ["u2"], sid="s1")
    scheduler.advance(2)
    service.start("u1", "c1", ["u2"], sid="s1")  # too soon for a refresh (timeout / 2)
    scheduler.advance(4)
    service.start("u1", "c1", ["u2"], sid="s1")
    service.stop("u1", "c1")
    indicators = [e[1] for e in sink.sent if e[0] == "typing:indicator"]
    stamp = "2026-11-27T08:00:00.000Z"
    ref = {"conversationId": "c1", "userId": "u1", "timestamp": stamp}
    assert indicators == [{**ref, "status": s} for s in ("start", "refresh", "stop")]
    flutter = [e[1] for e in sink.sent if e[0] == "typing"]
    ref = {"conversationId": "c1", "userId": "u1", "userName": "Nom u1"}
    assert flutter == [{**ref, "isTyping": True}, {**ref, "isTyping": False}]


def activity(
    idle_after: float = 60,
) -> tuple[ActivityService, FakeActivityStore, FakeEventSink, list[float]]:
    store, sink, now = FakeActivityStore(), FakeEventSink(), [1000.0]
    service = ActivityService(store, sink, idle_after, clock=lambda: now[0])
    return service, store, sink, now


def test_a_user_quiet_for_the_idle_time_is_announced_idle_once_to_contacts() -> None:
    service, _store, sink, now = activity()
    service.active("u1", contacts=lambda: ["u2"])
    now[0] += 59
    service.sweep([("u1", "M1")], contacts_of=lambda u: ["u1", "u2"])
    assert sink.events() == []
    now[0] += 1
    service.sweep([("u1", "M1")], contacts_of=lambda u: ["u1", "u2"])
    service.sweep([("u1", "M1")], contacts_of=lambda u: ["u1", "u2"])
    expected = {"userId": "u1", "matricule": "M1", "timestamp": "1970-01-01T00:17:40.000Z"}
    assert sink.sent == [("user_idle", expected, ["u2"], None)]


def test_activity_after_idle_announces_user_online_again() -> None:
    service, _store, sink, now = activity()
    service.active("u1", contacts=lambda: ["u2"])
    now[0] += 61
    service.sweep([("u1", "M1")], contacts_of=lambda u: ["u2"])
    service.active("u1", contacts=lambda: ["u2"])
    assert sink.events() == ["user_idle", "user_online"]
    assert sink.sent[-1][1]["userId"] == "u1"


def test_activity_not_yet_written_counts_at_the_sweep() -> None:
    service, store, sink, now = activity(idle_after=60)  # writes at most every 6 s
    service.active("u1", contacts=lambda: [])
    now[0] += 1
    service.active("u1", contacts=lambda: [])  # kept in memory only
    assert store.seen["u1"] == 1000.0
    now[0] += 59.5
    service.sweep([("u1", "M1")], contacts_of=lambda u: ["u2"])
    assert store.seen["u1"] == 1001.0 and sink.events() == []


def test_who_is_online_lists_contacts_with_status_and_last_seen() -> None:
    service, store, _sink, _now = activity()
    store.device_connected("u2", "a")
    store.device_connected("u3", "b")
    service.active("u2", contacts=lambda: [])
    store.mark_idle(["u3"])
    store.device_connected("stranger", "c")
    answer = service.who_is_online("u1", [], contacts=lambda: ["u1", "u2", "u3", "u4"])
    assert answer["online"] == ["u2", "u3"]
    assert answer["contacts"] == [
        {"userId": "u2", "status": "online", "lastSeen": "1970-01-01T00:16:40.000Z"},
        {"userId": "u3", "status": "idle", "lastSeen": None},
        {"userId": "u4", "status": "offline", "lastSeen": None},
    ]
    assert answer["users"] == answer["contacts"][:2]  # the online and idle ones only
    asked = service.who_is_online("u1", ["stranger", "u2"], contacts=lambda: ["u2"])
    assert [u["userId"] for u in asked["contacts"]] == ["u2"]


def test_the_sweep_forgets_users_who_left_this_process_after_writing_them() -> None:
    service, store, _sink, now = activity(idle_after=60)
    service.active("u1", contacts=lambda: [])
    now[0] += 1
    service.active("u1", contacts=lambda: [])  # not written yet; then u1 leaves this process
    service.sweep([], contacts_of=lambda u: [])
    assert store.seen["u1"] == 1001.0
    now[0] += 1
    service.active("u1", contacts=lambda: [])  # back: written at once (nothing remembered)
    assert store.seen["u1"] == 1002.0
