"""One agent of a directory source (a file line or a SQL row), checked field by field.

A source row is a mapping of column names to raw values (strings from CSV, JSON values from
JSONL, database values from SQL). `read_record` turns it into an `AgentRecord` holding only
the columns the source has, normalised, or into the `RowError`s of that line. A column the
source lacks is left as the account has it; a present empty column clears the field (or, for
`role`, keeps the current role; for `active`, means active).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import (
    MAX_MATRICULE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_ORG_LENGTH,
    MAX_PHONE_LENGTH,
    Role,
)

# The columns a source may have (other columns are ignored), in the order exports list them.
COLUMNS = (
    "matricule",
    "nom",
    "prenom",
    "sexe",
    "ministere",
    "direction",
    "service",
    "poste",
    "phone",
    "email",
    "role",
    "active",
)

# Row error codes (the report's `code`; the import itself goes on with the other lines)
REQUIRED = "REQUIRED"
TOO_LONG = "TOO_LONG"
INVALID_FORMAT = "INVALID_FORMAT"
INVALID_VALUE = "INVALID_VALUE"
DUPLICATE_MATRICULE = "DUPLICATE_MATRICULE"
MALFORMED_LINE = "MALFORMED_LINE"  # field "": the line itself (column count, not an object)

MATRICULE = re.compile(r"^[A-Za-z0-9._-]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254
MAX_SEXE_LENGTH = 16
TRUE = frozenset({"1", "true", "oui", "yes", "o", "y", "actif", "active"})
FALSE = frozenset({"0", "false", "non", "no", "n", "inactif", "inactive"})
LIMITS = {
    "nom": MAX_NAME_LENGTH,
    "prenom": MAX_NAME_LENGTH,
    "sexe": MAX_SEXE_LENGTH,
    "ministere": MAX_ORG_LENGTH,
    "direction": MAX_ORG_LENGTH,
    "service": MAX_ORG_LENGTH,
    "poste": MAX_ORG_LENGTH,
}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # file line (CSV: the record's first line, header = 1) or SQL row number
    field: str  # the column, or "" for the line as a whole
    code: str


@dataclass(frozen=True, slots=True)
class AgentRecord:
    line: int
    matricule: str
    values: Mapping[str, Any]  # present columns but matricule: str, str | None, Role | None, bool


def read_record(line: int, raw: Mapping[str, Any]) -> AgentRecord | list[RowError]:
    """The agent of one source row, or every error found on it."""
    row = {str(k).strip().lower(): v for k, v in raw.items()}
    errors: list[RowError] = []
    matricule = _matricule(line, row.get("matricule"), errors)
    values: dict[str, Any] = {}
    for column in COLUMNS[1:]:
        if column in row:
            value = _READERS[column](row[column])
            if isinstance(value, _Refused):
                errors.append(RowError(line, column, value.code))
            else:
                values[column] = value
    if errors or matricule is None:
        return errors
    return AgentRecord(line, matricule, values)


class _Refused:
    def __init__(self, code: str) -> None:
        self.code = code


def _matricule(line: int, raw: Any, errors: list[RowError]) -> str | None:
    text = _text(raw)
    if isinstance(text, _Refused) or not text:
        errors.append(RowError(line, "matricule", REQUIRED if not text else text.code))
        return None
    if len(text) > MAX_MATRICULE_LENGTH:
        errors.append(RowError(line, "matricule", TOO_LONG))
        return None
    if not MATRICULE.match(text):
        errors.append(RowError(line, "matricule", INVALID_FORMAT))
        return None
    return text


def _text(raw: Any) -> str | _Refused:
    """A cell as stripped text: strings, and integers (a matricule or phone typed as a number)."""
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return _Refused(INVALID_FORMAT)
    text = str(raw).strip()
    return _Refused(INVALID_FORMAT) if "\x00" in text else text


def _bounded(column: str, required: bool = False) -> Any:
    def read(raw: Any) -> str | _Refused:
        text = _text(raw)
        if isinstance(text, _Refused):
            return text
        if required and not text:
            return _Refused(REQUIRED)
        return _Refused(TOO_LONG) if len(text) > LIMITS[column] else text

    return read


def _phone(raw: Any) -> str | _Refused | None:
    text = _text(raw)
    if isinstance(text, _Refused) or not text:
        return text or None
    if len(text) > MAX_PHONE_LENGTH:
        return _Refused(TOO_LONG)
    return text if PHONE.match(text) and len(text) >= 3 else _Refused(INVALID_FORMAT)


def _email(raw: Any) -> str | _Refused | None:
    text = _text(raw)
    if isinstance(text, _Refused) or not text:
        return text or None
    if len(text) > MAX_EMAIL_LENGTH:
        return _Refused(TOO_LONG)
    return text if EMAIL.match(text) else _Refused(INVALID_FORMAT)


def _role(raw: Any) -> Role | _Refused | None:
    text = _text(raw)
    if isinstance(text, _Refused) or not text:
        return text or None
    try:
        return Role(text.lower())
    except ValueError:
        return _Refused(INVALID_VALUE)


def _active(raw: Any) -> bool | _Refused:
    if isinstance(raw, bool):
        return raw
    text = _text(raw)
    if isinstance(text, _Refused):
        return text
    word = text.lower()
    if not word or word in TRUE:
        return True
    return False if word in FALSE else _Refused(INVALID_VALUE)


_READERS: dict[str, Any] = {
    "nom": _bounded("nom", required=True),
    "prenom": _bounded("prenom"),
    "sexe": _bounded("sexe"),
    "ministere": _bounded("ministere"),
    "direction": _bounded("direction"),
    "service": _bounded("service"),
    "poste": _bounded("poste"),
    "phone": _phone,
    "email": _email,
    "role": _role,
    "active": _active,
}
