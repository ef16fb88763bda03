"""GET /org/units: the organisation tree the directory describes (ministère > direction >
service), with active agents per unit. For users and services, like the other directory reads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from libs.servicekit.openapi import documented

from ...domain.org import OrgUnit
from .callers import caller_required
from .context import services
from .responses import OrgUnitsResponse
from .user_routes import READ_ERRORS

bp = Blueprint("org", __name__)


@bp.get("/org/units")
@documented(
    "The organisation: ministères, their directions and services (as the directory names them),"
    " each with its number of active agents; pass a unit's names to GET /all to list its agents",
    response=OrgUnitsResponse,
    errors=READ_ERRORS,
    tags=["users"],
)
@caller_required
def org_units() -> Response:
    root = services().users.org_units()
    return jsonify(units=[_ministere(m) for m in _sorted(root)], agents=root.agents)


def _ministere(unit: OrgUnit) -> dict[str, Any]:
    return {**_unit(unit), "directions": [_direction(d) for d in _sorted(unit)]}


def _direction(unit: OrgUnit) -> dict[str, Any]:
    return {**_unit(unit), "services": [_unit(s) for s in _sorted(unit)]}


def _unit(unit: OrgUnit) -> dict[str, Any]:
    return {"name": unit.name, "agents": unit.agents}


def _sorted(unit: OrgUnit) -> list[OrgUnit]:
    return [unit.children[key] for key in sorted(unit.children)]
