"""The announcement store contract on the fake, SQLite and PostgreSQL; a send's statements
counted; the census's plan on PostgreSQL (by the unit index, no sequential scan)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import mongomock
import pytest
from sqlalchemy.engine import Engine

from bench.roundtrips import Statements
from libs.servicekit.sql import create_sql_engine
from services.chat_file.announcements.application.announcements import AnnouncementService
from services.chat_file.announcements.application.ports import AnnouncementStore
from services.chat_file.announcements.domain.model import (
    Announcement,
    Audience,
    Broadcast,
    Priority,
    ReceiptState,
    UnitCensus,
)
from services.chat_file.announcements.domain.units import Unit
from services.chat_file.announcements.mongo.store import MongoAnnouncementStore
from services.chat_file.announcements.sql.store import SqlAnnouncementStore
from services.chat_file.storage.schema import SCHEMA
from tests.support.databases import postgres_database
from tests.unit.chat_file.announcements.fakes import FakeAnnouncementStore, FakeOutlet, FakeUnits

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
BACKENDS = ("memory", "sqlite", "postgresql", "mongomock")


@pytest.fixture(scope="module")
def postgresql_engine() -> Iterator[Engine]:
    with postgres_database() as url:
        engine = create_sql_engine(url)
        SCHEMA.migrate(engine)
        yield engine
        engine.dispose()


@pytest.fixture(scope="module")
def sqlite_engine(sqlite_session_url: str) -> Iterator[Engine]:
    engine = create_sql_engine(sqlite_session_url)
    SCHEMA.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> AnnouncementStore:
    if request.param == "memory":
        return FakeAnnouncementStore()
    if request.param == "mongomock":
        mongo = MongoAnnouncementStore(mongomock.MongoClient(tz_aware=True)["contract"])
        mongo.ensure_indexes()
        return mongo
    return SqlAnnouncementStore(request.getfixturevalue(f"{request.param}_engine"))


def tag() -> str:
    """Fresh unit names and ids per test: the databases are shared, never truncated."""
    return secrets.token_hex(4)


def seeded(store: AnnouncementStore) -> tuple[str, Broadcast, dict[str, Unit]]:
    t = tag()
    paie = Unit.of(f"min {t}", "budget", "paie")
    caisse = Unit.of(f"min {t}", "tresor", "caisse")
    other = Unit.of(f"autre {t}", "x", "y")
    members = {f"{t}a": paie, f"{t}b": paie, f"{t}c": caisse, f"{t}d": other}
    store.put_members(members.items())
    audience = Audience((Unit.of(f"min {t}"),), frozenset({f"{t}d"}))
    made = Broadcast(secrets.token_hex(12), "T", "boss", frozenset({"boss"}), audience, NOW)
    store.create_broadcast(made)
    return t, made, members


def announce(store: AnnouncementStore, made: Broadcast, ack: bool = True) -> Announcement:
    sent = Announcement(
        secrets.token_hex(12), made.id, "boss", "Circulaire", Priority.IMPORTANT, ack, NOW
    )
    store.append(sent)
    return sent


def test_broadcasts_and_announcements_round_trip(store: AnnouncementStore) -> None:
    _, made, _ = seeded(store)
    assert store.get_broadcast(made.id) == made
    sent = announce(store, made)
    assert store.get_announcement(sent.id) == sent
    updated = store.get_broadcast(made.id)
    assert updated is not None and updated.message_count == 1 and updated.last_message_at == NOW
    assert store.get_broadcast("0" * 24) is None and store.get_announcement("0" * 24) is None


def test_receipts_are_written_once_and_the_census_counts_furthest_states(
    store: AnnouncementStore,
) -> None:
    t, made, _ = seeded(store)
    sent = announce(store, made)
    assert store.record(sent.id, f"{t}a", ReceiptState.DELIVERED, NOW)
    assert store.record(sent.id, f"{t}a", ReceiptState.ACKNOWLEDGED, NOW)
    assert not store.record(sent.id, f"{t}a", ReceiptState.ACKNOWLEDGED, NOW)
    assert not store.record(sent.id, f"{t}a", ReceiptState.READ, NOW)
    assert store.record(sent.id, f"{t}d", ReceiptState.READ, NOW)
    assert store.census(sent.id, made.audience, "direction") == [
        UnitCensus(f"autre {t}/x", 0, 1, 0, 0),
        UnitCensus(f"min {t}/budget", 1, 0, 0, 1),
        UnitCensus(f"min {t}/tresor", 0, 0, 0, 1),
    ]
    assert store.census(sent.id, made.audience, "ministere") == [
        UnitCensus(f"autre {t}", 0, 1, 0, 0),
        UnitCensus(f"min {t}", 1, 0, 0, 2),
    ]
    pending = store.pending_agents(sent.id, made.audience, ReceiptState.ACKNOWLEDGED, 10)
    assert pending == [f"{t}b", f"{t}c", f"{t}d"]
    assert store.pending_agents(sent.id, made.audience, ReceiptState.READ, 2) == [f"{t}b", f"{t}c"]


def test_moving_an_agent_moves_them_in_the_audience(store: AnnouncementStore) -> None:
    t, made, _ = seeded(store)
    assert store.audience_page(made.audience, "", 10) == [f"{t}a", f"{t}b", f"{t}c", f"{t}d"]
    store.put_members([(f"{t}c", Unit.of("ailleurs"))])
    assert store.audience_page(made.audience, "", 2) == [f"{t}a", f"{t}b"]
    assert store.audience_page(made.audience, f"{t}b", 2) == [f"{t}d"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_send_is_one_insert_and_one_update(backend: str, request: pytest.FixtureRequest) -> None:
    store = SqlAnnouncementStore(request.getfixturevalue(f"{backend}_engine"))
    t, made, _ = seeded(store)
    store.put_members((f"{t}-{i:05}", Unit.of(f"min {t}", "budget", "paie")) for i in range(2000))
    service = AnnouncementService(store, FakeUnits(), FakeOutlet(), clock=lambda: NOW)
    with Statements() as counted:
        service.send("boss", False, made.id, content="À tous", priority=Priority.URGENT)
    writes = [s.sql.split()[0].upper() for s in counted.executed if s.writes]
    assert writes == ["INSERT", "UPDATE"], counted.executed
    sent = [s for s in counted.executed if not s.sql.lstrip().upper().startswith("BEGIN")]
    assert len(sent) == 3, sent  # the broadcast read, then the two writes, whatever the audience


def test_postgres_census_plan_reads_the_unit_index(postgresql_engine: Engine) -> None:
    store = SqlAnnouncementStore(postgresql_engine)
    t, made, _ = seeded(store)
    store.put_members((f"{t}-{i:05}", Unit.of(f"min {t}", f"d{i % 7}", "s")) for i in range(5000))
    # the rest of the administration: the audience is a tenth of the agents, as a ministry is
    store.put_members((f"z{t}-{i:05}", Unit.of(f"autre {t} {i % 20}")) for i in range(45_000))
    sent = announce(store, made)
    with postgresql_engine.connect() as db:
        db.exec_driver_sql("ANALYZE org_members")
        db.exec_driver_sql("ANALYZE announcement_receipts")
        db.commit()
    with Statements() as counted:
        rows = store.census(sent.id, made.audience, "direction")
    assert sum(u.pending for u in rows) == 5004  # 5 000 + the seeded three and the named one
    [query] = [s for s in counted.executed if "org_members" in s.sql]
    assert len(counted.executed) == 1, counted.executed  # one query
    with postgresql_engine.connect() as db:
        plan_rows = db.exec_driver_sql("EXPLAIN " + query.sql, query.parameters).all()
    plan = "\n".join(str(row[0]) for row in plan_rows)
    assert "org_members_by_unit" in plan, plan
    assert "Seq Scan on org_members" not in plan, plan


def test_reminders_due_and_recorded(store: AnnouncementStore) -> None:
    t, made, _ = seeded(store)
    due_at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    sent = Announcement(
        secrets.token_hex(12), made.id, "boss", "Signez", Priority.NORMAL, True, NOW, due_at
    )
    store.append(sent)
    announce(store, made)  # no reminder planned
    assert sent.id not in [a.id for a, _ in store.reminders_due(NOW, 3, 1000)]
    later = datetime(2026, 3, 1, 8, 31, tzinfo=UTC)
    assert (sent, 0) in store.reminders_due(later, 3, 1000)
    assert sent.id not in [a.id for a, _ in store.reminders_due(later, 0, 1000)]
    store.reminded(sent.id, 1, datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    assert sent.id not in [a.id for a, _ in store.reminders_due(later, 3, 1000)]
    store.reminded(sent.id, 3, None)
    final = datetime(2026, 3, 2, tzinfo=UTC)
    assert sent.id not in [a.id for a, _ in store.reminders_due(final, 3, 1000)]
    target = ReceiptState.ACKNOWLEDGED
    assert store.pending_agents(sent.id, made.audience, target, 2, f"{t}b") == [f"{t}c", f"{t}d"]
