"""AnnouncementService on fakes: audiences by unit and agent, who posts, acknowledgements,
the census and the paged push fan-out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.chat_file.announcements.application.announcements import AnnouncementService
from services.chat_file.announcements.domain.errors import (
    AckNotRequestedError,
    AnnouncementNotFoundError,
    BroadcastNotFoundError,
    BroadcastReadOnlyError,
    InvalidAnnouncementError,
    InvalidAudienceError,
)
from services.chat_file.announcements.domain.model import (
    Audience,
    Priority,
    ReceiptState,
    UnitCensus,
)
from services.chat_file.announcements.domain.units import Unit

from .fakes import FakeAnnouncementStore, FakeOutlet, FakeUnits

FIN = Unit.of("Ministère des Finances")
BUDGET = Unit.of("MINISTERE DES FINANCES", "Direction du Budget", "Service Paie")
TRESOR = Unit.of("Ministère des Finances", "Direction du Trésor", "Service Caisse")
SANTE = Unit.of("Ministère de la Santé", "Direction des Soins", "Accueil")


class World:
    def __init__(self, push_page: int = 1000) -> None:
        self.store = FakeAnnouncementStore()
        self.units = FakeUnits({"b1": BUDGET, "b2": BUDGET, "t1": TRESOR, "s1": SANTE})
        self.outlet = FakeOutlet()
        self.service = AnnouncementService(
            self.store,
            self.units,
            self.outlet,
            clock=lambda: datetime(2026, 1, 5, tzinfo=UTC),
            push_page=push_page,
        )
        self.service.learn_units(True, self.units.units.items())

    def broadcast(self, units: tuple[Unit, ...] = (FIN,), agents: tuple[str, ...] = ("s1",)):
        return self.service.create_broadcast(
            "boss", True, title="Circulaires", units=units, agents=agents, admins=["deputy"]
        )


def test_a_unit_match_or_a_named_agent_makes_a_recipient_and_recipients_are_read_only() -> None:
    world = World()
    made = world.broadcast(units=(Unit.of("ministère des finances", "direction du budget"),))
    assert world.service.broadcast("b1", False, made.id).id == made.id  # in the unit
    assert world.service.broadcast("s1", False, made.id).id == made.id  # named
    with pytest.raises(BroadcastNotFoundError):
        world.service.broadcast("t1", False, made.id)  # other direction: not even visible
    with pytest.raises(BroadcastReadOnlyError):
        world.service.send("b1", False, made.id, content="hello")
    with pytest.raises(BroadcastNotFoundError):
        world.service.send("t1", False, made.id, content="hello")
    assert not world.store.announcements


def test_joining_a_unit_later_puts_an_agent_in_and_leaving_takes_them_out() -> None:
    world = World()
    made = world.broadcast(units=(BUDGET,), agents=())
    with pytest.raises(BroadcastNotFoundError):
        world.service.broadcast("t1", False, made.id)
    world.units.units["t1"] = BUDGET
    assert world.service.broadcast("t1", False, made.id)
    world.units.units["b1"] = SANTE
    with pytest.raises(BroadcastNotFoundError):
        world.service.broadcast("b1", False, made.id)


def test_the_broadcast_admins_and_org_admins_post_and_only_org_admins_create() -> None:
    world = World()
    made = world.broadcast()
    assert world.service.send("deputy", False, made.id, content="from an admin")
    assert world.service.send("root", True, made.id, content="from an org admin")
    assert world.store.broadcasts[made.id].message_count == 2
    with pytest.raises(BroadcastReadOnlyError):
        world.service.create_broadcast("b1", False, title="x", units=[FIN])


def test_audiences_are_checked() -> None:
    with pytest.raises(InvalidAudienceError):
        Audience((), frozenset())
    with pytest.raises(InvalidAudienceError):
        Audience((Unit.of("", "Direction"),), frozenset())
    with pytest.raises(InvalidAudienceError):
        Audience((Unit.of("Finances", "", "Service"),), frozenset())
    world = World()
    with pytest.raises(InvalidAnnouncementError):
        world.service.send("boss", True, world.broadcast().id, content="   ")


def test_a_send_is_one_message_and_one_broadcast_update_then_the_unit_rooms() -> None:
    world = World()
    made = world.broadcast(units=(FIN, SANTE), agents=("x9",))
    sent = world.service.send(
        "boss", True, made.id, content="Circulaire", priority=Priority.URGENT, request_ack=True
    )
    assert world.store.writes == 2
    [(live, rooms, agents)] = world.outlet.live_calls
    assert live == sent and sent.priority is Priority.URGENT and sent.request_ack
    assert rooms == [
        "unit:ministere des finances",
        "unit:ministere de la sante/direction des soins/accueil",
    ]
    assert agents == ["x9"]
    assert BUDGET.rooms() == [
        "unit:ministere des finances",
        "unit:ministere des finances/direction du budget",
        "unit:ministere des finances/direction du budget/service paie",
    ]


def test_ack_is_idempotent_implies_read_and_is_refused_when_not_requested() -> None:
    world = World()
    made = world.broadcast()
    sent = world.service.send("boss", True, made.id, content="Lisez", request_ack=True)
    assert world.service.mark("b1", sent.id, ReceiptState.ACKNOWLEDGED)
    assert not world.service.mark("b1", sent.id, ReceiptState.ACKNOWLEDGED)
    assert not world.service.mark("b1", sent.id, ReceiptState.READ)
    assert world.store.writes == 3
    plain = world.service.send("boss", True, made.id, content="Info")
    with pytest.raises(AckNotRequestedError):
        world.service.mark("b1", plain.id, ReceiptState.ACKNOWLEDGED)
    with pytest.raises(BroadcastNotFoundError):
        world.service.mark("outsider", sent.id, ReceiptState.READ)
    with pytest.raises(AnnouncementNotFoundError):
        world.service.mark("b1", "f" * 24, ReceiptState.READ)


def test_the_census_counts_each_recipient_once_by_its_furthest_state() -> None:
    world = World()
    made = world.broadcast()
    sent = world.service.send("boss", True, made.id, content="Lisez", request_ack=True)
    world.service.mark("b1", sent.id, ReceiptState.ACKNOWLEDGED)
    world.service.mark("b2", sent.id, ReceiptState.DELIVERED)
    world.service.mark("s1", sent.id, ReceiptState.READ)
    census = world.service.census("deputy", False, sent.id, "direction")
    assert census.units == [
        UnitCensus("ministere de la sante/direction des soins", 0, 1, 0, 0),
        UnitCensus("ministere des finances/direction du budget", 1, 0, 1, 0),
        UnitCensus("ministere des finances/direction du tresor", 0, 0, 0, 1),
    ]
    assert census.pending_agents == ["b2", "s1", "t1"]
    by_ministry = world.service.census("root", True, sent.id, "ministere")
    assert [u.unit for u in by_ministry.units] == [
        "ministere de la sante",
        "ministere des finances",
    ]
    with pytest.raises(BroadcastReadOnlyError):
        world.service.census("b1", False, sent.id, "service")
    with pytest.raises(BroadcastNotFoundError):
        world.service.census("outsider", False, sent.id, "service")
    with pytest.raises(InvalidAnnouncementError):
        world.service.census("boss", True, sent.id, "poste")


def test_the_push_fan_out_reads_the_audience_a_page_at_a_time() -> None:
    world = World(push_page=2)
    world.store.put_members((f"f{i:03}", FIN) for i in range(5))
    made = world.broadcast(units=(FIN,), agents=())
    sent = world.service.send("boss", True, made.id, content="Tous")
    assert world.service.fan_out_push(sent.id, world.outlet) == 8
    assert [len(page) for page in world.outlet.pushed] == [2, 2, 2, 2]
    assert sorted(uid for page in world.outlet.pushed for uid in page) == sorted(
        ["b1", "b2", "t1", *(f"f{i:03}" for i in range(5))]
    )


def test_units_fold_like_auth_user() -> None:
    from services.auth_user.domain.org import fold as auth_fold
    from services.chat_file.announcements.domain.units import fold

    for name in ("Ministère  des FINANCES", "Santé publique", "ÉCOLE  Normale"):
        assert fold(name) == auth_fold(name)
