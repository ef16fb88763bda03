"""auth_user schema: users and the directory search index."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("id", sa.String(24), nullable=False, unique=True),
        sa.Column("matricule", sa.String(64), nullable=False, unique=True),
        sa.Column("nom", sa.String(100), nullable=False, server_default=""),
        sa.Column("prenom", sa.String(100), nullable=False, server_default=""),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("profile_pic", sa.String(2048)),
        sa.Column("ministere", sa.String(200), nullable=False, server_default=""),
        sa.Column("sexe", sa.String(16), nullable=False, server_default=""),
        sa.Column("created_at", TIME),
        sa.Column("updated_at", TIME),
    )
    op.create_index("users_by_name", "users", ["nom", "prenom", "id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgres_search()
    else:
        _sqlite_search()


def _postgres_search() -> None:
    """Word prefixes of nom, prenom, matricule without accents or case: configuration
    `ngomna_simple` (simple + unaccent), a generated tsvector, a GIN index."""
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ngomna_simple') THEN
            CREATE TEXT SEARCH CONFIGURATION ngomna_simple (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION ngomna_simple
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
          END IF;
        END $$
        """
    )
    op.execute(
        "ALTER TABLE users ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('ngomna_simple'::regconfig, "
        "nom || ' ' || prenom || ' ' || matricule)) STORED"
    )
    op.execute("CREATE INDEX users_search ON users USING gin (search_vector)")


def _sqlite_search() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE users_fts USING fts5(nom, prenom, matricule, content='users', "
        "content_rowid='num', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN "
        "INSERT INTO users_fts(rowid, nom, prenom, matricule) "
        "VALUES (new.num, new.nom, new.prenom, new.matricule); END"
    )
    op.execute(
        "CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN "
        "INSERT INTO users_fts(users_fts, rowid, nom, prenom, matricule) "
        "VALUES ('delete', old.num, old.nom, old.prenom, old.matricule); END"
    )
    op.execute(
        "CREATE TRIGGER users_fts_update AFTER UPDATE OF nom, prenom, matricule ON users BEGIN "
        "INSERT INTO users_fts(users_fts, rowid, nom, prenom, matricule) "
        "VALUES ('delete', old.num, old.nom, old.prenom, old.matricule); "
        "INSERT INTO users_fts(rowid, nom, prenom, matricule) "
        "VALUES (new.num, new.nom, new.prenom, new.matricule); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS users_fts")
    op.drop_table("users")
