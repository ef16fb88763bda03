from libs.usercache import build_full_name


def test_full_name_is_prenom_then_nom() -> None:
    assert build_full_name("Dupont", "Jean") == "Jean Dupont"


def test_full_name_without_prenom_is_nom() -> None:
    assert build_full_name("Dupont", None) == "Dupont"


def test_full_name_without_nom_uses_fallback_then_unknown() -> None:
    assert build_full_name(None, "Jean", "jdupont") == "jdupont"
    assert build_full_name("", "Jean") == "Utilisateur inconnu"
