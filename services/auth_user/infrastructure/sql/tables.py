"""The auth_user schema (SQLAlchemy Core); alembic revisions in `migrations/` create it.

Ids are 24-hex strings (what clients and chat_file already hold). The directory search index
lives beside `users`, per dialect (see the migration and `users.py`)."""

from __future__ import annotations

import sqlalchemy as sa

from libs.servicekit.sql import UtcDateTime

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    # `num`: the stable integer key SQLite's FTS5 index points at.
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
    sa.Column("created_at", UtcDateTime()),
    sa.Column("updated_at", UtcDateTime()),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("direction", sa.String(200), nullable=False, server_default=""),
    sa.Column("service", sa.String(200), nullable=False, server_default=""),
    sa.Column("poste", sa.String(200), nullable=False, server_default=""),
    sa.Column("phone", sa.String(32)),
    sa.Column("locale", sa.String(8), nullable=False, server_default="fr"),
    sa.Column("managed", sa.Boolean(), nullable=False, server_default=sa.false()),
    # folded (accents, case, spaces aside: `domain.org.fold`) copies the org filters compare
    sa.Column("ministere_key", sa.String(200), nullable=False, server_default=""),
    sa.Column("direction_key", sa.String(200), nullable=False, server_default=""),
    sa.Column("service_key", sa.String(200), nullable=False, server_default=""),
    sa.Index("users_by_name", "nom", "prenom", "id"),
    sa.Index(
        "users_by_org", "ministere_key", "direction_key", "service_key", "nom", "prenom", "id"
    ),
)

# Security events (logins, logouts, revocations, account changes), newest = highest `num`.
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("user_id", sa.String(24)),
    sa.Column("actor_id", sa.String(24)),
    sa.Column("ip", sa.String(64), nullable=False, server_default=""),
    sa.Column("detail", sa.String(500), nullable=False, server_default=""),
    sa.Index("audit_events_by_user", "user_id", "num"),
    sa.Index("audit_events_by_kind", "kind", "num"),
)

# Directory imports (jobs). `slot` is "directory" while a job runs, NULL once it ended: the
# unique constraint lets one import run at a time across every process.
directory_imports = sa.Table(
    "directory_imports",
    metadata,
    sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("id", sa.String(24), nullable=False, unique=True),
    sa.Column("actor_id", sa.String(24)),
    sa.Column("mode", sa.String(8), nullable=False),
    sa.Column("dry_run", sa.Boolean(), nullable=False),
    sa.Column("force", sa.Boolean(), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("slot", sa.String(16), unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime()),
    sa.Column("result", sa.JSON()),
    sa.Column("error_code", sa.String(40)),
    sa.Column("error_message", sa.String(500)),
)

# Agents a directory import created, until they activate their account: the hash of their
# one-time code (NULL until an admin exports the import's codes) and when it expires.
activation_codes = sa.Table(
    "activation_codes",
    metadata,
    sa.Column("user_id", sa.String(24), primary_key=True),
    sa.Column("import_id", sa.String(24)),
    sa.Column("code_hash", sa.String(64)),
    sa.Column("expires_at", UtcDateTime()),
    sa.Column("issued_at", UtcDateTime()),
    sa.Index("activation_codes_by_import", "import_id"),
)

# Second factor: a TOTP secret per user (sealed with MFA_ENCRYPTION_KEY), and the hashes of
# their unused recovery codes.
mfa_credentials = sa.Table(
    "mfa_credentials",
    metadata,
    sa.Column("user_id", sa.String(24), primary_key=True),
    sa.Column("secret", sa.String(255), nullable=False),
    sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("last_step", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("created_at", UtcDateTime()),
)

mfa_recovery_codes = sa.Table(
    "mfa_recovery_codes",
    metadata,
    sa.Column("user_id", sa.String(24), primary_key=True),
    sa.Column("code_hash", sa.String(64), primary_key=True),
)
