"""alembic environment of auth_user (version table `alembic_version_auth_user`)."""

from alembic import context

from libs.servicekit.sql import run_alembic_env
from services.auth_user.infrastructure.sql.tables import metadata

run_alembic_env(context, metadata)
