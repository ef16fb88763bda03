"""`UserDirectory`: user ids → display data through the shared cache, auth_user on a miss.

1. one pipelined read of the shared cache for any number of ids;
2. misses only: one `POST /batch` to auth_user (timeout in the adapter, circuit breaker here);
3. what came back warms the cache in one pipelined write;
4. ids auth_user does not know, and every failure, answer "Utilisateur inconnu" (avatar null)
   and are never written to the shared cache. Unknown ids are remembered in-process for
   `negative_ttl` seconds so a stream of lookups of a deleted user does not hammer auth_user.

Single flight: an id being fetched is fetched once; concurrent lookups of it wait for that
call (threading primitives: gevent-cooperative once monkey patching ran). Answers fetched in
the last `recent_ttl` seconds are reused so a lookup that missed the cache just before it
was warmed does not make a second call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from libs.servicekit.i18n import DEFAULT_LOCALE, supported_locale
from libs.usercache import UNKNOWN_USER_NAME, CachedUser
from services.chat_file.users.application.breaker import CircuitBreaker
from services.chat_file.users.application.ports import (
    ProfileCache,
    ProfileSource,
    ProfileSourceError,
)

logger = logging.getLogger(__name__)


def unknown_user(user_id: str) -> dict[str, Any]:
    return {"userId": user_id, "name": UNKNOWN_USER_NAME, "avatar": None, "matricule": user_id}


@dataclass(frozen=True)
class MemberLookup:
    """Who the ids given for members are: `ids` maps each one auth_user knows (as a user id,
    or else as a matricule) to the user id; `unknown` are neither; `unchecked` could not be
    asked (auth_user failing or its breaker open)."""

    ids: dict[str, str]
    unknown: list[str]
    unchecked: list[str]


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    result: dict[str, Any] | None = None


class UserDirectory:
    def __init__(
        self,
        cache: ProfileCache,
        source: ProfileSource,
        breaker: CircuitBreaker | None = None,
        *,
        negative_ttl: float = 30.0,
        recent_ttl: float = 2.0,
        wait_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = cache
        self._source = source
        self.breaker = breaker or CircuitBreaker()
        self._negative_ttl = negative_ttl
        self._recent_ttl = recent_ttl
        self._wait_timeout = wait_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._recent: dict[str, tuple[float, dict[str, Any]]] = {}
        self._stats = dict.fromkeys(
            ("hits", "misses", "http_calls", "http_failures", "fallbacks", "unknown", "shared"), 0
        )

    def resolve(self, user_id: str) -> dict[str, Any]:
        return self.resolve_many([user_id])[0]

    def resolve_many(self, user_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Display data for each id, in the caller's order (duplicates allowed)."""
        ids = [str(u) for u in user_ids]
        unique = list(dict.fromkeys(u for u in ids if u))
        if not unique:
            return [unknown_user(u) for u in ids]
        cached = self._cache.get_many(unique)
        found: dict[str, dict[str, Any]] = {u: p.to_public() for u, p in cached.items()}
        missing = [u for u in unique if u not in found]
        self._count(hits=len(found), misses=len(missing))
        if missing:
            found.update(self._fetch_shared(missing))
        return [found.get(u) or unknown_user(u) for u in ids]

    def locales(self, user_ids: Iterable[str]) -> dict[str, str]:
        """Each user's language (`fr`|`en`) as the shared cache knows it (one round trip, no
        call to auth_user); French when the cache does not know it (or is down: the cache
        answers nothing then)."""
        ids = list(dict.fromkeys(str(u) for u in user_ids if u))
        cached = self._cache.get_many(ids) if ids else {}
        known = {u: supported_locale(p.locale) for u, p in cached.items()}
        return {u: known.get(u) or DEFAULT_LOCALE for u in ids}

    def resolve_map(self, user_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(dict.fromkeys(user_ids))
        return dict(zip(ids, self.resolve_many(ids), strict=True))

    def is_unknown(self, user_id: str) -> bool:
        """True only when auth_user said this id does not exist (not on failures)."""
        profile = self.resolve(user_id)
        entry = self._recent.get(user_id)
        return profile["name"] == UNKNOWN_USER_NAME and bool(entry and entry[1].get("_unknown"))

    def find_members(self, given: Iterable[str]) -> MemberLookup:
        """Each id checked against auth_user: the shared cache, then one batch lookup of the
        misses (as for display data), then one lookup by matricule of what is still unknown
        (the old clients sent matricules where ids are expected)."""
        unique = list(dict.fromkeys(str(g) for g in given if g))
        ids = {u: u for u in self._cache.get_many(unique)}
        missing = [u for u in unique if u not in ids]
        if missing:
            self._fetch_shared(missing)
        unknown: list[str] = []
        unchecked: list[str] = []
        with self._lock:
            for uid in missing:
                entry = self._recent.get(uid)
                if entry is None:
                    unchecked.append(uid)
                elif entry[1].get("_unknown"):
                    unknown.append(uid)
                else:
                    ids[uid] = uid
        named = self._by_matricule(unknown) if unknown else None
        if named is None:
            return MemberLookup(ids, [], unchecked + unknown)
        ids.update(named)
        return MemberLookup(ids, [u for u in unknown if u not in named], unchecked)

    def _by_matricule(self, matricules: list[str]) -> dict[str, str] | None:
        """matricule → user id of those auth_user knows (their profiles warm the cache);
        None when auth_user could not be asked."""
        if not self.breaker.allow():
            return None
        self._count(http_calls=1)
        try:
            payloads = self._source.fetch_by_matricules(matricules)
        except ProfileSourceError as exc:
            self.breaker.record_failure()
            self._count(http_failures=1)
            logger.warning("auth_user lookup of %d matricules failed: %s", len(matricules), exc)
            return None
        self.breaker.record_success()
        asked = [str(p.get("id") or p.get("_id") or "") for p in payloads.values()]
        users = _parse_users(payloads, asked)
        self._cache.set_many(users.values())
        by_matricule = {u.matricule: u.id for u in users.values()}
        return {m: by_matricule[m] for m in matricules if m in by_matricule}

    def invalidate(self, user_id: str) -> None:
        with self._lock:
            self._recent.pop(user_id, None)
        self._cache.delete(user_id)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            figures: dict[str, Any] = dict(self._stats)
        figures["http_retries"] = int(getattr(self._source, "retries", 0))
        figures["breaker_state"] = self.breaker.state
        figures["breaker_opened"] = self.breaker.opened_count
        return figures

    def _fetch_shared(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        results: dict[str, dict[str, Any]] = {}
        mine: dict[str, _Flight] = {}
        waiting: dict[str, _Flight] = {}
        now = self._clock()
        with self._lock:
            for uid in ids:
                recent = self._recent.get(uid)
                if recent and recent[0] > now:
                    results[uid] = recent[1]
                elif uid in self._flights:
                    waiting[uid] = self._flights[uid]
                else:
                    mine[uid] = self._flights[uid] = _Flight()
            self._stats["shared"] += len(waiting)
        if mine:
            results.update(self._fetch_and_publish(mine))
        for uid, flight in waiting.items():
            flight.done.wait(self._wait_timeout)
            results[uid] = flight.result or unknown_user(uid)
        return {u: _public(p) for u, p in results.items()}

    def _fetch_and_publish(self, mine: dict[str, _Flight]) -> dict[str, dict[str, Any]]:
        fetched: dict[str, dict[str, Any]] = {}
        try:
            fetched = self._fetch_remote(list(mine))
        finally:
            expires = self._clock()
            with self._lock:
                for uid, flight in mine.items():
                    flight.result = fetched.get(uid)
                    self._flights.pop(uid, None)
                    self._remember(uid, flight.result, expires)
                    flight.done.set()
        return fetched

    def _remember(self, uid: str, result: dict[str, Any] | None, now: float) -> None:
        if result is None or result.get("_fallback"):
            return  # failures are not remembered: the next lookup tries again
        ttl = self._negative_ttl if result.get("_unknown") else self._recent_ttl
        self._recent[uid] = (now + ttl, result)
        if len(self._recent) > 10_000:
            self._recent = {k: v for k, v in self._recent.items() if v[0] > now}

    def _fetch_remote(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not self.breaker.allow():
            self._count(fallbacks=len(ids))
            return {u: {**unknown_user(u), "_fallback": True} for u in ids}
        self._count(http_calls=1)
        try:
            payloads = self._source.fetch_many(ids)
        except ProfileSourceError as exc:
            self.breaker.record_failure()
            self._count(http_failures=1, fallbacks=len(ids))
            logger.warning("auth_user lookup of %d ids failed: %s", len(ids), exc)
            return {u: {**unknown_user(u), "_fallback": True} for u in ids}
        self.breaker.record_success()
        users = _parse_users(payloads, ids)
        self._cache.set_many(users.values())
        unknown = [u for u in ids if u not in users]
        self._count(unknown=len(unknown))
        results = {u: user.to_public() for u, user in users.items()}
        results.update({u: {**unknown_user(u), "_unknown": True} for u in unknown})
        return results

    def _count(self, **deltas: int) -> None:
        with self._lock:
            for name, delta in deltas.items():
                self._stats[name] += delta


def _parse_users(payloads: Mapping[str, Any], asked: list[str]) -> dict[str, CachedUser]:
    """Profiles keyed by the id auth_user returned; entries for ids not asked are ignored."""
    wanted = set(asked)
    users: dict[str, CachedUser] = {}
    for payload in payloads.values():
        try:
            user = CachedUser.from_profile(payload)
        except (ValueError, TypeError, AttributeError):
            continue
        if user.id in wanted:
            users[user.id] = user
    return users


def _public(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in profile.items() if not k.startswith("_")}
