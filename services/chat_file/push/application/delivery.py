"""`PushDelivery` (worker): sends one job through its provider and acts on the answer: dedupe,
retry with backoff honouring Retry-After, delete dead tokens, dead-letter the rest."""

from __future__ import annotations

import logging
from typing import Any

from services.chat_file.push.application.ports import DeviceStore, PushJobs, PushSender
from services.chat_file.push.domain.notifications import Outcome, SendResult, retry_delay

logger = logging.getLogger(__name__)


class PushDelivery:
    def __init__(
        self,
        jobs: PushJobs,
        senders: dict[str, PushSender],
        devices: DeviceStore,
        *,
        max_attempts: int = 8,
        retry_base: float = 2.0,
        retry_cap: float = 600.0,
    ) -> None:
        self._jobs = jobs
        self._senders = senders
        self._devices = devices
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_cap = retry_cap

    def deliver(self, item: dict[str, Any]) -> Outcome | None:
        """Send one job and settle it; None when it was already sent (a redelivered job)."""
        if self._jobs.already_sent(item["jobId"]):
            return None
        sender = self._senders.get(item["device"]["platform"])
        if sender is None:
            self._jobs.dead_letter(item, "provider not configured")
            return Outcome.REJECTED
        result = self._send(sender, item)
        self._settle(item, result)
        return result.outcome

    def _send(self, sender: PushSender, item: dict[str, Any]) -> SendResult:
        try:
            return sender.send(item["device"], item["notification"])
        except Exception:  # a provider bug must not kill the worker: retried like a 5xx
            logger.exception("push sender failed for job %s", item["jobId"])
            return SendResult(Outcome.RETRY)

    def _settle(self, item: dict[str, Any], result: SendResult) -> None:
        if result.outcome is Outcome.SENT:
            self._jobs.mark_sent(item["jobId"])
            self._jobs.count("sent")
        elif result.outcome is Outcome.GONE:
            self._devices.delete_token(item["device"]["token"])
            self._jobs.count("token_deleted")
        elif result.outcome is Outcome.RETRY and item["attempt"] + 1 < self.max_attempts:
            delay = retry_delay(
                item["attempt"], self.retry_base, self.retry_cap, result.retry_after
            )
            self._jobs.retry_later({**item, "attempt": item["attempt"] + 1}, delay)
            self._jobs.count("retried")
        else:
            self._jobs.count("failed")
            self._jobs.dead_letter(item, f"{result.outcome.value} {result.status}")
