"""The storage contract of reports (ReportStore) and the moderation audit trail (AuditLog) on
every backend (the `stores` fixture: fakes, SQLite, PostgreSQL, mongomock, MongoDB if set)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.reports import (
    AlreadyReportedError,
    MessageSnapshot,
    Report,
    ReportFilter,
    ReportStatus,
)
from services.chat_file.storage.stores import ChatStores

AT = datetime(2026, 5, 4, 10, 30, 15, 123000, tzinfo=UTC)


def oid() -> str:
    return uuid.uuid4().hex[:24]


def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def new_report(
    message_id: str | None = None,
    reporter: str | None = None,
    conversation: str | None = None,
    reason: str = "spam",
    sender: str = "bob",
) -> Report:
    snapshot = MessageSnapshot(sender, "le texte d'origine é", "TEXT", AT, None, True)
    return Report(
        message_id or oid(), conversation or oid(), reporter or user(), reason, "note", snapshot, AT
    )


def test_a_report_reads_back_whole(stores: ChatStores) -> None:
    added = stores.reports.add(new_report())
    assert len(added.id) == 24
    found = stores.reports.get(added.id)
    assert found == added
    assert found is not None and found.snapshot.created_at == AT
    assert stores.reports.get(oid()) is None


def test_one_report_per_message_and_reporter(stores: ChatStores) -> None:
    first = stores.reports.add(new_report())
    with pytest.raises(AlreadyReportedError):
        stores.reports.add(new_report(first.message_id, first.reporter_id))
    stores.reports.add(new_report(first.message_id))  # someone else may
    stores.reports.add(new_report(reporter=first.reporter_id))  # another message


def test_pages_are_newest_first_filtered_and_walk_with_before(stores: ChatStores) -> None:
    chat, reporter, sender = oid(), user(), user()
    mine = [stores.reports.add(new_report(conversation=chat, reporter=reporter)) for _ in range(5)]
    harsh = stores.reports.add(new_report(conversation=chat, reason="hate", sender=sender))
    where = ReportFilter(conversation_id=chat)
    assert [r.id for r in stores.reports.page(where, None, 10)] == [
        harsh.id,
        *reversed([r.id for r in mine]),
    ]
    mine_only = ReportFilter(reporter_id=reporter)
    first = stores.reports.page(mine_only, None, 2)
    rest = stores.reports.page(mine_only, first[-1].id, 10)
    assert [r.id for r in first + rest] == [r.id for r in reversed(mine)]
    assert [r.id for r in stores.reports.page(ReportFilter(sender_id=sender), None, 5)] == [
        harsh.id
    ]
    both = ReportFilter(conversation_id=chat, reason="hate", status=ReportStatus.OPEN)
    assert [r.id for r in stores.reports.page(both, None, 5)] == [harsh.id]


def test_closing_happens_once(stores: ChatStores) -> None:
    report = stores.reports.add(new_report())
    later = AT + timedelta(hours=1)
    closed = stores.reports.close(report.id, ReportStatus.DISMISSED, "mod", later, "rien")
    assert closed is not None
    assert (closed.status, closed.closed_by, closed.closed_at, closed.note) == (
        ReportStatus.DISMISSED,
        "mod",
        later,
        "rien",
    )
    assert stores.reports.get(report.id) == closed
    assert stores.reports.close(report.id, ReportStatus.RESOLVED, "mod2", later, "") is None
    assert stores.reports.close(oid(), ReportStatus.RESOLVED, "mod", later, "") is None
    open_only = ReportFilter(status=ReportStatus.OPEN, conversation_id=report.conversation_id)
    assert stores.reports.page(open_only, None, 5) == []


def test_the_audit_trail_is_newest_first_and_by_target(stores: ChatStores) -> None:
    target, other = oid(), oid()
    for action in ("report.created", "report.resolved"):
        stores.moderation_audit.record(
            AuditEntry("mod", action, "report", target, AT, {"note": "é", "n": 1})
        )
    stores.moderation_audit.record(AuditEntry("mod", "report.created", "report", other, AT))
    entries = stores.moderation_audit.recent(target)
    assert [e.action for e in entries] == ["report.resolved", "report.created"]
    assert entries[0].detail == {"note": "é", "n": 1} and entries[0].at == AT
    assert entries[0].actor_id == "mod" and entries[0].target_type == "report"
    assert stores.moderation_audit.recent(limit=1)[0].target_id == other
