"""The organisation through HTTP: agents' org fields, GET /all filtered by unit, GET /org/units."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.service_auth import service_get

from .conftest import Login, bearer

AGENTS = [
    ("ORG001", "Ngono", "Ministère des Finances", "Direction Générale du Budget", "Solde"),
    ("ORG002", "Fotso", "MINISTERE DES FINANCES", "direction generale du budget", "Paie"),
    ("ORG003", "Mbarga", "Ministère des Finances", "Direction des Impôts", "Contentieux"),
    ("ORG004", "Éyébé", "Ministère de la Santé Publique", "Direction des Hôpitaux", ""),
]


@pytest.fixture
def admin_headers(login: Login) -> dict[str, str]:
    return bearer(login("ADMIN001")["accessToken"])


@pytest.fixture
def agents(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, str]:
    ids = {}
    for matricule, nom, ministere, direction, service in AGENTS:
        body = {
            "matricule": matricule,
            "nom": nom,
            "prenom": "Agent",
            "password": "secret-123",
            "ministere": ministere,
            "direction": direction,
            "service": service,
            "poste": "Chef de bureau",
            "phone": "+237 699 00 00 00",
        }
        created = client.post("/", json=body, headers=admin_headers)
        assert created.status_code == 201, created.get_json()
        ids[matricule] = created.get_json()["id"]
    return ids


def listed(client: FlaskClient, headers: dict[str, str], query: str) -> list[str]:
    response = client.get(f"/all?limit=100&{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(u["matricule"] for u in response.get_json()["users"])


def test_all_filters_by_unit_accents_and_case_aside(
    client: FlaskClient, admin_headers: dict[str, str], agents: dict[str, str]
) -> None:
    finances = "ministere=minist%C3%A8re%20des%20finances"
    assert listed(client, admin_headers, finances) == ["ORG001", "ORG002", "ORG003"]
    budget = f"{finances}&direction=DIRECTION%20G%C3%89N%C3%89RALE%20DU%20BUDGET"
    assert listed(client, admin_headers, budget) == ["ORG001", "ORG002"]
    assert listed(client, admin_headers, f"{budget}&service=solde") == ["ORG001"]
    assert listed(client, admin_headers, f"{finances}&q=fot") == ["ORG002"]
    assert listed(client, admin_headers, "q=eyebe") == ["ORG004"]
    assert listed(client, admin_headers, "ministere=inconnu") == []


def test_org_fields_are_in_the_user_shape_and_phone_is_private(
    client: FlaskClient, login: Login, admin_headers: dict[str, str], agents: dict[str, str]
) -> None:
    as_admin = client.get(f"/{agents['ORG001']}", headers=admin_headers).get_json()
    assert as_admin["direction"] == "Direction Générale du Budget"
    assert (as_admin["service"], as_admin["poste"]) == ("Solde", "Chef de bureau")
    assert (as_admin["phone"], as_admin["locale"], as_admin["activated"]) == (
        "+237 699 00 00 00",
        "fr",
        True,
    )
    as_member = client.get(
        f"/{agents['ORG001']}", headers=bearer(login("MAT1001")["accessToken"])
    ).get_json()
    assert as_member["direction"] == "Direction Générale du Budget"
    assert (as_member["phone"], as_member["locale"], as_member["managed"]) == (None, None, None)


def test_org_units_is_the_tree_with_active_agents_per_unit(
    client: FlaskClient, admin_headers: dict[str, str], agents: dict[str, str]
) -> None:
    client.post(f"/{agents['ORG003']}/deactivate", headers=admin_headers)
    tree = service_get(client, "/org/units").get_json()
    by_name = {m["name"].casefold(): m for m in tree["units"]}
    finances = next(m for k, m in by_name.items() if "finances" in k)
    assert finances["agents"] == 2  # ORG003 is deactivated
    assert [(d["agents"], [s["name"] for s in d["services"]]) for d in finances["directions"]] == [
        (2, ["Paie", "Solde"])
    ]
    sante = by_name["ministère de la santé publique"]
    assert sante["directions"][0]["services"] == [{"name": "", "agents": 1}]
    assert tree["agents"] == sum(m["agents"] for m in tree["units"])


def test_org_units_needs_a_caller(client: FlaskClient) -> None:
    response = client.get("/org/units")
    assert (response.status_code, response.get_json()["code"]) == (401, "MISSING_TOKEN")


@pytest.mark.parametrize(
    "field,value",
    [
        ("phone", "call me"),
        ("phone", "1" * 40),
        ("locale", "de"),
        ("direction", "x" * 201),
        ("poste", 12),
    ],
)
def test_bad_org_fields_are_validation_errors(
    client: FlaskClient, admin_headers: dict[str, str], field: str, value: Any
) -> None:
    user = client.get("/MAT1001", headers=admin_headers).get_json()
    response = client.put(f"/{user['id']}", json={field: value}, headers=admin_headers)
    assert response.status_code == 400
    assert (response.get_json()["code"], list(response.get_json()["errors"])) == (
        "VALIDATION_ERROR",
        [field],
    )


def test_bad_filters_are_validation_errors(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    response = client.get("/all?direction=" + "x" * 201, headers=admin_headers)
    assert (response.status_code, response.get_json()["code"]) == (400, "VALIDATION_ERROR")
