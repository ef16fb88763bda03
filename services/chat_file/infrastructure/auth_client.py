"""`HttpAuthUserClient`: auth_user's `POST /batch` (≤ 200 ids a call) with a hard timeout,
signed as the `chat_file` service (`libs.servicekit.service_auth`, `SERVICE_SECRET`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from libs.servicekit.observability import REQUEST_ID_HEADER, current_request_id
from libs.servicekit.service_auth import sign_request

from ..application.ports import ProfileSourceError

BATCH_LIMIT = 200
SERVICE_NAME = "chat_file"


def _propagated_headers() -> dict[str, str]:
    """The current request's id, so auth_user's log lines join chat_file's."""
    request_id = current_request_id()
    return {REQUEST_ID_HEADER: request_id} if request_id else {}


class HttpAuthUserClient:
    def __init__(
        self, base_url: str, timeout: float = 5.0, service_secret: str = "", ca_file: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._secret = service_secret
        self._session = requests.Session()
        # An https base_url's certificate must chain to this bundle (passed on every call:
        # requests lets REQUESTS_CA_BUNDLE override a session-level setting).
        self._verify: bool | str = ca_file or True

    def fetch_many(self, user_ids: list[str]) -> dict[str, Mapping[str, Any]]:
        """Found users by id; ids auth_user reports missing are simply absent."""
        found: dict[str, Mapping[str, Any]] = {}
        for start in range(0, len(user_ids), BATCH_LIMIT):
            for user in self._batch(user_ids[start : start + BATCH_LIMIT]):
                if isinstance(user, Mapping):
                    uid = str(user.get("id") or user.get("_id") or "")
                    if uid:
                        found[uid] = user
        return found

    def ping(self) -> bool:
        try:
            response = self._session.get(
                f"{self.base_url}/health", timeout=min(self.timeout, 2), verify=self._verify
            )
        except requests.RequestException:
            return False
        return response.status_code == 200

    def _batch(self, ids: list[str]) -> list[Any]:
        body = json.dumps({"ids": ids}).encode()
        headers = {**_propagated_headers(), "Content-Type": "application/json"}
        if self._secret:
            headers.update(sign_request(self._secret, SERVICE_NAME, "POST", "/batch", body))
        try:
            response = self._session.post(
                f"{self.base_url}/batch",
                data=body,
                timeout=self.timeout,
                headers=headers,
                verify=self._verify,
            )
        except requests.RequestException as exc:
            raise ProfileSourceError(f"auth_user unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise ProfileSourceError(f"auth_user answered {response.status_code}")
        try:
            users = response.json().get("users")
        except (ValueError, AttributeError) as exc:
            raise ProfileSourceError("auth_user answered a non-JSON body") from exc
        if not isinstance(users, list):
            raise ProfileSourceError("auth_user batch answer has no users list")
        return users
