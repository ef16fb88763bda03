"""`HttpAuthUserClient`: auth_user's `POST /batch` (≤ 200 ids a call) with a hard timeout.

The batch lookup is idempotent, so a retryable failure (the connection refused or reset,
502/503/504 from a proxy or a restarting auth_user) is tried again, up to `attempts` times in
all, after an exponential backoff with full jitter — always inside the one `timeout` budget of
the whole lookup. Other failures (a read timeout, a 4xx or a 500, a bad body) are not retried.
The circuit breaker (in `UserDirectory`) sees one failure per lookup that finally failed.
Each attempt is signed as the `chat_file` service (`libs.servicekit.service_auth`,
`SERVICE_SECRET`); an https `base_url`'s certificate must chain to `ca_file` when given.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from libs.servicekit.observability import REQUEST_ID_HEADER, current_request_id
from libs.servicekit.service_auth import sign_request
from services.chat_file.users.application.ports import ProfileSourceError

BATCH_LIMIT = 200
RETRYABLE_STATUS = frozenset({502, 503, 504})
MIN_ATTEMPT_SECONDS = 0.05  # no retry when less than this would remain for the attempt
SERVICE_NAME = "chat_file"


def _propagated_headers() -> dict[str, str]:
    """The current request's id, so auth_user's log lines join chat_file's."""
    request_id = current_request_id()
    return {REQUEST_ID_HEADER: request_id} if request_id else {}


class _Retryable(Exception):
    """One attempt failed in a way worth another try."""


class HttpAuthUserClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = 5.0,
        service_secret: str = "",
        *,
        ca_file: str = "",
        attempts: int = 3,
        backoff: float = 0.1,
        jitter: Callable[[float, float], float] = random.uniform,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._jitter = jitter
        self._clock = clock
        self._secret = service_secret
        self._session = requests.Session()
        # passed on every call: requests lets REQUESTS_CA_BUNDLE override a session setting
        self._verify: bool | str = ca_file or True
        self._lock = threading.Lock()
        self.retries = 0  # attempts made again after a retryable failure

    def fetch_many(self, user_ids: list[str]) -> dict[str, Mapping[str, Any]]:
        """Found users by id; ids auth_user reports missing are simply absent."""
        found: dict[str, Mapping[str, Any]] = {}
        deadline = self._clock() + self.timeout
        for start in range(0, len(user_ids), BATCH_LIMIT):
            for user in self._batch({"ids": user_ids[start : start + BATCH_LIMIT]}, deadline):
                if isinstance(user, Mapping):
                    uid = str(user.get("id") or user.get("_id") or "")
                    if uid:
                        found[uid] = user
        return found

    def fetch_by_matricules(self, matricules: list[str]) -> dict[str, Mapping[str, Any]]:
        """Found users by matricule (the same `POST /batch`, its `matricules` list)."""
        found: dict[str, Mapping[str, Any]] = {}
        deadline = self._clock() + self.timeout
        wanted = set(matricules)
        for start in range(0, len(matricules), BATCH_LIMIT):
            chunk = matricules[start : start + BATCH_LIMIT]
            for user in self._batch({"ids": [], "matricules": chunk}, deadline):
                if isinstance(user, Mapping) and user.get("matricule") in wanted:
                    found[str(user["matricule"])] = user
        return found

    def ping(self) -> bool:
        try:
            response = self._session.get(
                f"{self.base_url}/health", timeout=min(self.timeout, 2), verify=self._verify
            )
        except requests.RequestException:
            return False
        return response.status_code == 200

    def _batch(self, query: dict[str, list[str]], deadline: float) -> list[Any]:
        attempt = 1
        while True:
            try:
                return self._attempt(query, deadline - self._clock())
            except _Retryable as exc:
                pause = self._jitter(0, self.backoff * 2 ** (attempt - 1))
                left = deadline - self._clock() - pause
                if attempt >= self.attempts or left < MIN_ATTEMPT_SECONDS:
                    raise ProfileSourceError(str(exc)) from exc
                time.sleep(pause)
                attempt += 1
                with self._lock:
                    self.retries += 1

    def _attempt(self, query: dict[str, list[str]], budget: float) -> list[Any]:
        body = json.dumps(query).encode()
        headers = {**_propagated_headers(), "Content-Type": "application/json"}
        if self._secret:
            headers.update(sign_request(self._secret, SERVICE_NAME, "POST", "/batch", body))
        try:
            response = self._session.post(
                f"{self.base_url}/batch",
                data=body,
                timeout=max(budget, MIN_ATTEMPT_SECONDS),
                headers=headers,
                verify=self._verify,
            )
        except requests.ConnectionError as exc:  # refused, reset, connect timeout
            raise _Retryable(f"auth_user unreachable: {type(exc).__name__}") from exc
        except requests.RequestException as exc:  # read timeout: the budget is spent
            raise ProfileSourceError(f"auth_user unreachable: {type(exc).__name__}") from exc
        if response.status_code in RETRYABLE_STATUS:
            raise _Retryable(f"auth_user answered {response.status_code}")
        if response.status_code != 200:
            raise ProfileSourceError(f"auth_user answered {response.status_code}")
        try:
            users = response.json().get("users")
        except (ValueError, AttributeError) as exc:
            raise ProfileSourceError("auth_user answered a non-JSON body") from exc
        if not isinstance(users, list):
            raise ProfileSourceError("auth_user batch answer has no users list")
        return users
