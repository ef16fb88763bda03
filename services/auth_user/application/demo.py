"""The demo accounts of CONTRIBUTING.md (`SEED_DEMO_USERS=true`, `cli seed-demo`)."""

from __future__ import annotations

from typing import Any

from .users import UserDirectory

DEMO_PASSWORD = "Ngomna2026!"

DEMO_USERS: tuple[dict[str, Any], ...] = (
    {"matricule": "ADMIN001", "prenom": "Admin", "nom": "Ngomna", "role": "admin"},
    {"matricule": "MAT1001", "prenom": "Jean", "nom": "Dupont", "role": "user"},
    {"matricule": "MAT1002", "prenom": "Marie", "nom": "Ngono", "role": "user"},
    {"matricule": "MAT1003", "prenom": "Paul", "nom": "Fotso", "role": "user"},
    {"matricule": "MAT1004", "prenom": "Alice", "nom": "Mbarga", "role": "user"},
)


def seed_demo_users(directory: UserDirectory) -> list[str]:
    """Create the missing demo users; returns the matricules created (idempotent)."""
    created = []
    for fields in DEMO_USERS:
        user = directory.ensure({**fields, "password": DEMO_PASSWORD, "ministere": "MINFI"})
        if user is not None:
            created.append(user.matricule)
    return created
