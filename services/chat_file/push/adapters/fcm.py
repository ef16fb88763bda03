"""`FcmSender`: Firebase Cloud Messaging HTTP v1 (Android, and iOS through FCM's APNs relay).

Auth: a service account (google-auth) exchanges a signed JWT for an OAuth access token at the
`token_uri` written in its JSON file, refreshed before it expires. One message per device:
`notification` (title, body), `data` (the payload, string values), and per platform the collapse
key / badge: `android.collapse_key` + `notification.tag` + `notification_count`, APNs
`apns-collapse-id` + `aps.badge` + `thread-id`.
"""

from __future__ import annotations

import threading
from typing import Any

import google.auth.exceptions
import google.auth.transport.requests
import requests
from google.oauth2 import service_account

from services.chat_file.push.adapters.webpush import parse_retry_after
from services.chat_file.push.domain.notifications import Outcome, SendResult, result_of_status

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
DEAD_CODES = frozenset({"UNREGISTERED"})


class FcmSender:
    def __init__(
        self,
        project_id: str,
        credentials_file: str,
        *,
        endpoint: str = "https://fcm.googleapis.com",
        ttl: int = 24 * 3600,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self._url = f"{endpoint.rstrip('/')}/v1/projects/{project_id}/messages:send"
        self._credentials = service_account.Credentials.from_service_account_file(
            credentials_file, scopes=[SCOPE]
        )
        self._ttl = ttl
        self._timeout = timeout
        self._session = session or requests.Session()
        self._lock = threading.Lock()

    def send(self, device: dict[str, Any], notification: dict[str, Any]) -> SendResult:
        try:
            headers = {"Authorization": f"Bearer {self._access_token()}"}
            response = self._session.post(
                self._url,
                json={"message": self.message(device["token"], notification)},
                headers=headers,
                timeout=self._timeout,
            )
        except (requests.RequestException, google.auth.exceptions.GoogleAuthError):
            return SendResult(Outcome.RETRY)
        return self._result(response)

    def message(self, token: str, note: dict[str, Any]) -> dict[str, Any]:
        """The v1 `message` for one registration token."""
        key, badge = str(note["collapseKey"]), int(note["badge"])
        return {
            "token": token,
            "notification": {"title": note["title"], "body": note["body"]},
            "data": {k: str(v) for k, v in note.items()},
            "android": {
                "collapse_key": key,
                "priority": "HIGH",
                "ttl": f"{self._ttl}s",
                "notification": {"tag": key, "notification_count": badge},
            },
            "apns": {
                "headers": {"apns-collapse-id": key, "apns-priority": "10"},
                "payload": {"aps": {"badge": badge, "thread-id": key, "sound": "default"}},
            },
        }

    def _access_token(self) -> str:
        with self._lock:
            if not self._credentials.valid:
                self._credentials.refresh(google.auth.transport.requests.Request(self._session))
            return str(self._credentials.token)

    def _result(self, response: requests.Response) -> SendResult:
        if response.status_code == 401:  # our token was refused: get a new one, try again
            with self._lock:
                self._credentials.token = None
            return SendResult(Outcome.RETRY, 401)
        if _error_code(response) in DEAD_CODES:
            return SendResult(Outcome.GONE, response.status_code)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return result_of_status(response.status_code, retry_after)


def _error_code(response: requests.Response) -> str:
    """FCM's `errorCode` (e.g. UNREGISTERED) from an error body, or ""."""
    if response.ok:
        return ""
    try:
        details = response.json()["error"].get("details", [])
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    codes = [d.get("errorCode", "") for d in details if isinstance(d, dict)]
    return next((c for c in codes if c), "")
