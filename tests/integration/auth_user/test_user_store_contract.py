"""The UserStore contract: every port method, on every backend (in-memory fake, SQLite,
PostgreSQL, mongomock, and a real MongoDB when MONGODB_URI is set)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import mongomock
import pymongo
import pytest

from libs.servicekit.errors import StoreUnavailableError
from libs.servicekit.sql import create_sql_engine
from services.auth_user.application.ports import UserStore
from services.auth_user.domain.errors import MatriculeTakenError
from services.auth_user.domain.model import NewUser, Role
from services.auth_user.domain.org import OrgFilter, fold
from services.auth_user.infrastructure.mongo_users import MongoUserStore
from services.auth_user.infrastructure.sql.users import SqlUserStore
from services.auth_user.infrastructure.stores import open_auth_stores
from tests.support.databases import (
    ALL_BACKENDS,
    postgres_database,
    require_mongodb,
    sqlite_url,
)
from tests.unit.auth_user.fakes import FakeUserStore


@pytest.fixture(params=ALL_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[UserStore]:
    if backend == "memory":
        yield FakeUserStore()
    elif backend == "sqlite":
        stores = open_auth_stores(sqlite_url(tmp_path, "auth_user"))
        yield stores.users
        stores.close()
    elif backend == "postgresql":
        with postgres_database() as url:
            stores = open_auth_stores(url)
            yield stores.users
            stores.close()
    else:
        yield from _mongo_store(backend)


def _mongo_store(backend: str) -> Iterator[UserStore]:
    name = f"auth_user_test_{uuid.uuid4().hex[:8]}"
    if backend == "mongomock":
        client: object = mongomock.MongoClient(tz_aware=True)
        lock: threading.Lock | None = threading.Lock()
    else:
        uri = require_mongodb()
        client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000, tz_aware=True)
        lock = None
    db = client[name]  # type: ignore[index]
    store = MongoUserStore(db, lock=lock)
    store.ensure_indexes()
    yield store
    client.drop_database(name)  # type: ignore[attr-defined]


def new(matricule: str, nom: str = "Dupont", prenom: str = "Jean") -> NewUser:
    return NewUser(matricule=matricule, nom=nom, prenom=prenom, password_hash="h$" + matricule)


def test_added_user_gets_a_string_object_id_and_reads_back(store: UserStore) -> None:
    user = store.add(new("MAT1"))
    assert len(user.id) == 24
    assert store.get(user.id) == user
    assert store.get_by_matricule("MAT1") == user
    assert user.created_at is not None and user.role is Role.USER


def test_matricule_is_unique(store: UserStore) -> None:
    store.add(new("MAT1"))
    with pytest.raises(MatriculeTakenError):
        store.add(new("MAT1", nom="Other"))
    assert store.search(None, 0, 10)[1] == 1


def test_malformed_ids_are_not_found_rather_than_errors(store: UserStore) -> None:
    assert store.get("not-an-id") is None
    assert store.update("not-an-id", {"nom": "X"}) is None
    assert store.delete("not-an-id") is False


def test_get_many_returns_existing_users_and_ignores_malformed_ids(store: UserStore) -> None:
    a, b = store.add(new("A")), store.add(new("B"))
    found = store.get_many([a.id, "zzz", b.id, "f" * 24])
    assert sorted(u.id for u in found) == sorted([a.id, b.id])
    assert store.get_many(["zzz"]) == []


def test_get_many_by_matricule_finds_the_known_matricules(store: UserStore) -> None:
    a, b = store.add(new("BYMAT1")), store.add(new("BYMAT2"))
    found = store.get_many_by_matricule(["BYMAT2", "NOPE", "BYMAT1", "BYMAT1"])
    assert sorted(u.id for u in found) == sorted([a.id, b.id])
    assert store.get_many_by_matricule(["NOPE"]) == [] and store.get_many_by_matricule([]) == []


def test_search_matches_nom_prenom_or_matricule_case_insensitively(store: UserStore) -> None:
    store.add(new("MAT1", nom="Dupont", prenom="Jean"))
    store.add(new("MAT2", nom="Ngono", prenom="Marie"))
    store.add(new("XYZ9", nom="Fotso", prenom="Paul"))
    assert [u.matricule for u in store.search("dup", 0, 10)[0]] == ["MAT1"]
    assert [u.matricule for u in store.search("MARIE", 0, 10)[0]] == ["MAT2"]
    assert store.search("mat", 0, 10)[1] == 2


def test_search_treats_regex_characters_literally(store: UserStore) -> None:
    store.add(new("MAT1"))
    assert store.search(".*", 0, 10) == ([], 0)
    assert store.search("(", 0, 10) == ([], 0)


def test_search_pages_in_name_order_with_the_total(store: UserStore) -> None:
    for n in range(5):
        store.add(new(f"M{n}", nom=f"Nom{4 - n}"))
    users, total = store.search(None, 2, 2)
    assert total == 5
    assert [u.nom for u in users] == ["Nom2", "Nom3"]


def test_update_sets_fields_and_bumps_updated_at(store: UserStore) -> None:
    user = store.add(new("MAT1"))
    updated = store.update(user.id, {"nom": "Mbarga", "role": Role.ADMIN})
    assert updated is not None
    assert (updated.nom, updated.role, updated.matricule) == ("Mbarga", Role.ADMIN, "MAT1")
    assert updated.updated_at is not None and user.updated_at is not None
    assert updated.updated_at >= user.updated_at
    assert store.get(user.id) == updated


def test_a_user_is_active_until_deactivated_and_still_found_by_search(store: UserStore) -> None:
    user = store.add(new("ACT1", nom="Actif"))
    assert user.active is True
    assert store.update(user.id, {"active": False}).active is False  # type: ignore[union-attr]
    assert store.get(user.id).active is False  # type: ignore[union-attr]
    assert [u.active for u in store.search("actif", 0, 10)[0]] == [False]
    assert store.update(user.id, {"active": True}).active is True  # type: ignore[union-attr]


def test_delete_removes_the_user_once(store: UserStore) -> None:
    user = store.add(new("MAT1"))
    assert store.delete(user.id) is True
    assert store.delete(user.id) is False
    assert store.get(user.id) is None


def test_ping_answers(store: UserStore) -> None:
    assert store.ping() is None  # no error while the database answers (control: next test)


def test_ping_is_store_unavailable_when_the_database_does_not_answer() -> None:
    engine = create_sql_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    try:
        with pytest.raises(StoreUnavailableError):
            SqlUserStore(engine).ping()
    finally:
        engine.dispose()


def test_search_ignores_accents_and_case(store: UserStore) -> None:
    store.add(new("MAT1", nom="Ngono", prenom="Hélène"))
    store.add(new("MAT2", nom="Éyébé", prenom="Paul"))
    assert [u.matricule for u in store.search("helene", 0, 10)[0]] == ["MAT1"]
    assert [u.matricule for u in store.search("EYEBE paul", 0, 10)[0]] == ["MAT2"]
    assert store.search("hélène ngono", 0, 10)[1] == 1


def agent(
    matricule: str, ministere: str, direction: str = "", service: str = "", nom: str = "Dupont"
) -> NewUser:
    user = new(matricule, nom=nom)
    return replace(user, ministere=ministere, direction=direction, service=service)


def test_new_users_keep_the_org_fields_locale_and_phone(store: UserStore) -> None:
    user = store.add(
        replace(
            new("ORG1"),
            ministere="MINFI",
            direction="Direction du Budget",
            service="Service de la Solde",
            poste="Chef de service",
            phone="+237 699 00 00 01",
            locale="en",
            managed=True,
        )
    )
    assert store.get(user.id) == user
    assert (user.direction, user.service, user.poste) == (
        "Direction du Budget",
        "Service de la Solde",
        "Chef de service",
    )
    assert (user.phone, user.locale, user.managed) == ("+237 699 00 00 01", "en", True)
    assert store.add(new("ORG2")).locale == "fr"


def test_org_filters_ignore_accents_case_and_spaces(store: UserStore) -> None:
    store.add(agent("A1", "Ministère des Finances", "Direction Générale du Budget", "Solde"))
    store.add(agent("A2", "MINISTERE DES FINANCES", "direction generale du budget", "Paie"))
    store.add(agent("A3", "Ministère des Finances", "Direction des Impôts", "Solde"))
    store.add(agent("A4", "Ministère de la Santé", "Direction Générale du Budget", "Solde"))

    def found(**org: str) -> list[str]:
        users, total = store.search(None, 0, 10, OrgFilter(**org))
        assert total == len(users)
        return sorted(u.matricule for u in users)

    assert found(ministere="ministere  des finances") == ["A1", "A2", "A3"]
    assert found(ministere="Ministère des Finances", direction="DIRECTION GÉNÉRALE du budget") == [
        "A1",
        "A2",
    ]
    assert found(ministere="ministère des finances", service="solde") == ["A1", "A3"]
    assert found(direction="direction generale du budget") == ["A1", "A2", "A4"]
    assert found(ministere="Ministère de l'Intérieur") == []


def test_org_filters_combine_with_the_search_words(store: UserStore) -> None:
    store.add(agent("B1", "MINFI", nom="Ngono"))
    store.add(agent("B2", "MINSANTE", nom="Ngono"))
    store.add(agent("B3", "MINFI", nom="Fotso"))
    users, total = store.search("ngono", 0, 10, OrgFilter(ministere="minfi"))
    assert ([u.matricule for u in users], total) == (["B1"], 1)


def test_an_org_change_moves_the_user_to_the_new_unit(store: UserStore) -> None:
    user = store.add(agent("C1", "MINFI", "Budget"))
    store.update(user.id, {"ministere": "Ministère de la Santé", "direction": "Hôpitaux"})
    assert store.search(None, 0, 10, OrgFilter(ministere="minfi"))[1] == 0
    moved = store.search(None, 0, 10, OrgFilter(ministere="ministere de la sante"))[0]
    assert [(u.matricule, u.direction) for u in moved] == [("C1", "Hôpitaux")]


def test_a_rename_is_found_by_its_new_name_only(store: UserStore) -> None:
    user = store.add(new("D1", nom="Ancien"))
    store.update(user.id, {"nom": "Nouvéau"})
    assert store.search("ancien", 0, 10)[1] == 0
    assert [u.matricule for u in store.search("nouveau", 0, 10)[0]] == ["D1"]


def test_org_units_count_active_agents_per_unit_grouped_by_folded_names(
    store: UserStore,
) -> None:
    store.add(agent("E1", "Ministère des Finances", "Budget", "Solde"))
    store.add(agent("E2", "MINISTÈRE DES FINANCES", "budget", "SOLDE"))
    store.add(agent("E3", "Ministère des Finances", "Budget", "Paie"))
    store.add(agent("E4", "Ministère de la Santé"))
    gone = store.add(agent("E5", "Ministère de la Santé"))
    store.update(gone.id, {"active": False})
    units = {(fold(u.ministere), fold(u.direction), fold(u.service)): u for u in store.org_units()}
    assert {k: u.agents for k, u in units.items()} == {
        ("ministere des finances", "budget", "solde"): 2,
        ("ministere des finances", "budget", "paie"): 1,
        ("ministere de la sante", "", ""): 1,
    }
    solde = units[("ministere des finances", "budget", "solde")]
    assert solde.ministere in {"Ministère des Finances", "MINISTÈRE DES FINANCES"}


def test_search_pages_past_the_end_still_count_the_matches(store: UserStore) -> None:
    for n in range(3):
        store.add(new(f"PAGE{n}", nom=f"Pagé{n}"))
    assert store.search("page", 2, 2) == (store.search("page", 2, 2)[0], 3)
    assert store.search("page", 10, 2) == ([], 3)
    assert [u.nom for u in store.search("page", 1, 1)[0]] == ["Pagé1"]
