"""KeyRing: which secret verifies a token, by its `kid`."""

from __future__ import annotations

from libs.sessions import KeyRing, key_id, secrets_list


def test_the_current_and_previous_keys_verify_and_unknown_ids_do_not() -> None:
    ring = KeyRing("new-secret", ("old-secret", "older-secret"))
    assert ring.current_kid == key_id("new-secret") != key_id("old-secret")
    assert ring.secret_for(key_id("new-secret")) == "new-secret"
    assert ring.secret_for(key_id("older-secret")) == "older-secret"
    assert ring.secret_for(None) == "new-secret"  # tokens issued before key ids
    assert ring.secret_for("0123456789ab") is None
    assert ring.secret_for(["not", "a", "string"]) is None


def test_previous_secrets_come_from_a_comma_separated_setting() -> None:
    assert secrets_list(" a , ,b,") == ("a", "b")
    assert secrets_list("") == ()


def test_a_key_ring_never_prints_its_secrets() -> None:
    assert "secret" not in repr(KeyRing("new-secret", ("old-secret",)))
