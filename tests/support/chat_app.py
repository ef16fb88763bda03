"""chat_file built in process by a test: the settings every such app shares."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from libs.servicekit.settings import DEV_JWT_SECRET
from services.chat_file.kernel.limits import no_user_limits
from services.chat_file.settings import Settings


def chat_settings(files_dir: Path, **changes: Any) -> Settings:
    """Test environment, the development JWT secret (mint tokens with DEV_JWT_SECRET), the
    threading async mode, no send rate, and Redis keys under a namespace of their own."""
    prefix = f"test:chat:{uuid.uuid4().hex[:8]}:"
    values: dict[str, Any] = {
        "app_env": "test",
        "jwt_secret": DEV_JWT_SECRET,
        "redis_key_prefix": prefix,
        "user_cache_prefix": f"{prefix}user:profile:",
        "async_mode": "threading",
        "files_dir": str(files_dir / "files"),
        "socket_send_rate": 0,
        "user_rates": no_user_limits(),
        **changes,
    }
    return Settings(**values)
