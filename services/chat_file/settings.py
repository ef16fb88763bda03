"""chat_file settings: one frozen dataclass built once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from libs.ratelimit import RateTable
from libs.servicekit.service_settings import ServiceSettings
from libs.servicekit.settings import (
    SettingsError,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    process_env,
)
from libs.servicekit.sql import backend_of
from libs.servicekit.stores import sentinel_queue_url
from services.chat_file.announcements.settings import AnnouncementSettings
from services.chat_file.files.settings import FileLimits, S3Settings
from services.chat_file.kernel.limits import user_rates
from services.chat_file.moderation.settings import ModerationSettings
from services.chat_file.push.settings import PushSettings

ASYNC_MODES = frozenset({"gevent", "eventlet", "threading"})
FILE_STORAGES = frozenset({"local", "gridfs", "s3"})


@dataclass(frozen=True)
class Settings(ServiceSettings):
    SERVICE = "chat_file"

    database_url: str = "sqlite:///var/chat_file.db"
    mongodb_db: str = "chat_file_service"
    auth_user_service_url: str = "http://127.0.0.1:8001"
    auth_user_public_url: str = "http://127.0.0.1:8001"
    auth_user_timeout: float = 5.0
    # JWT_ALGORITHM=EdDSA/ES256: auth_user's public keys from JWT_JWKS_URL (no JWT_SECRET)
    jwt_jwks_url: str = ""  # empty: <auth_user_service_url>/.well-known/jwks.json
    jwt_jwks_refresh_interval: float = 30.0  # at least this long between two fetches
    auth_user_attempts: int = 3  # tries of one lookup on connect errors and 502/503/504
    breaker_failures: int = 5
    breaker_reset_seconds: float = 30.0
    negative_cache_seconds: float = 30.0
    max_message_length: int = 10_000
    edit_history_versions: int = 20  # versions of a message kept in its edit history
    edit_history_bytes: int = 100_000  # UTF-8 bytes of the contents kept in it
    max_reactions_per_user: int = 3  # distinct reactions of one user on one message
    max_group_members: int = 1000  # participants of a group or broadcast
    temporary_id_window: float = 24 * 3600.0  # seconds a temporaryId dedupes a resend
    allowed_origins: tuple[str, ...] = ()
    async_mode: str = "gevent"
    socketio_message_queue: str = ""  # redis://… to fan events out across processes
    socket_send_rate: float = 10.0  # sendMessage per second per socket (bursts of 2x); 0 = off
    typing_timeout: float = 10.0  # seconds before a silent typist is announced as stopped
    presence_ttl: int = 60  # seconds a device counts without its process refreshing it
    idle_timeout: float = 300.0  # seconds without activity before `user_idle`; 0 = off
    contacts_cache_ttl: int = 600  # seconds a user's rooms and contacts stay cached; 0 = off
    socket_connect_concurrency: int = 0  # connects doing store work at once; 0 = half the pool
    sockets_per_user: int = 10  # past it the oldest socket is replaced; 0 = no cap
    anonymous_sockets_per_ip: int = 20  # sockets waiting to `authenticate`, per process
    socket_auth_grace: float = 30.0  # seconds an anonymous socket has to `authenticate`
    files_dir: str = "var/files"
    file_storage: str = "local"  # or "gridfs" (the service's MongoDB) or "s3"
    max_upload_bytes: int = 25 * 1024 * 1024
    sync_window: int = 7 * 24 * 3600  # seconds a change stays in its user's log (sync)
    sync_max_limit: int = 500  # changes one sync answer may hold
    sync_seq_in_events: bool = True  # each user's copy of a change event carries their seq
    push: PushSettings = field(default_factory=PushSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    user_rates: RateTable = field(default_factory=lambda: user_rates({}))  # RATE_LIMIT_<ACTION>
    announcements: AnnouncementSettings = field(default_factory=AnnouncementSettings)
    s3: S3Settings = field(default_factory=S3Settings)
    file_limits: FileLimits = field(default_factory=FileLimits)

    def __repr__(self) -> str:  # never print the secret
        return f"Settings(app_env={self.app_env!r}, backend={self.backend!r}, …)"

    @property
    def message_queue_url(self) -> str:
        """SOCKETIO_MESSAGE_QUEUE, through the sentinels when REDIS_SENTINELS is set."""
        return sentinel_queue_url(
            self.socketio_message_queue, self.redis_sentinels, self.redis_sentinel_service
        )

    @property
    def connect_concurrency(self) -> int:
        """SOCKET_CONNECT_CONCURRENCY, else half of DB_POOL_SIZE (at least 1): connects leave
        the other half of the pool to HTTP requests."""
        return self.socket_connect_concurrency or max(1, self.db_pool.size // 2)

    @property
    def backend(self) -> str:
        return backend_of(self.database_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = process_env() if env is None else env
        async_mode = _choice(env, "CHAT_ASYNC_MODE", "gevent", ASYNC_MODES)
        file_storage = _choice(env, "FILE_STORAGE", "local", FILE_STORAGES)
        shared = cls.shared_from_env(env)
        s3 = S3Settings.from_env(env)
        _check_file_storage(file_storage, shared["database_url"], s3)
        return cls(
            **shared,
            **_auth_user_client(env),
            **_realtime(env),
            async_mode=async_mode,
            max_message_length=env_int(env, "MAX_MESSAGE_LENGTH", 10_000),
            edit_history_versions=env_int(env, "EDIT_HISTORY_MAX_VERSIONS", 20),
            edit_history_bytes=env_int(env, "EDIT_HISTORY_MAX_BYTES", 100_000),
            max_reactions_per_user=env_int(env, "MAX_REACTIONS_PER_USER", 3),
            max_group_members=env_int(env, "MAX_GROUP_MEMBERS", 1000),
            temporary_id_window=_positive_float(env, "TEMPORARY_ID_WINDOW", 24 * 3600.0),
            files_dir=env_str(env, "FILES_DIR", "var/files"),
            file_storage=file_storage,
            max_upload_bytes=env_int(env, "MAX_UPLOAD_BYTES", 25 * 1024 * 1024),
            sync_window=_positive(env, "SYNC_WINDOW", 7 * 24 * 3600),
            sync_max_limit=_positive(env, "SYNC_MAX_LIMIT", 500),
            sync_seq_in_events=env_bool(env, "SYNC_SEQ_IN_EVENTS", True),
            push=PushSettings.from_env(env),
            moderation=ModerationSettings.from_env(env),
            user_rates=user_rates(env),
            announcements=AnnouncementSettings.from_env(env),
            s3=s3,
            file_limits=FileLimits.from_env(env),
        )


def _choice(env: Mapping[str, str], name: str, default: str, allowed: frozenset[str]) -> str:
    value = env_str(env, name, default)
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {sorted(allowed)}")
    return value


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = env_int(env, name, default)
    if value < 1:
        raise SettingsError(f"{name} must be at least 1")
    return value


def _check_file_storage(file_storage: str, url: str, s3: S3Settings) -> None:
    if file_storage == "gridfs" and backend_of(url) not in {"mongodb", "mongomock"}:
        raise SettingsError("FILE_STORAGE=gridfs needs a MongoDB DATABASE_URL")
    if file_storage == "s3" and not s3.bucket:
        raise SettingsError("FILE_STORAGE=s3 needs S3_BUCKET")


def _auth_user_client(env: Mapping[str, str]) -> dict[str, Any]:
    """How chat_file reaches auth_user: URLs, timeout, retries, breaker, negative cache."""
    url = env_str(env, "AUTH_USER_SERVICE_URL", "http://127.0.0.1:8001").rstrip("/")
    return {
        "auth_user_service_url": url,
        "auth_user_public_url": env_str(env, "AUTH_USER_PUBLIC_URL", url),
        "auth_user_timeout": env_float(env, "AUTH_USER_TIMEOUT", 5.0),
        "auth_user_attempts": env_int(env, "AUTH_USER_ATTEMPTS", 3),
        "jwt_jwks_url": env_str(env, "JWT_JWKS_URL", f"{url}/.well-known/jwks.json"),
        "jwt_jwks_refresh_interval": env_float(env, "JWT_JWKS_REFRESH_INTERVAL", 30.0),
        "breaker_failures": env_int(env, "AUTH_USER_BREAKER_FAILURES", 5),
        "breaker_reset_seconds": env_float(env, "AUTH_USER_BREAKER_RESET", 30.0),
        "negative_cache_seconds": env_float(env, "USER_NEGATIVE_CACHE_SECONDS", 30.0),
    }


def _realtime(env: Mapping[str, str]) -> dict[str, Any]:
    """Socket.IO: origins, the cross-process queue, send rate, typing, presence and idleness."""
    return {
        "allowed_origins": tuple(o.rstrip("/") for o in env_list(env, "ALLOWED_ORIGINS")),
        "socketio_message_queue": env.get("SOCKETIO_MESSAGE_QUEUE", "").strip(),
        "socket_send_rate": env_float(env, "SOCKET_SEND_RATE", 10.0),
        "typing_timeout": env_float(env, "TYPING_TIMEOUT", 10.0),
        "presence_ttl": env_int(env, "PRESENCE_TTL", 60),
        "idle_timeout": env_float(env, "IDLE_TIMEOUT", 300.0),
        "contacts_cache_ttl": env_int(env, "CONTACTS_CACHE_TTL", 600),
        "socket_connect_concurrency": _non_negative(env, "SOCKET_CONNECT_CONCURRENCY"),
        "sockets_per_user": _at_least(env, "SOCKETS_PER_USER", 10, 0),
        "anonymous_sockets_per_ip": _at_least(env, "ANONYMOUS_SOCKETS_PER_IP", 20, 0),
        "socket_auth_grace": _positive_float(env, "SOCKET_AUTH_GRACE", 30.0),
    }


def _at_least(env: Mapping[str, str], name: str, default: int, least: int) -> int:
    value = env_int(env, name, default)
    if value < least:
        raise SettingsError(f"{name} must be at least {least}, got {value}")
    return value


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env_float(env, name, default)
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"{name} must be a positive number of seconds, got {value}")
    return value


def _non_negative(env: Mapping[str, str], name: str) -> int:
    value = env_int(env, name, 0)
    if value < 0:
        raise SettingsError(f"{name} must be 0 or more, got {value}")
    return value
