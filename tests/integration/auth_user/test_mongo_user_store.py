"""MongoUserStore contract on mongomock, and on a real MongoDB when MONGODB_URI is set."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import mongomock
import pymongo
import pytest

from services.auth_user.domain.errors import MatriculeTakenError
from services.auth_user.domain.model import NewUser, Role
from services.auth_user.infrastructure.mongo_users import MongoUserStore

MONGODB_URI = os.environ.get("MONGODB_URI", "")


@pytest.fixture(params=["mongomock", "pymongo"])
def store(request: pytest.FixtureRequest) -> Iterator[MongoUserStore]:
    name = f"auth_user_test_{uuid.uuid4().hex[:8]}"
    if request.param == "mongomock":
        client: object = mongomock.MongoClient(tz_aware=True)
        lock: threading.Lock | None = threading.Lock()
    else:
        if not MONGODB_URI:
            pytest.skip("MONGODB_URI not set: no real MongoDB server")
        client = pymongo.MongoClient(MONGODB_URI, serverSelectionTimeoutMS=3000, tz_aware=True)
        lock = None
    db = client[name]  # type: ignore[index]
    store = MongoUserStore(db, lock=lock)
    store.ensure_indexes()
    yield store
    client.drop_database(name)  # type: ignore[attr-defined]


def new(matricule: str, nom: str = "Dupont", prenom: str = "Jean") -> NewUser:
    return NewUser(matricule=matricule, nom=nom, prenom=prenom, password_hash="h$" + matricule)


def test_added_user_gets_a_string_object_id_and_reads_back(store: MongoUserStore) -> None:
    user = store.add(new("MAT1"))
    assert len(user.id) == 24
    assert store.get(user.id) == user
    assert store.get_by_matricule("MAT1") == user
    assert user.created_at is not None and user.role is Role.USER


def test_matricule_is_unique(store: MongoUserStore) -> None:
    store.add(new("MAT1"))
    with pytest.raises(MatriculeTakenError):
        store.add(new("MAT1", nom="Other"))
    assert store.search(None, 0, 10)[1] == 1


def test_malformed_ids_are_not_found_rather_than_errors(store: MongoUserStore) -> None:
    assert store.get("not-an-id") is None
    assert store.update("not-an-id", {"nom": "X"}) is None
    assert store.delete("not-an-id") is False


def test_get_many_returns_existing_users_and_ignores_malformed_ids(store: MongoUserStore) -> None:
    a, b = store.add(new("A")), store.add(new("B"))
    found = store.get_many([a.id, "zzz", b.id, "f" * 24])
    assert sorted(u.id for u in found) == sorted([a.id, b.id])
    assert store.get_many(["zzz"]) == []


def test_search_matches_nom_prenom_or_matricule_case_insensitively(store: MongoUserStore) -> None:
    store.add(new("MAT1", nom="Dupont", prenom="Jean"))
    store.add(new("MAT2", nom="Ngono", prenom="Marie"))
    store.add(new("XYZ9", nom="Fotso", prenom="Paul"))
    assert [u.matricule for u in store.search("dup", 0, 10)[0]] == ["MAT1"]
    assert [u.matricule for u in store.search("MARIE", 0, 10)[0]] == ["MAT2"]
    assert store.search("mat", 0, 10)[1] == 2


def test_search_treats_regex_characters_literally(store: MongoUserStore) -> None:
    store.add(new("MAT1"))
    assert store.search(".*", 0, 10) == ([], 0)
    assert store.search("(", 0, 10) == ([], 0)


def test_search_pages_in_name_order_with_the_total(store: MongoUserStore) -> None:
    for n in range(5):
        store.add(new(f"M{n}", nom=f"Nom{4 - n}"))
    users, total = store.search(None, 2, 2)
    assert total == 5
    assert [u.nom for u in users] == ["Nom2", "Nom3"]


def test_update_sets_fields_and_bumps_updated_at(store: MongoUserStore) -> None:
    user = store.add(new("MAT1"))
    updated = store.update(user.id, {"nom": "Mbarga", "role": Role.ADMIN})
    assert updated is not None
    assert (updated.nom, updated.role, updated.matricule) == ("Mbarga", Role.ADMIN, "MAT1")
    assert updated.updated_at is not None and user.updated_at is not None
    assert updated.updated_at >= user.updated_at
    assert store.get(user.id) == updated


def test_delete_removes_the_user_once(store: MongoUserStore) -> None:
    user = store.add(new("MAT1"))
    assert store.delete(user.id) is True
    assert store.delete(user.id) is False
    assert store.get(user.id) is None


def test_ping_answers(store: MongoUserStore) -> None:
    store.ping()
