from __future__ import annotations

import pytest

from services.auth_user.application.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo_users
from services.auth_user.domain.errors import (
    ForbiddenError,
    InvalidAvatarError,
    InvalidTokenError,
    MatriculeTakenError,
    TooManyIdsError,
    UserNotFoundError,
)
from services.auth_user.domain.model import Role

from .conftest import World

NEW = {"matricule": "NEW1", "nom": "Ngono", "prenom": "Marie", "password": "secret-123"}


def test_get_finds_a_user_by_id_or_by_matricule(world: World) -> None:
    user = world.add_user("MAT1")
    assert world.directory.get(user.id) == user
    assert world.directory.get("MAT1") == user


def test_get_of_an_unknown_user_raises_not_found(world: World) -> None:
    with pytest.raises(UserNotFoundError):
        world.directory.get("000000000000000000000099")
    with pytest.raises(UserNotFoundError):
        world.directory.get_by_matricule("NOBODY")


def test_batch_returns_found_users_in_request_order_and_reports_the_rest(world: World) -> None:
    a, b = world.add_user("A"), world.add_user("B")
    result = world.directory.batch([b.id, "not-an-object-id", a.id, b.id, "f" * 24])
    assert [u.id for u in result.users] == [b.id, a.id]
    assert result.missing == ["not-an-object-id", "f" * 24]


def test_batch_also_finds_users_by_matricule(world: World) -> None:
    a, b = world.add_user("A"), world.add_user("B")
    result = world.directory.batch([a.id], ["B", "A", "NOPE"])
    assert [u.id for u in result.users] == [a.id, b.id]  # A once, found by its id
    assert result.missing == ["NOPE"]
    with pytest.raises(TooManyIdsError):
        world.directory.batch([f"{n:024x}" for n in range(150)], [f"M{n}" for n in range(51)])


def test_batch_uses_one_store_query(world: World) -> None:
    ids = [world.add_user(f"M{n}").id for n in range(5)]
    before = world.users.queries
    world.directory.batch(ids)
    assert world.users.queries == before + 1


def test_batch_accepts_200_distinct_ids_and_refuses_201(world: World) -> None:
    ids = [f"{n:024x}" for n in range(201)]
    assert len(world.directory.batch(ids[:200]).missing) == 200
    with pytest.raises(TooManyIdsError):
        world.directory.batch(ids)


def test_list_pages_through_matching_users(world: World) -> None:
    for n in range(5):
        world.add_user(f"M{n}", nom=f"Nom{n}")
    page = world.directory.search(page=2, limit=2, query="nom")
    assert [u.matricule for u in page.users] == ["M2", "M3"]
    assert (page.total, page.pages) == (5, 3)


def test_admin_creates_a_user_with_a_hashed_password(world: World) -> None:
    admin = world.add_user("ADM", role=Role.ADMIN)
    user = world.directory.create(admin.id, NEW)
    assert user.role is Role.USER
    assert user.password_hash == "hashed:secret-123"


def test_non_admin_cannot_create_a_user_and_nothing_is_written(world: World) -> None:
    member = world.add_user("MAT1")
    with pytest.raises(ForbiddenError):
        world.directory.create(member.id, NEW)
    assert world.users.get_by_matricule("NEW1") is None


def test_creating_a_taken_matricule_raises(world: World) -> None:
    admin = world.add_user("ADM", role=Role.ADMIN)
    world.directory.create(admin.id, NEW)
    with pytest.raises(MatriculeTakenError):
        world.directory.create(admin.id, NEW)


def test_user_updates_own_profile_and_the_cache_entry_is_rewritten(world: World) -> None:
    user = world.add_user("MAT1")
    picture = "https://cdn.example.cm/avatars/mat1.png"
    updated = world.directory.update(user.id, user.id, {"profile_pic": picture})
    assert updated.profile_pic == picture
    assert world.cache.profiles[user.id]["avatar"] == picture


def test_an_admin_renames_a_user_and_the_cache_entry_is_rewritten(world: World) -> None:
    admin, user = world.add_user("ADM1", role=Role.ADMIN), world.add_user("MAT1")
    updated = world.directory.update(admin.id, user.id, {"nom": "Mbarga"})
    assert updated.nom == "Mbarga"
    assert world.cache.profiles[user.id]["nom"] == "Mbarga"


def test_user_cannot_update_someone_else(world: World) -> None:
    user, other = world.add_user("MAT1"), world.add_user("MAT2")
    with pytest.raises(ForbiddenError):
        world.directory.update(user.id, other.id, {"nom": "X"})
    assert world.users.get(other.id) == other
    assert world.cache.profiles == {}


@pytest.mark.parametrize(
    "field,value",
    [
        ("role", "admin"),
        ("password", "new-password-1"),
        ("nom", "ADMINISTRATEUR"),  # names are HR data: the directory's and the admins'
        ("prenom", "Support"),
    ],
)
def test_user_cannot_change_own_role_password_or_names(
    world: World, field: str, value: str
) -> None:
    user = world.add_user("MAT1")
    with pytest.raises(ForbiddenError):
        world.directory.update(user.id, user.id, {field: value})
    assert world.users.get(user.id) == user


def test_admin_changes_role_and_password_of_another_user(world: World) -> None:
    admin, user = world.add_user("ADM", role=Role.ADMIN), world.add_user("MAT1")
    updated = world.directory.update(admin.id, "MAT1", {"role": "admin", "password": "pw-2345678"})
    assert updated.role is Role.ADMIN
    assert updated.password_hash == "hashed:pw-2345678"
    assert world.cache.profiles[user.id]["id"] == user.id


def test_admin_updating_an_unknown_user_gets_not_found(world: World) -> None:
    admin = world.add_user("ADM", role=Role.ADMIN)
    with pytest.raises(UserNotFoundError):
        world.directory.update(admin.id, "NOBODY", {"nom": "X"})


def test_admin_deletes_a_user_and_its_cache_entry(world: World) -> None:
    admin, user = world.add_user("ADM", role=Role.ADMIN), world.add_user("MAT1")
    world.cache.set(user.profile())
    world.directory.delete(admin.id, user.id)
    assert world.users.get(user.id) is None
    assert user.id not in world.cache.profiles


def test_non_admin_cannot_delete(world: World) -> None:
    user, other = world.add_user("MAT1"), world.add_user("MAT2")
    with pytest.raises(ForbiddenError):
        world.directory.delete(user.id, other.id)
    assert world.users.get(other.id) == other


def test_a_token_of_a_deleted_actor_is_no_longer_accepted(world: World) -> None:
    with pytest.raises(InvalidTokenError):
        world.directory.update("f" * 24, "f" * 24, {"nom": "X"})


def test_seeding_demo_users_is_idempotent(world: World) -> None:
    assert len(seed_demo_users(world.directory)) == len(DEMO_USERS)
    assert seed_demo_users(world.directory) == []
    admin = world.users.get_by_matricule("ADMIN001")
    assert admin is not None and admin.role is Role.ADMIN
    assert world.hasher.verify(admin.password_hash, DEMO_PASSWORD)


@pytest.mark.parametrize(
    "picture",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "http://cdn.example.cm/a.png",
        "//evil.example/a.png",
        "https://user:pw@cdn.example.cm/a.png",
        "https:///a.png",
        "https://cdn.example.cm/a b.png",
        "https://cdn.example.cm/\x00.png",
        "https://cdn.example.cm:99999/a.png",
        "vbscript:msgbox",
        "a" * 23,
        "A" * 24,
    ],
)
def test_a_picture_is_an_https_url_or_a_file_id(world: World, picture: str) -> None:
    user = world.add_user("MAT1")
    with pytest.raises(InvalidAvatarError):
        world.directory.update(user.id, user.id, {"profile_pic": picture})
    assert world.users.get(user.id) == user
    admin = world.add_user("ADM1", role=Role.ADMIN)
    with pytest.raises(InvalidAvatarError):  # admins too, and at creation
        world.directory.create(admin.id, {**NEW, "profile_pic": picture})


@pytest.mark.parametrize(
    "picture", ["https://cdn.example.cm/a.png?v=2", "0123456789abcdef01234567", "", None]
)
def test_accepted_pictures_are_stored_as_given(world: World, picture: str | None) -> None:
    user = world.add_user("MAT1")
    assert world.directory.update(user.id, user.id, {"profile_pic": picture}).profile_pic == picture
