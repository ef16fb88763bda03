from libs.usercache import build_full_name


def test_full_name_is_prenom_then_nom() -> None:
    assert build_full_name("Dupont", "Jean") == "Jean Dupont"


def test_full_name_without_prenom_is_nom() -> None:
    assert build_full_name("Dupont", None) == "Dupont"


def test_full_name_without_nom_uses_fallback_then_unknown() -> None:
    assert build_full_name(None, "Jean", "jdupont") == "jdupont"
    assert build_full_name("", "Jean") == "Utilisateur inconnu"


def test_updated_at_accepts_epoch_ms_iso_text_and_datetimes() -> None:
    from datetime import UTC, datetime

    from libs.usercache import CachedUser

    moment = datetime(2026, 1, 16, 10, 20, tzinfo=UTC)
    expected = int(moment.timestamp() * 1000)
    for value in (
        expected,
        str(expected),
        moment,
        "2026-01-16T10:20:00+00:00",
        "2026-01-16T10:20:00Z",
    ):
        assert CachedUser.from_profile({"id": "u", "updatedAt": value}).updated_at == expected
    assert CachedUser.from_profile({"id": "u", "updatedAt": "garbage"}).updated_at > expected
