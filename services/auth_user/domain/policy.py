"""Who may do what to user accounts: one check per kind of action."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import ForbiddenError
from .model import ADMIN_ONLY_FIELDS, User


def check_can_manage_users(actor: User) -> None:
    """Creating and deleting accounts is for admins."""
    if not actor.is_admin:
        raise ForbiddenError()


def check_can_edit(actor: User, target: str, fields: Iterable[str]) -> None:
    """Admins edit anyone; a user edits only their own profile fields (not the role, the
    password or the names: HR data from the directory)."""
    if actor.is_admin:
        return
    if target not in (actor.id, actor.matricule):
        raise ForbiddenError()
    if ADMIN_ONLY_FIELDS.intersection(fields):
        raise ForbiddenError(
            "Seul un administrateur peut changer le rôle, le mot de passe, le nom ou le prénom"
        )
