"""Asymmetric token keys: ids from the public key, key files, and the JWK Set both ways."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from libs.servicekit.settings import SettingsError
from libs.sessions.asymmetric import (
    EDDSA,
    ES256,
    KeyFileError,
    PublicKeys,
    load_signing_keys,
    public_key_id,
    public_keys_from_jwks,
)
from libs.sessions.key_settings import jwt_algorithm, signing_keys, token_secret
from tests.support.key_files import kid_of, new_key, write_private, write_public


@pytest.mark.parametrize("algorithm", [EDDSA, ES256])
def test_a_jwk_set_gives_back_the_same_keys_under_the_same_ids(algorithm: str) -> None:
    current, old = new_key(algorithm), new_key(algorithm)
    published = PublicKeys.of(algorithm, [current.public_key(), old.public_key()]).jwks()
    assert [k["kid"] for k in published["keys"]] == [kid_of(current), kid_of(old)]
    assert {k["alg"] for k in published["keys"]} == {algorithm}
    assert all(k["use"] == "sig" and "d" not in k for k in published["keys"])  # no private part
    standard = jwt.PyJWKSet.from_dict(published)  # what any JWKS client reads
    assert [k.key_id for k in standard.keys] == [kid_of(current), kid_of(old)]
    read = public_keys_from_jwks(published, algorithm)
    assert read.key_for(kid_of(old)) == old.public_key()
    assert read.key_for(None) is None and read.key_for("0123456789ab") is None


def test_a_jwk_set_keeps_only_keys_of_the_configured_algorithm() -> None:
    ed, ec = new_key(EDDSA), new_key(ES256)
    mixed = {
        "keys": [
            *PublicKeys.of(EDDSA, [ed.public_key()]).jwks()["keys"],
            *PublicKeys.of(ES256, [ec.public_key()]).jwks()["keys"],
            {"kty": "oct", "k": "c2VjcmV0", "kid": "x", "alg": "HS256"},
            {"kty": "OKP", "crv": "Ed25519", "x": "!!", "kid": "broken"},
        ]
    }
    assert public_keys_from_jwks(mixed, EDDSA).by_kid.keys() == {kid_of(ed)}
    assert public_keys_from_jwks(mixed, ES256).by_kid.keys() == {kid_of(ec)}
    with pytest.raises(ValueError):
        public_keys_from_jwks(["not", "a", "set"], EDDSA)


def test_a_jwk_kid_is_recomputed_from_the_key_not_trusted() -> None:
    key = new_key()
    entry = {**PublicKeys.of(EDDSA, [key.public_key()]).jwks()["keys"][0], "kid": "chosen-by-me"}
    assert public_keys_from_jwks({"keys": [entry]}, EDDSA).by_kid.keys() == {kid_of(key)}


def test_signing_keys_read_the_private_key_and_previous_public_keys(tmp_path: Path) -> None:
    current, old = new_key(), new_key()
    private = write_private(tmp_path / "current.pem", current)
    previous = write_public(tmp_path / "old.pub.pem", old)
    keys = load_signing_keys(EDDSA, private, [previous])
    assert keys.current_kid == kid_of(current) == public_key_id(current.public_key())
    assert list(keys.public.by_kid) == [kid_of(current), kid_of(old)]
    assert "PRIVATE" not in repr(keys) and "private=" not in repr(keys)


def test_key_file_errors_name_the_setting_and_the_path_never_the_content(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match=r"JWT_PRIVATE_KEY_FILE: cannot read .*missing\.pem"):
        load_signing_keys(EDDSA, str(tmp_path / "missing.pem"), [])
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n")
    with pytest.raises(KeyFileError) as refused:
        load_signing_keys(EDDSA, str(garbage), [])
    assert "c2VjcmV0" not in str(refused.value)
    ec_key = write_private(tmp_path / "ec.pem", new_key(ES256))
    with pytest.raises(KeyFileError, match="is not an EdDSA key"):
        load_signing_keys(EDDSA, ec_key, [])
    with pytest.raises(KeyFileError, match="needs JWT_PRIVATE_KEY_FILE"):
        load_signing_keys(EDDSA, "", [])


def test_the_settings_read_the_algorithm_and_need_no_secret_when_asymmetric(
    tmp_path: Path,
) -> None:
    assert jwt_algorithm({}) == "HS256"
    with pytest.raises(SettingsError, match="JWT_ALGORITHM"):
        jwt_algorithm({"JWT_ALGORITHM": "RS256"})
    assert token_secret({}, "production", EDDSA) == ""
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        token_secret({}, "production", "HS256")
    env = {"JWT_PRIVATE_KEY_FILE": str(tmp_path / "absent.pem")}
    with pytest.raises(SettingsError, match="cannot read"):
        signing_keys(env, EDDSA)
    assert signing_keys(env, "HS256") is None
