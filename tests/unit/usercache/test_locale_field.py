"""The cached profile's `locale` (issue 24): written by auth_user, read by chat_file's push
worker; a hash without it (an older release, or filled from `POST /batch`) reads as unknown."""

from __future__ import annotations

from libs.usercache import HASH_FIELDS, CachedUser


def test_the_locale_goes_through_every_encoding() -> None:
    user = CachedUser.from_profile({"id": "u1", "nom": "Ngono", "locale": "en"})
    assert user.locale == "en"
    stored = user.to_hash()
    assert stored["locale"] == "en" and set(stored) == set(HASH_FIELDS)
    assert CachedUser.from_hash(stored).locale == "en"
    assert CachedUser.from_fields([stored[f] for f in HASH_FIELDS]) == user
    assert "locale" not in user.to_public()  # not a display field: never shown to others


def test_a_hash_without_a_locale_reads_as_unknown() -> None:
    older = dict(CachedUser.from_profile({"id": "u2"}).to_hash())
    del older["locale"]
    assert CachedUser.from_hash(older).locale == ""
    read = CachedUser.from_fields([older.get(f) for f in HASH_FIELDS])  # HMGET: None for it
    assert read is not None and read.locale == ""
