"""`JwksKeys`: auth_user's public token keys (EdDSA/ES256), held in memory.

Fetched from `JWT_JWKS_URL` when the service starts, and again when a token names a `kid` not
in memory (a rotation on auth_user), at most once per `refresh_interval` seconds (once per
second while no fetch has succeeded yet), so forged `kid`s cannot turn into a flood of calls. A
token with a known `kid` costs no network call. A failed fetch keeps the keys already known.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import requests

from libs.sessions.asymmetric import PublicKey, PublicKeys, public_keys_from_jwks

logger = logging.getLogger(__name__)

RETRY_UNTIL_FIRST_FETCH = 1.0  # seconds between tries while no key set was ever fetched


class JwksKeys:
    def __init__(
        self,
        url: str,
        algorithm: str,
        *,
        ca_file: str = "",
        timeout: float = 5.0,
        refresh_interval: float = 30.0,
        fetch: Callable[[], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.algorithm = algorithm
        self.url = url
        self._verify: bool | str = ca_file or True
        self._timeout = timeout
        self._refresh_interval = refresh_interval
        self._fetch = fetch or self._get
        self._clock = clock
        self._keys = PublicKeys(algorithm)
        self._fetched = False
        self._next_fetch = float("-inf")
        self._lock = threading.Lock()
        self.fetches = 0  # attempts made (for tests and logs)

    def key_for(self, kid: object) -> PublicKey | None:
        key = self._keys.key_for(kid)
        if key is None and isinstance(kid, str) and self._clock() >= self._next_fetch:
            self.refresh()
            key = self._keys.key_for(kid)
        return key

    @property
    def fetched(self) -> bool:
        """True once a key set was fetched (until then every token is refused)."""
        return self._fetched

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._keys.by_kid)

    def refresh(self) -> bool:
        """Fetch the set now (one caller at a time); False if it failed."""
        with self._lock:
            if self._clock() < self._next_fetch:  # another caller just fetched
                return self._fetched
            self.fetches += 1
            try:
                keys = public_keys_from_jwks(self._fetch(), self.algorithm)
            except (requests.RequestException, ValueError) as exc:
                logger.warning("JWKS fetch from %s failed: %s", self.url, type(exc).__name__)
                self._next_fetch = self._clock() + self._retry_delay()
                return False
            self._keys, self._fetched = keys, True
            self._next_fetch = self._clock() + self._refresh_interval
            logger.info("JWKS from %s: key ids %s", self.url, ", ".join(keys.by_kid) or "none")
            return True

    def _retry_delay(self) -> float:
        if self._fetched:
            return self._refresh_interval
        return min(self._refresh_interval, RETRY_UNTIL_FIRST_FETCH)

    def _get(self) -> object:
        response = requests.get(self.url, timeout=self._timeout, verify=self._verify)
        response.raise_for_status()
        return response.json()
