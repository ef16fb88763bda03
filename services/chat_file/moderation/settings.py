"""Moderation and retention settings (part of chat_file's `Settings`, built once from the
environment; docs/configuration.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.servicekit.settings import SettingsError, env_float, env_int

MAX_RETENTION_BATCH = 1000  # the bound: a purge deletes at most 1 000 rows at a time


@dataclass(frozen=True)
class ModerationSettings:
    max_blocks: int = 1000  # agents one agent may block
    suspension_refresh_seconds: float = 0.5  # how stale a process's copy of suspensions may be
    retention_days: int = 0  # the global policy: messages older than this are purged; 0 = never
    retention_batch: int = MAX_RETENTION_BATCH  # messages per purge transaction

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ModerationSettings:
        settings = cls(
            max_blocks=env_int(env, "MODERATION_MAX_BLOCKS", 1000),
            suspension_refresh_seconds=env_float(env, "SUSPENSION_REFRESH_SECONDS", 0.5),
            retention_days=env_int(env, "RETENTION_DAYS", 0),
            retention_batch=env_int(env, "RETENTION_BATCH", MAX_RETENTION_BATCH),
        )
        if settings.max_blocks < 1:
            raise SettingsError("MODERATION_MAX_BLOCKS must be at least 1")
        if not 0 < settings.suspension_refresh_seconds <= 1:
            raise SettingsError("SUSPENSION_REFRESH_SECONDS must be in (0, 1]")
        if settings.retention_days < 0:
            raise SettingsError("RETENTION_DAYS must be 0 (keep for ever) or more")
        if not 0 < settings.retention_batch <= MAX_RETENTION_BATCH:
            raise SettingsError(f"RETENTION_BATCH must be in 1..{MAX_RETENTION_BATCH}")
        return settings
