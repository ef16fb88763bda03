"""What a directory import will do: the agents to create, the accounts to change, and the report.

`collect` reads every source row once into records and row errors (duplicated matricules are an
error on each of their lines). `plan` compares the records with the accounts the store holds:
a new matricule is created (without a password: the agent activates their account with a
one-time code), an account whose fields differ is updated (`active` turning deactivates or
reactivates it), the rest is unchanged. In `full` mode the directory-managed active accounts the
source no longer lists are deactivated too. `refusal` says which safety rule stops the import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from .directory_files import SourceRow
from .directory_records import DUPLICATE_MATRICULE, REQUIRED, AgentRecord, RowError, read_record
from .model import NewUser, Role, User

MAX_REPORTED_ERRORS = 1000
TOO_MANY_ERRORS = "TOO_MANY_ERRORS"
TOO_MANY_DEACTIVATIONS = "TOO_MANY_DEACTIVATIONS"
REFUSALS = {
    TOO_MANY_ERRORS: "Trop de lignes en erreur pour un import complet : rien n'a été appliqué",
    TOO_MANY_DEACTIVATIONS: (
        "L'import désactiverait trop de comptes : rien n'a été appliqué (force=true pour passer)"
    ),
}


class ImportMode(StrEnum):
    MERGE = "merge"  # create and update
    FULL = "full"  # also deactivate the managed agents the source no longer lists


class ChangeKind(StrEnum):
    UPDATED = "updated"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"


@dataclass(frozen=True)
class ImportLimits:
    max_deactivate_ratio: float = 0.05  # of the active accounts
    max_error_ratio: float = 0.01  # of the source rows, in full mode


@dataclass
class Collected:
    """The source read once: valid records by matricule, row errors, every matricule named."""

    records: dict[str, AgentRecord] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # on any line, valid or not
    rows: int = 0


@dataclass(frozen=True)
class AgentChange:
    before: User
    values: Mapping[str, Any]  # the columns to write (with `managed` and, if it changes, active)
    kind: ChangeKind

    @property
    def after(self) -> User:
        return replace(self.before, **self.values)

    @property
    def role_changed(self) -> bool:
        return self.values.get("role", self.before.role) is not self.before.role


@dataclass
class ImportPlan:
    mode: ImportMode
    rows: int
    creates: list[NewUser] = field(default_factory=list)
    changes: list[AgentChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        kinds = Counter(change.kind for change in self.changes)
        return {
            "created": len(self.creates),
            "updated": kinds[ChangeKind.UPDATED],
            "deactivated": kinds[ChangeKind.DEACTIVATED],
            "reactivated": kinds[ChangeKind.REACTIVATED],
            "unchanged": self.unchanged,
        }

    def refusal(self, limits: ImportLimits, active_accounts: int, force: bool) -> str | None:
        """The safety rule this plan breaks, if any (then nothing is applied)."""
        if self.mode is ImportMode.FULL and len(self.errors) > limits.max_error_ratio * self.rows:
            return TOO_MANY_ERRORS
        deactivated = self.counts()["deactivated"]
        if not force and deactivated > limits.max_deactivate_ratio * active_accounts:
            return TOO_MANY_DEACTIVATIONS
        return None

    def report(self, refused: str | None = None) -> dict[str, Any]:
        """The job's result: `{created, updated, deactivated, reactivated, unchanged, errors,
        errorCount, rows, refused}` (errors listed up to MAX_REPORTED_ERRORS, in line order)."""
        listed = sorted(self.errors, key=lambda e: (e.line, e.field))[:MAX_REPORTED_ERRORS]
        return {
            **self.counts(),
            "errors": [{"line": e.line, "field": e.field, "code": e.code} for e in listed],
            "errorCount": len(self.errors),
            "rows": self.rows,
            "refused": refused,
        }


def collect(rows: Iterable[SourceRow]) -> Collected:
    found = Collected()
    lines: dict[str, list[AgentRecord]] = {}
    for line, row in rows:
        found.rows += 1
        if isinstance(row, RowError):
            found.errors.append(row)
            continue
        named = _named(row)
        if named:
            found.named.add(named)
        record = read_record(line, row)
        if isinstance(record, list):
            found.errors.extend(record)
        else:
            lines.setdefault(record.matricule, []).append(record)
    for matricule, records in lines.items():
        if len(records) == 1:
            found.records[matricule] = records[0]
        else:
            found.errors.extend(RowError(r.line, "matricule", DUPLICATE_MATRICULE) for r in records)
    return found


def plan(
    collected: Collected,
    existing: Mapping[str, User],
    mode: ImportMode,
    missing: Iterable[User] = (),
) -> ImportPlan:
    """`existing`: the accounts of the records' matricules. `missing` (full mode): the managed
    active accounts to deactivate unless the source names them (even on a line in error)."""
    result = ImportPlan(mode, collected.rows, errors=list(collected.errors))
    for matricule, record in collected.records.items():
        user = existing.get(matricule)
        if user is None:
            _create(result, record)
        else:
            _compare(result, user, record)
    if mode is ImportMode.FULL:
        for user in missing:
            if user.active and user.matricule not in collected.named:
                result.changes.append(AgentChange(user, {"active": False}, ChangeKind.DEACTIVATED))
    return result


def _create(result: ImportPlan, record: AgentRecord) -> None:
    values = dict(record.values)
    if not values.get("nom"):
        result.errors.append(RowError(record.line, "nom", REQUIRED))
        return
    values["role"] = values.get("role") or Role.USER
    new = NewUser(record.matricule, password_hash="", managed=True, **_defaults(values))
    result.creates.append(new)


def _defaults(values: dict[str, Any]) -> dict[str, Any]:
    return {"nom": "", "prenom": "", **values}


def _compare(result: ImportPlan, user: User, record: AgentRecord) -> None:
    wanted = {k: v for k, v in record.values.items() if not (k == "role" and v is None)}
    changed = {k: v for k, v in wanted.items() if getattr(user, k) != v}
    if not user.managed:
        changed["managed"] = True
    if not changed:
        result.unchanged += 1
        return
    kind = ChangeKind.UPDATED
    if "active" in changed:
        kind = ChangeKind.REACTIVATED if changed["active"] else ChangeKind.DEACTIVATED
    result.changes.append(AgentChange(user, {**wanted, "managed": True}, kind))


def _named(row: Mapping[str, Any]) -> str:
    """The matricule a row names, however malformed the rest of it is."""
    for key, value in row.items():
        if str(key).strip().lower() == "matricule" and isinstance(value, str | int):
            return str(value).strip()
    return ""
