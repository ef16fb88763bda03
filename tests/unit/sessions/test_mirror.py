"""RevocationMirror: the in-memory watermarks every request is checked against."""

from __future__ import annotations

from libs.sessions import Revocation, RevocationMirror, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def fresh_mirror(**kwargs: float) -> tuple[RevocationMirror, Clock]:
    clock = Clock()
    mirror = RevocationMirror(clock=clock, **kwargs)
    mirror.replace({}, {})
    return mirror, clock


def test_a_user_watermark_revokes_sessions_logged_in_before_it_only() -> None:
    mirror, _ = fresh_mirror()
    mirror.apply(Revocation("user", "u1", 5_000, "logout_all"))
    assert mirror.check("u1", "s-old", 4_999) is Verdict.REVOKED
    assert mirror.check("u1", "s-old", 5_000) is Verdict.REVOKED
    assert mirror.check("u1", "s-new", 5_001) is Verdict.VALID
    assert mirror.check("u2", "s-other", 1) is Verdict.VALID


def test_a_session_watermark_revokes_every_token_of_that_session() -> None:
    mirror, _ = fresh_mirror()
    mirror.apply(Revocation("session", "s1", 5_000, "logout"))
    assert mirror.check("u1", "s1", 9_999_999) is Verdict.REVOKED
    assert mirror.check("u1", "s2", 1) is Verdict.VALID
    assert mirror.check("u1", None, 1) is Verdict.VALID


def test_watermarks_only_move_forward() -> None:
    mirror, _ = fresh_mirror()
    mirror.apply(Revocation("user", "u1", 5_000))
    mirror.apply(Revocation("user", "u1", 3_000))  # late or replayed message
    assert mirror.check("u1", None, 4_000) is Verdict.REVOKED


def test_subscribers_hear_every_revocation() -> None:
    mirror, _ = fresh_mirror()
    heard: list[Revocation] = []
    mirror.subscribe(heard.append)
    revocation = Revocation("session", "s1", 1, "logout")
    mirror.apply(revocation)
    assert heard == [revocation]


def test_stale_mirror_keeps_serving_unless_a_limit_is_set() -> None:
    lenient, clock = fresh_mirror()
    lenient.mark_stale()
    clock.now += 600
    assert lenient.check("u1", None, 1) is Verdict.VALID
    assert lenient.status() == {"fresh": False, "staleSeconds": 600.0, "failClosedAfter": None}
    strict, clock = fresh_mirror(max_staleness=5)
    strict.mark_stale()
    clock.now += 5
    assert strict.check("u1", None, 1) is Verdict.VALID
    clock.now += 0.5
    assert strict.check("u1", None, 1) is Verdict.STALE
    strict.replace({}, {})
    assert strict.check("u1", None, 1) is Verdict.VALID and strict.staleness() == 0


def test_readiness_tolerates_a_short_gap_only() -> None:
    mirror, clock = fresh_mirror()
    mirror.mark_stale()
    clock.now += 2
    assert mirror.following(grace=2)
    clock.now += 0.1
    assert not mirror.following(grace=2)


def test_a_reload_from_an_emptied_redis_keeps_what_this_process_knew() -> None:
    mirror, clock = fresh_mirror(keep_seconds=3600)
    now_ms = int(clock.now * 1000)
    mirror.apply(Revocation("session", "s1", now_ms))
    mirror.apply(Revocation("session", "ancient", now_ms - 3_601_000))
    mirror.replace({"u9": now_ms}, {})
    assert mirror.check("u1", "s1", 1) is Verdict.REVOKED
    assert mirror.check("u9", None, now_ms) is Verdict.REVOKED
    assert mirror.check("u1", "ancient", 1) is Verdict.VALID  # older than any live token
