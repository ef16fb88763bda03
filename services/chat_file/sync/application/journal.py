"""`JournaledNotifier`: every change the use cases announce goes into the change log of each
user it concerns, then to their devices carrying that user's `seq`.

It decorates the `Notifier` the conversations and push contexts announce through, so every
user-visible change (new message, edit, deletion, reaction, receipts, read marks and unread
counts, conversations created, membership, notification settings) is logged the same way and
no use case can forget to. Order: the write is persisted (the use case), then the entries are
appended (one transaction for all the users, `ChangeLog.append`), then the event is sent: a
socket event never carries a number the log does not hold. A log that cannot be written fails
the call (`STORE_UNAVAILABLE`: the client retries; sends are idempotent by temporaryId), it
is never skipped silently.

Each user's copy carries their own number, so the event goes out once per user (`deliver`,
the real-time adapter's per-user rooms); a composition root without sockets (tests that watch
the announcements) passes `then`, the plain `Notifier` to call after logging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.notifier import Encoder, Notifier
from services.chat_file.sync.application.ports import ChangeLog


class UserDelivery(Protocol):
    """Sends an event in its wire shape to every device of some users."""

    def to_users(
        self,
        event: str,
        payload: dict[str, Any],
        user_ids: Iterable[str],
        skip_sid: str | None = None,
    ) -> None: ...


class JournaledNotifier:
    def __init__(
        self,
        log: ChangeLog,
        encode: Encoder,
        *,
        deliver: UserDelivery | None = None,
        then: Notifier | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._log = log
        self._encode = encode
        self._deliver = deliver
        self._then = then
        self._clock = clock

    def notify(self, event: str, payload: object, user_ids: list[str]) -> None:
        users = [u for u in dict.fromkeys(user_ids) if u]
        data = self._encode(event, payload)
        numbers = self._log.append(users, event, data, self._clock()) if users else {}
        if self._deliver is not None:
            for user in users:
                self._deliver.to_users(event, {**data, "seq": numbers[user]}, [user])
        if self._then is not None:
            self._then.notify(event, payload, user_ids)
