"""French and English: gettext catalogues, and the choice of a language. No Flask.

Catalogues are gettext `.po` files kept in the repository (`<dir>/<locale>/LC_MESSAGES/
messages.po`): `libs/servicekit/locales` holds the texts both services produce (the access-token
errors, the HTTP fallbacks), each service's `locales/` its own. The message ids are the French
texts (French is the language the code is written in and the default), so an untranslated text
falls back to French, never to a key. The `.po` sources are compiled in memory with Babel when a
catalogue is first loaded: no `.mo` file, no build step.

A text with variable parts is a template with `%(name)s` placeholders and its `params`, so the
template is what gets translated (`CodedError(template, params={...})`).
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .errors import CodedError

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
SHARED_LOCALES = Path(__file__).with_name("locales")
DOMAIN = "messages"


def N_(text: str) -> str:
    """Marks a text for the catalogues (scripts/catalogue.py finds it) without translating it:
    the text is translated where it leaves, in the reader's language."""
    return text


def supported_locale(value: Any) -> str | None:
    """`"en"`, `"en-GB"`, `"EN_us"` → `"en"`; anything we do not speak → None."""
    if not isinstance(value, str) or not value:
        return None
    language = value.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in LOCALES else None


def po_path(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(path: Path, locale: str) -> gettext.GNUTranslations:
    """A `.po` source as gettext translations: parsed and compiled to `.mo` bytes by Babel."""
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Catalogue:
    """One gettext translation chain per language: the service's catalogue first, then the
    shared one; a text found in neither is answered as is (French)."""

    def __init__(self, *directories: Path) -> None:
        self.directories = (*directories, SHARED_LOCALES)
        self._chains: dict[str, gettext.NullTranslations] = {}
        for locale in LOCALES:
            chain: gettext.NullTranslations = gettext.NullTranslations()
            for directory in reversed(self.directories):
                path = po_path(directory, locale)
                if path.exists():
                    translations = _compiled(path, locale)
                    translations.add_fallback(chain)
                    chain = translations
            self._chains[locale] = chain

    def text(
        self, template: str, locale: str | None, params: Mapping[str, Any] | None = None
    ) -> str:
        chain = self._chains.get(supported_locale(locale) or DEFAULT_LOCALE)
        translated = chain.gettext(template) if chain is not None else template
        return translated % dict(params) if params else translated

    def error_message(self, exc: CodedError, locale: str | None) -> str:
        return self.text(exc.template, locale, exc.params)

    def entries(self, locale: str) -> dict[str, str]:
        """Every text of `locale` (French text → translation), the first catalogue winning:
        what a web console loads to translate itself."""
        merged: dict[str, str] = {}
        chain: gettext.NullTranslations | None = self._chains[locale]
        while chain is not None:
            catalog = getattr(chain, "_catalog", {})
            for key, value in catalog.items():
                if isinstance(key, str) and key and value:
                    merged.setdefault(key, value)
            chain = getattr(chain, "_fallback", None)
        return merged

    def has(self, template: str, locale: str) -> bool:
        """Whether the catalogues of `locale` hold a non-empty entry for `template`."""
        marker = object()
        chain = self._chains[locale]
        found = _lookup(chain, template, marker)
        return found is not marker


def _lookup(chain: gettext.NullTranslations | None, template: str, marker: Any) -> Any:
    while chain is not None:
        catalog = getattr(chain, "_catalog", None)
        if catalog is not None and catalog.get(template):
            return catalog[template]
        chain = getattr(chain, "_fallback", None)
    return marker


@functools.cache
def catalogue(*directories: Path) -> Catalogue:
    """The catalogue over these directories, loaded once per process (on first use)."""
    return Catalogue(*directories)
