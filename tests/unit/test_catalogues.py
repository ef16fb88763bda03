"""Completeness of the French and English catalogues (issue 24).

Every error code of both services (their CodedError subclasses, the codes of their status
tables), every text given to a coded error, an error body, `ok(message=)` or a socket refusal,
every text marked `N_` (push texts, socket answers) and every text of the two web consoles has
a French and an English entry; no message is built at run time where no catalogue could hold
it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from libs.servicekit.errors import CodedError
from libs.servicekit.http import HTTP_CODES
from libs.servicekit.i18n import LOCALES, Catalogue, po_path
from scripts.catalogue import CONSOLES, TREES, all_texts, coded_errors
from services.auth_user.interfaces.http.errors import STATUS_BY_CODE as AUTH_CODES
from services.chat_file.http.errors import STATUS_BY_CODE as CHAT_CODES

PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
# codes answered by a fixed body rather than a CodedError class (libs/servicekit/http.py,
# the Redis handlers, auth_user's /ready, the socket's fixed answers)
FIXED_BODIES = {"INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "NOT_READY"}


@pytest.fixture(scope="module")
def texts() -> dict[Path, set[str]]:
    found, dynamic = all_texts()
    assert dynamic == [], f"messages built at run time (use a template with params): {dynamic}"
    return found


def catalogue_of(directory: Path) -> Catalogue:
    return Catalogue(directory)  # that tree's catalogue, over the shared one


def test_every_text_has_a_french_and_an_english_entry(texts: dict[Path, set[str]]) -> None:
    assert sum(len(t) for t in texts.values()) > 140  # the walk found the texts at all
    for console in CONSOLES.values():  # both web consoles' pages and scripts were read
        assert len(texts[console]) > 15, console
    missing = [
        f"{locale}: {text!r} ({directory.relative_to(Path.cwd())})"
        for directory, found in texts.items()
        for locale in LOCALES
        for text in sorted(found)
        if not catalogue_of(directory).has(text, locale)
    ]
    assert missing == [], "run `python -m scripts.catalogue`, then translate:\n" + "\n".join(
        missing
    )


def test_no_catalogue_keeps_a_text_nothing_produces(texts: dict[Path, set[str]]) -> None:
    stale = []
    for directory in [*TREES.values(), *CONSOLES.values()]:
        with po_path(directory, "fr").open("rb") as source:
            ids = {m.id for m in read_po(source, locale="fr") if m.id}
        stale += [f"{directory}: {text!r}" for text in sorted(ids - texts.get(directory, set()))]
    assert stale == [], "run `python -m scripts.catalogue` to drop them:\n" + "\n".join(stale)


def test_every_error_code_of_both_services_has_its_messages_in_both_languages() -> None:
    errors = coded_errors()
    by_code: dict[str, list[type[CodedError]]] = {}
    for cls in errors:
        by_code.setdefault(cls.code, []).append(cls)
    codes = set(AUTH_CODES) | set(CHAT_CODES)
    known = set(by_code) | {code for code, _ in HTTP_CODES.values()} | FIXED_BODIES
    assert codes - known == set(), "codes in a status table that nothing raises"
    both = Catalogue(*TREES.values())
    untranslated = [
        f"{cls.__module__}.{cls.__name__} ({cls.code}): {cls.message!r} [{locale}]"
        for cls in errors
        for locale in LOCALES
        if not both.has(cls.message, locale)
    ]
    assert untranslated == []
    english = {cls.code: both.text(cls.message, "en") for cls in errors}
    assert english["MISSING_TOKEN"] == "Authentication token required"
    assert english["CONVERSATION_NOT_FOUND"] == "Conversation not found"


@pytest.mark.parametrize(
    "directory",
    sorted([*TREES.values(), *CONSOLES.values()]),
    ids=lambda d: "/".join(d.parts[-3:-1]),
)
def test_the_po_files_agree_with_each_other(directory: Path) -> None:
    """Same entries in both languages; an English entry keeps the French one's placeholders;
    the French one is the text itself (the text is the id) unless copy-edited on purpose."""
    entries = {}
    for locale in LOCALES:
        with po_path(directory, locale).open("rb") as source:
            entries[locale] = {m.id: m.string for m in read_po(source, locale=locale) if m.id}
    assert set(entries["fr"]) == set(entries["en"])
    for text, english in entries["en"].items():
        assert english, f"no English for {text!r}"
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(text)), text
        assert entries["fr"][text], f"no French for {text!r}"


def test_a_text_with_params_is_translated_before_it_is_filled() -> None:
    from services.chat_file.conversations.domain.paging import parse_limit
    from services.chat_file.kernel.languages import chat_catalogue

    with pytest.raises(CodedError) as caught:
        parse_limit("500", 10)
    assert caught.value.message == "limit doit être un entier entre 1 et 100"
    assert chat_catalogue().error_message(caught.value, "en") == (
        "limit must be an integer from 1 to 100"
    )
    assert chat_catalogue().error_message(caught.value, "fr") == caught.value.message
