"""ReminderService on fakes: every N minutes up to M rounds, never after the ack, quiet hours
respected unless urgent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.chat_file.announcements.application.announcements import AnnouncementService
from services.chat_file.announcements.application.reminders import ReminderService
from services.chat_file.announcements.domain.model import Priority, ReceiptState
from services.chat_file.announcements.domain.units import Unit

from .fakes import FakeAnnouncementStore, FakeOutlet, FakeUnits

FIN = Unit.of("Finances", "Budget")


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, step: timedelta) -> None:
        self.moment += step


class Quiet:
    def __init__(self, *users: str) -> None:
        self.users = set(users)

    def quiet(self, user_ids: list[str], now: datetime) -> set[str]:
        return self.users & set(user_ids)


def world(
    quiet: Quiet, clock: FakeClock
) -> tuple[AnnouncementService, ReminderService, FakeOutlet]:
    store, outlet = FakeAnnouncementStore(), FakeOutlet()
    store.put_members((uid, FIN) for uid in ("a1", "a2", "a3"))
    service = AnnouncementService(
        store,
        FakeUnits({u: FIN for u in ("a1", "a2", "a3")}),
        outlet,
        clock=clock.now,
        reminder_every_minutes=30,
    )
    reminders = ReminderService(
        store, quiet, outlet, every_minutes=30, most=2, clock=clock.now, page=2
    )
    return service, reminders, outlet


def test_reminders_go_every_n_minutes_to_the_unacknowledged_up_to_m_times() -> None:
    clock = FakeClock(datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    service, reminders, outlet = world(Quiet("a3"), clock)
    made = service.create_broadcast("boss", True, title="T", units=[FIN])
    sent = service.send("boss", False, made.id, content="Signez", request_ack=True)
    service.send("boss", False, made.id, content="Pour info")  # no ack asked: no reminders
    assert reminders.run_once() == 0  # not yet due
    service.mark("a1", sent.id, ReceiptState.ACKNOWLEDGED)
    clock.advance(timedelta(minutes=30))
    assert reminders.run_once() == 1  # a2; a1 acknowledged, a3 in quiet hours
    assert outlet.pushed == [["a2"]]
    assert reminders.run_once() == 0  # the next round is 30 minutes later
    service.mark("a2", sent.id, ReceiptState.ACKNOWLEDGED)
    clock.advance(timedelta(minutes=30))
    assert reminders.run_once() == 0  # never after the ack; a3 still quiet
    clock.advance(timedelta(minutes=30))
    assert reminders.run_once() == 0  # two rounds were the most


def test_urgent_reminders_pass_quiet_hours() -> None:
    clock = FakeClock(datetime(2026, 2, 2, 23, 0, tzinfo=UTC))
    service, reminders, outlet = world(Quiet("a1", "a2", "a3"), clock)
    made = service.create_broadcast("boss", True, title="T", units=[FIN])
    service.send(
        "boss", False, made.id, content="Alerte", priority=Priority.URGENT, request_ack=True
    )
    clock.advance(timedelta(minutes=31))
    assert reminders.run_once() == 3
    assert outlet.pushed == [["a1", "a2"], ["a3"]]  # in pages
