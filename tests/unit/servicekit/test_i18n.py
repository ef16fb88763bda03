"""libs/servicekit/i18n.py: the choice of a language, and gettext catalogues from `.po` files."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from flask import Flask

from libs.servicekit.errors import CodedError
from libs.servicekit.http import install_json_errors, install_languages
from libs.servicekit.i18n import Catalogue, po_path, supported_locale


def test_only_french_and_english_are_spoken() -> None:
    assert [supported_locale(v) for v in ("fr", "en-GB", "EN_us", "fr-CM")] == [
        "fr",
        "en",
        "en",
        "fr",
    ]
    assert [supported_locale(v) for v in ("de", "", None, 3, "*")] == [None] * 5


def write(directory: Path, locale: str, entries: dict[str, str]) -> None:
    catalog = Catalog(locale=locale)
    for text, translation in entries.items():
        catalog.add(text, translation)
    path = po_path(directory, locale)
    path.parent.mkdir(parents=True)
    with path.open("wb") as target:
        write_po(target, catalog)


class PlannedError(CodedError):
    code = "PLANNED"
    message = "Au plus %(max)s éléments"


def test_a_service_catalogue_comes_first_then_the_shared_one_then_french(tmp_path: Path) -> None:
    write(tmp_path, "en", {"Au plus %(max)s éléments": "At most %(max)s items", "Vide": ""})
    catalogue = Catalogue(tmp_path)
    error = PlannedError(params={"max": 3})
    assert error.message == "Au plus 3 éléments"
    assert catalogue.error_message(error, "en") == "At most 3 items"
    assert catalogue.error_message(error, "fr") == "Au plus 3 éléments"  # no fr file: the id
    assert catalogue.text("Token invalide ou expiré", "en") == "Invalid or expired token"  # shared
    assert catalogue.text("Vide", "en") == "Vide"  # an empty entry is no translation
    assert not catalogue.has("Vide", "en") and catalogue.has("Au plus %(max)s éléments", "en")
    assert catalogue.text("Texte inconnu", "de") == "Texte inconnu"


def test_the_http_edge_translates_messages_never_codes(tmp_path: Path) -> None:
    write(tmp_path, "en", {"Au plus %(max)s éléments": "At most %(max)s items"})
    app = Flask(__name__)
    install_json_errors(app, {"PLANNED": 422})
    install_languages(app, Catalogue(tmp_path), lambda: "en")

    @app.get("/planned")
    def planned() -> None:
        raise PlannedError(params={"max": 2})

    client = app.test_client()
    english = client.get("/planned").get_json()  # the user's locale
    assert (english["code"], english["message"]) == ("PLANNED", "At most 2 items")
    french = client.get("/planned", headers={"Accept-Language": "fr-FR, en;q=0.5"}).get_json()
    assert (french["code"], french["message"]) == ("PLANNED", "Au plus 2 éléments")
    assert client.get("/missing", headers={"Accept-Language": "en"}).get_json()["message"] == (
        "Resource not found"
    )
