"""chat_file settings: one frozen dataclass built once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from libs.servicekit.settings import (
    DEV_SERVICE_SECRET,
    SettingsError,
    database_url,
    env_bool,
    env_float,
    env_int,
    env_str,
    process_env,
    redis_sentinels,
    service_secret,
)
from libs.servicekit.sql import backend_of
from libs.servicekit.stores import DEFAULT_SENTINEL_SERVICE, sentinel_queue_url
from libs.sessions import KeyRing, secrets_list
from libs.sessions.asymmetric import HS256
from libs.sessions.key_settings import jwt_algorithm, token_secret
from libs.usercache import DEFAULT_L1_SIZE, DEFAULT_L1_TTL, DEFAULT_PREFIX, DEFAULT_TTL

from .push_settings import PushSettings

ASYNC_MODES = frozenset({"gevent", "eventlet", "threading"})
FILE_STORAGES = frozenset({"local", "gridfs", "s3"})


@dataclass(frozen=True)
class S3Settings:
    """The bucket of `FILE_STORAGE=s3`; empty keys leave boto3's own credential chain."""

    bucket: str = ""
    endpoint_url: str = ""  # MinIO/Ceph URL; empty for AWS
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = ""
    presigned_downloads: bool = False  # downloads answer 302 to a presigned GET
    presign_seconds: int = 60

    def __repr__(self) -> str:  # never print the keys
        return f"S3Settings(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r}, …)"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> S3Settings:
        return cls(
            bucket=env.get("S3_BUCKET", "").strip(),
            endpoint_url=env.get("S3_ENDPOINT_URL", "").strip(),
            region=env_str(env, "S3_REGION", "us-east-1"),
            access_key_id=env.get("S3_ACCESS_KEY_ID", "").strip(),
            secret_access_key=env.get("S3_SECRET_ACCESS_KEY", "").strip(),
            presigned_downloads=env_bool(env, "S3_PRESIGNED_DOWNLOADS", False),
            presign_seconds=env_int(env, "S3_PRESIGN_SECONDS", 60),
        )


@dataclass(frozen=True)
class Settings:
    app_env: str = "development"
    jwt_secret: str = ""
    jwt_previous_secrets: tuple[str, ...] = ()
    # JWT_ALGORITHM: HS256 verifies with jwt_secret; EdDSA/ES256 with auth_user's public keys
    # from JWT_JWKS_URL (default <AUTH_USER_SERVICE_URL>/.well-known/jwks.json), no secret
    jwt_algorithm: str = HS256
    jwt_jwks_url: str = ""
    jwt_jwks_refresh_interval: float = 30.0  # at least this long between two fetches
    service_secret: str = DEV_SERVICE_SECRET
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_key_prefix: str = ""
    redis_sentinels: tuple[
        tuple[str, int], ...
    ] = ()  # REDIS_SENTINELS: the primary comes from them
    redis_sentinel_service: str = DEFAULT_SENTINEL_SERVICE
    user_cache_prefix: str = DEFAULT_PREFIX
    user_cache_ttl: int = DEFAULT_TTL
    user_cache_l1: bool = True  # in-process L1, kept true by Redis invalidations
    user_cache_l1_size: int = DEFAULT_L1_SIZE
    user_cache_l1_ttl: float = DEFAULT_L1_TTL
    database_url: str = "sqlite:///var/chat_file.db"
    mongodb_db: str = "chat_file_service"
    auth_user_service_url: str = "http://127.0.0.1:8001"
    auth_user_public_url: str = "http://127.0.0.1:8001"
    auth_user_timeout: float = 5.0
    auth_user_attempts: int = 3  # tries of one lookup on connect errors and 502/503/504
    breaker_failures: int = 5
    breaker_reset_seconds: float = 30.0
    negative_cache_seconds: float = 30.0
    max_message_length: int = 10_000
    allowed_origins: tuple[str, ...] = ()
    async_mode: str = "gevent"
    socketio_message_queue: str = ""  # redis://… to fan events out across processes
    socket_send_rate: float = 10.0  # sendMessage per second per socket (bursts of 2x); 0 = off
    typing_timeout: float = 10.0  # seconds before a silent typist is announced as stopped
    presence_ttl: int = 60  # seconds a device counts without its process refreshing it
    idle_timeout: float = 300.0  # seconds without activity before `user_idle`; 0 = off
    files_dir: str = "var/files"
    file_storage: str = "local"  # or "gridfs" (the service's MongoDB) or "s3"
    max_upload_bytes: int = 25 * 1024 * 1024
    push: PushSettings = field(default_factory=PushSettings)
    s3: S3Settings = field(default_factory=S3Settings)
    revocation_max_staleness: int = 0  # seconds; 0 = keep serving on the last known state
    tls_ca_file: str = ""  # CA bundle for rediss:// and an https AUTH_USER_SERVICE_URL

    def __repr__(self) -> str:  # never print the secret
        return f"Settings(app_env={self.app_env!r}, backend={self.backend!r}, …)"

    @property
    def message_queue_url(self) -> str:
        """SOCKETIO_MESSAGE_QUEUE, through the sentinels when REDIS_SENTINELS is set."""
        return sentinel_queue_url(
            self.socketio_message_queue, self.redis_sentinels, self.redis_sentinel_service
        )

    @property
    def keys(self) -> KeyRing:
        return KeyRing(self.jwt_secret, self.jwt_previous_secrets)

    @property
    def backend(self) -> str:
        return backend_of(self.database_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = process_env() if env is None else env
        app_env = env_str(env, "APP_ENV", "development")
        auth_url = env_str(env, "AUTH_USER_SERVICE_URL", "http://127.0.0.1:8001").rstrip("/")
        async_mode = env_str(env, "CHAT_ASYNC_MODE", "gevent")
        if async_mode not in ASYNC_MODES:
            raise SettingsError(f"CHAT_ASYNC_MODE must be one of {sorted(ASYNC_MODES)}")
        file_storage = env_str(env, "FILE_STORAGE", "local")
        if file_storage not in FILE_STORAGES:
            raise SettingsError(f"FILE_STORAGE must be one of {sorted(FILE_STORAGES)}")
        if (
            env_int(env, "USER_CACHE_L1_SIZE", 1) <= 0
            or env_float(env, "USER_CACHE_L1_TTL", 1) <= 0
        ):
            raise SettingsError("USER_CACHE_L1_SIZE and USER_CACHE_L1_TTL must be positive")
        origins = env_str(env, "ALLOWED_ORIGINS", "")
        url = database_url(env, "chat_file")
        if file_storage == "gridfs" and backend_of(url) not in {"mongodb", "mongomock"}:
            raise SettingsError("FILE_STORAGE=gridfs needs a MongoDB DATABASE_URL")
        s3 = S3Settings.from_env(env)
        if file_storage == "s3" and not s3.bucket:
            raise SettingsError("FILE_STORAGE=s3 needs S3_BUCKET")
        algorithm = jwt_algorithm(env)
        return cls(
            app_env=app_env,
            jwt_secret=token_secret(env, app_env, algorithm),
            jwt_algorithm=algorithm,
            jwt_jwks_url=env_str(env, "JWT_JWKS_URL", f"{auth_url}/.well-known/jwks.json"),
            jwt_jwks_refresh_interval=env_float(env, "JWT_JWKS_REFRESH_INTERVAL", 30.0),
            jwt_previous_secrets=secrets_list(env.get("JWT_PREVIOUS_SECRETS", "")),
            service_secret=service_secret(env, app_env),
            redis_url=env_str(env, "REDIS_URL", "redis://127.0.0.1:6379/0"),
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "").strip(),
            redis_sentinels=redis_sentinels(env),
            redis_sentinel_service=env_str(env, "REDIS_SENTINEL_SERVICE", DEFAULT_SENTINEL_SERVICE),
            user_cache_prefix=env_str(env, "USER_CACHE_PREFIX", DEFAULT_PREFIX),
            user_cache_ttl=env_int(env, "USER_CACHE_TTL", DEFAULT_TTL),
            user_cache_l1=env_bool(env, "USER_CACHE_L1", True),
            user_cache_l1_size=env_int(env, "USER_CACHE_L1_SIZE", DEFAULT_L1_SIZE),
            user_cache_l1_ttl=env_float(env, "USER_CACHE_L1_TTL", DEFAULT_L1_TTL),
            database_url=url,
            mongodb_db=env_str(env, "MONGODB_DB", "chat_file_service"),
            auth_user_service_url=auth_url,
            auth_user_public_url=env_str(env, "AUTH_USER_PUBLIC_URL", auth_url),
            auth_user_timeout=env_float(env, "AUTH_USER_TIMEOUT", 5.0),
            auth_user_attempts=env_int(env, "AUTH_USER_ATTEMPTS", 3),
            breaker_failures=env_int(env, "AUTH_USER_BREAKER_FAILURES", 5),
            breaker_reset_seconds=env_float(env, "AUTH_USER_BREAKER_RESET", 30.0),
            negative_cache_seconds=env_float(env, "USER_NEGATIVE_CACHE_SECONDS", 30.0),
            max_message_length=env_int(env, "MAX_MESSAGE_LENGTH", 10_000),
            allowed_origins=tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip()),
            async_mode=async_mode,
            socketio_message_queue=env.get("SOCKETIO_MESSAGE_QUEUE", "").strip(),
            socket_send_rate=env_float(env, "SOCKET_SEND_RATE", 10.0),
            typing_timeout=env_float(env, "TYPING_TIMEOUT", 10.0),
            presence_ttl=env_int(env, "PRESENCE_TTL", 60),
            idle_timeout=env_float(env, "IDLE_TIMEOUT", 300.0),
            files_dir=env_str(env, "FILES_DIR", "var/files"),
            file_storage=file_storage,
            max_upload_bytes=env_int(env, "MAX_UPLOAD_BYTES", 25 * 1024 * 1024),
            push=PushSettings.from_env(env),
            s3=s3,
            revocation_max_staleness=env_int(env, "REVOCATION_MAX_STALENESS", 0),
            tls_ca_file=env.get("TLS_CA_FILE", "").strip(),
        )
