"""`WebPushSender`: Web Push to a browser subscription (RFC 8291 aes128gcm payload encryption,
RFC 8292 VAPID authentication) through pywebpush / py-vapid / http-ece.

The endpoint comes from the subscription (checked by the egress guard at registration); the
session is the guard's `GuardedSession`, which checks it again at each send. `Topic` = the
conversation (a burst replaces one notification), `Urgency: high`.

Not an oracle: a refused endpoint (or one VAPID cannot sign for) is rejected without a
request; a 404/410 means "subscription gone" (RFC 8030: delete the device) only from a host of
the push services list, since anything else answering 404 is not a push service, and deleting
the device there would tell its owner (through `GET /devices`) what answers on that port.
"""

from __future__ import annotations

import email.utils
import json
import time
from datetime import UTC, datetime
from typing import Any, cast

import requests
from py_vapid import Vapid02, VapidException
from pywebpush import WebPusher

from libs.egress import EgressRefusedError
from services.chat_file.push.domain.devices import host_of, origin_of
from services.chat_file.push.domain.notifications import Outcome, SendResult, result_of_status

VAPID_LIFETIME = 12 * 3600


def load_vapid(private_key: str) -> Vapid02:
    """A PEM key, or the base64url raw/DER key `python -m services.chat_file.push_keys` prints."""
    if private_key.lstrip().startswith("-----BEGIN"):
        return Vapid02.from_pem(private_key.encode())
    return Vapid02.from_string(private_key)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class WebPushSender:
    def __init__(
        self,
        private_key: str,
        subject: str,
        *,
        ttl: int = 24 * 3600,
        timeout: float = 10.0,
        session: requests.Session | None = None,
        push_hosts: tuple[str, ...] = (),
    ) -> None:
        self._vapid = load_vapid(private_key)
        self._subject = subject
        self._ttl = ttl
        self._timeout = timeout
        self._session = session or requests.Session()
        self._push_hosts = push_hosts  # whose 404/410 means "subscription gone"

    def send(self, device: dict[str, Any], notification: dict[str, Any]) -> SendResult:
        endpoint = device["token"]
        try:
            headers = self._authorization(origin_of(endpoint))
        except (VapidException, ValueError):  # an origin VAPID cannot name (an IPv6 literal)
            return SendResult(Outcome.REJECTED)
        headers.update({"Urgency": "high", "Topic": str(notification["collapseKey"])[:32]})
        subscription = {"endpoint": endpoint, "keys": device["keys"]}
        body = json.dumps(notification, ensure_ascii=False).encode()
        try:
            response = WebPusher(subscription, requests_session=self._session).send(
                body, headers, ttl=self._ttl, content_encoding="aes128gcm", timeout=self._timeout
            )
        except EgressRefusedError:  # not a push service we may reach: never retried
            return SendResult(Outcome.REJECTED)
        except requests.RequestException:
            return SendResult(Outcome.RETRY)
        answer = cast(requests.Response, response)
        retry_after = parse_retry_after(answer.headers.get("Retry-After"))
        result = result_of_status(answer.status_code, retry_after)
        if result.outcome is Outcome.GONE and not self._from_push_service(endpoint):
            return SendResult(Outcome.REJECTED, result.status)
        return result

    def _from_push_service(self, endpoint: str) -> bool:
        host = host_of(endpoint)
        return any(host == h or host.endswith("." + h) for h in self._push_hosts)

    def _authorization(self, audience: str) -> dict[str, str]:
        claims = {"sub": self._subject, "aud": audience, "exp": int(time.time()) + VAPID_LIFETIME}
        return dict(self._vapid.sign(claims))
