"""Planning a directory import: what is created, updated, deactivated, reactivated, unchanged,
which lines are in error, and when the safety rules refuse the whole import."""

from __future__ import annotations

from typing import Any

from services.auth_user.domain.directory_plan import (
    TOO_MANY_DEACTIVATIONS,
    TOO_MANY_ERRORS,
    ChangeKind,
    ImportLimits,
    ImportMode,
    collect,
    plan,
)
from services.auth_user.domain.directory_records import RowError
from services.auth_user.domain.model import Role, User


def source(*rows: dict[str, Any] | RowError) -> list[Any]:
    return [(n, row) for n, row in enumerate(rows, start=2)]


def user(matricule: str, **fields: Any) -> User:
    values = {"nom": "Ngono", "prenom": "Marie", "managed": True, **fields}
    return User(
        id=f"{abs(hash(matricule)):024x}"[:24], matricule=matricule, password_hash="h", **values
    )


ROW = {"nom": "Ngono", "prenom": "Marie"}


def test_new_agents_are_created_without_password_and_managed() -> None:
    row = {"matricule": "N1", "nom": "Fotso", "ministere": "MINFI", "role": "", "active": "1"}
    result = plan(collect(source(row)), {}, ImportMode.MERGE)
    assert result.counts() == {
        "created": 1,
        "updated": 0,
        "deactivated": 0,
        "reactivated": 0,
        "unchanged": 0,
    }
    [new] = result.creates
    assert (new.matricule, new.nom, new.prenom, new.ministere) == ("N1", "Fotso", "", "MINFI")
    assert (new.password_hash, new.role, new.managed, new.active) == ("", Role.USER, True, True)


def test_a_new_agent_needs_a_nom() -> None:
    result = plan(collect(source({"matricule": "N1", "prenom": "Sans"})), {}, ImportMode.MERGE)
    assert (result.creates, result.errors) == ([], [RowError(2, "nom", "REQUIRED")])


def test_an_identical_agent_is_unchanged_and_a_different_one_updated() -> None:
    same = user("S1", ministere="MINFI")
    moved = user("S2", ministere="MINFI")
    rows = source(
        {"matricule": "S1", **ROW, "ministere": "MINFI"},
        {"matricule": "S2", **ROW, "ministere": "MINSANTE", "direction": "Hôpitaux"},
    )
    result = plan(collect(rows), {"S1": same, "S2": moved}, ImportMode.MERGE)
    assert (result.counts()["unchanged"], result.counts()["updated"]) == (1, 1)
    [change] = result.changes
    assert (change.kind, change.after.ministere, change.after.direction) == (
        ChangeKind.UPDATED,
        "MINSANTE",
        "Hôpitaux",
    )


def test_columns_the_source_lacks_are_left_as_they_are() -> None:
    existing = user("K1", email="marie@minfi.cm", role=Role.ADMIN, phone="699")
    result = plan(
        collect(source({"matricule": "K1", "nom": "Ngono"})), {"K1": existing}, ImportMode.MERGE
    )
    assert result.unchanged == 1 and not result.changes
    blank_role = {"matricule": "K1", "nom": "Ngono", "role": "", "email": ""}
    [change] = plan(collect(source(blank_role)), {"K1": existing}, ImportMode.MERGE).changes
    assert (change.after.role, change.after.email) == (Role.ADMIN, None)  # empty role: kept


def test_an_account_made_by_hand_becomes_managed_when_the_directory_lists_it() -> None:
    by_hand = user("H1", managed=False)
    [change] = plan(
        collect(source({"matricule": "H1", **ROW})), {"H1": by_hand}, ImportMode.MERGE
    ).changes
    assert (change.kind, change.after.managed) == (ChangeKind.UPDATED, True)


def test_the_active_column_deactivates_and_reactivates() -> None:
    on, off = user("A1"), user("A2", active=False)
    rows = source({"matricule": "A1", "active": "0"}, {"matricule": "A2", "active": "oui"})
    result = plan(collect(rows), {"A1": on, "A2": off}, ImportMode.MERGE)
    assert {c.before.matricule: c.kind for c in result.changes} == {
        "A1": ChangeKind.DEACTIVATED,
        "A2": ChangeKind.REACTIVATED,
    }


def test_a_role_change_is_flagged() -> None:
    rows = source({"matricule": "R1", "role": "compliance"}, {"matricule": "R2", "nom": "X"})
    result = plan(collect(rows), {"R1": user("R1"), "R2": user("R2")}, ImportMode.MERGE)
    assert {c.before.matricule: c.role_changed for c in result.changes} == {
        "R1": True,
        "R2": False,
    }


def test_full_mode_deactivates_the_managed_agents_the_source_no_longer_lists() -> None:
    kept, gone, named_in_error = user("F1"), user("F2"), user("F3")
    rows = source({"matricule": "F1", **ROW}, {"matricule": "F3", "role": "root"})
    collected = collect(rows)
    missing = [kept, gone, named_in_error, user("F4", active=False)]
    merged = plan(collected, {"F1": kept}, ImportMode.MERGE, missing)
    assert merged.counts()["deactivated"] == 0
    full = plan(collected, {"F1": kept}, ImportMode.FULL, missing)
    assert [(c.before.matricule, c.kind) for c in full.changes] == [("F2", ChangeKind.DEACTIVATED)]
    assert full.errors == [RowError(3, "role", "INVALID_VALUE")]


def test_duplicated_matricules_are_an_error_on_each_of_their_lines() -> None:
    rows = source(
        {"matricule": "D1", **ROW}, {"matricule": "D2", **ROW}, {"matricule": "D1", **ROW}
    )
    result = plan(collect(rows), {}, ImportMode.MERGE)
    assert [c.matricule for c in result.creates] == ["D2"]
    assert result.errors == [
        RowError(2, "matricule", "DUPLICATE_MATRICULE"),
        RowError(4, "matricule", "DUPLICATE_MATRICULE"),
    ]


def test_the_report_lists_errors_in_line_order_with_the_counts() -> None:
    rows = source(RowError(2, "", "MALFORMED_LINE"), {"matricule": ""}, {"matricule": "P1", **ROW})
    report = plan(collect(rows), {}, ImportMode.MERGE).report()
    assert report == {
        "created": 1,
        "updated": 0,
        "deactivated": 0,
        "reactivated": 0,
        "unchanged": 0,
        "errors": [
            {"line": 2, "field": "", "code": "MALFORMED_LINE"},
            {"line": 3, "field": "matricule", "code": "REQUIRED"},
        ],
        "errorCount": 2,
        "rows": 3,
        "refused": None,
    }


def test_too_many_deactivations_are_refused_unless_forced() -> None:
    agents = [user(f"G{n}") for n in range(100)]
    rows = source(*({"matricule": a.matricule, **ROW} for a in agents[:94]))
    result = plan(collect(rows), {a.matricule: a for a in agents}, ImportMode.FULL, agents)
    assert result.counts()["deactivated"] == 6
    limits = ImportLimits(max_deactivate_ratio=0.05)
    assert result.refusal(limits, active_accounts=100, force=False) == TOO_MANY_DEACTIVATIONS
    assert result.refusal(limits, active_accounts=100, force=True) is None
    assert result.refusal(limits, active_accounts=200, force=False) is None


def test_a_full_import_with_too_many_bad_lines_is_refused_a_merge_is_not() -> None:
    rows = source(*({"matricule": f"E{n}", **ROW} for n in range(98)), {"matricule": "?"}, {})
    limits = ImportLimits(max_error_ratio=0.01)
    for mode, refused in ((ImportMode.FULL, TOO_MANY_ERRORS), (ImportMode.MERGE, None)):
        assert plan(collect(rows), {}, mode).refusal(limits, 1000, force=True) == refused
