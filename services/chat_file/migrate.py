"""`python -m services.chat_file.migrate`: bring the chat_file schema of `DATABASE_URL` up to
date (alembic `upgrade head`) and exit. The service also does it at start; this is for
deployments that migrate before rolling processes out."""

from __future__ import annotations

import logging

from libs.servicekit.sql import backend_of
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import migrate_chat_database


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    if backend_of(settings.database_url) not in {"sqlite", "postgresql"}:
        print("MongoDB needs no migration: indexes are ensured at start")
        return 0
    migrate_chat_database(settings.database_url)
    print(f"chat_file schema up to date ({settings.backend})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
