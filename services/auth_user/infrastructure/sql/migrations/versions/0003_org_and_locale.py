"""The organisation on users (direction, service, poste, phone, folded keys under one index),
the user's locale, and `managed` (kept in step by the directory sync)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.auth_user.domain.org import fold

revision = "0003"
down_revision = "0002"

COLUMNS = (
    ("direction", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("service", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("poste", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("phone", "VARCHAR(32)"),
    ("locale", "VARCHAR(8) NOT NULL DEFAULT 'fr'"),
    ("managed", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("ministere_key", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("direction_key", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("service_key", "VARCHAR(200) NOT NULL DEFAULT ''"),
)


def upgrade() -> None:
    # Plain ADD COLUMN on both (SQLite: alembic's batch copy would drop the FTS5 triggers).
    for name, ddl in COLUMNS:
        op.execute(f"ALTER TABLE users ADD COLUMN {name} {ddl}")
    _fold_existing_ministeres()
    op.create_index(
        "users_by_org",
        "users",
        ["ministere_key", "direction_key", "service_key", "nom", "prenom", "id"],
    )


def _fold_existing_ministeres() -> None:
    """The folding is Python's (`fold`), so existing rows get their keys here, in batches."""
    bind = op.get_bind()
    users = sa.table("users", sa.column("num"), sa.column("ministere"), sa.column("ministere_key"))
    rows = bind.execute(sa.select(users.c.num, users.c.ministere).where(users.c.ministere != ""))
    keyed = [{"n": num, "k": fold(ministere)} for num, ministere in rows]
    update = (
        users.update()
        .where(users.c.num == sa.bindparam("n"))
        .values(ministere_key=sa.bindparam("k"))
    )
    for start in range(0, len(keyed), 1000):
        bind.execute(update, keyed[start : start + 1000])


def downgrade() -> None:
    op.drop_index("users_by_org", "users")
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE users DROP COLUMN {name}")
