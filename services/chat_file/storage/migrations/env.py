"""alembic environment of chat_file (version table `alembic_version_chat_file`)."""

from alembic import context

from libs.servicekit.sql import run_alembic_env
from services.chat_file.storage.schema import metadata

run_alembic_env(context, metadata)
