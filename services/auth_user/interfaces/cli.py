"""Admin commands, run by `python -m services.auth_user.cli` (the entry point beside the
composition root builds the services and hands them to `main`):

    python -m services.auth_user.cli create-admin --matricule X --nom N --prenom P
    python -m services.auth_user.cli seed-demo

They act on the database `DATABASE_URL` names (the SQLite file under var/ when unset);
`SEED_DEMO_USERS=true` seeds the demo users inside the running service instead.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Mapping, Sequence

from libs.servicekit.errors import CodedError
from libs.servicekit.http import load

from ..application.bundle import Services
from ..application.demo import seed_demo_users
from .http.schemas import CreateUserSchema


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auth_user")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an admin user")
    admin.add_argument("--matricule", required=True)
    admin.add_argument("--nom", required=True)
    admin.add_argument("--prenom", required=True)
    admin.add_argument("--password", help="prompted for when omitted (recommended)")
    commands.add_parser("seed-demo", help="create the demo users (idempotent)")
    return parser


def create_admin(services: Services, args: argparse.Namespace) -> str:
    password = args.password or getpass.getpass("Mot de passe : ")
    fields = {"matricule": args.matricule, "nom": args.nom, "prenom": args.prenom}
    valid = load(CreateUserSchema(), {**fields, "password": password, "role": "admin"})
    user = services.users.ensure(valid)
    if user is None:
        raise CodedError(
            "Le matricule %(matricule)s existe déjà",
            code="MATRICULE_TAKEN",
            params={"matricule": args.matricule},
        )
    return f"admin {user.matricule} created with id {user.id}"


def seed_demo(services: Services, _args: argparse.Namespace) -> str:
    created = seed_demo_users(services.users)
    return f"demo users created: {', '.join(created)}" if created else "demo users already present"


COMMANDS: Mapping[str, Callable[[Services, argparse.Namespace], str]] = {
    "create-admin": create_admin,
    "seed-demo": seed_demo,
}


def main(argv: Sequence[str] | None, services: Services) -> int:
    args = _parser().parse_args(argv)
    try:
        print(COMMANDS[args.command](services, args))
    except CodedError as exc:
        print(f"error: {exc.message} {exc.details.get('errors', '')}".strip(), file=sys.stderr)
        return 1
    return 0
