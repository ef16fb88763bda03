"""Settings.from_env: defaults, parsing and refusals."""

from __future__ import annotations

import pytest

from libs.servicekit.settings import SettingsError
from services.chat_file.settings import Settings


def test_defaults_match_the_conventions() -> None:
    settings = Settings.from_env({"APP_ENV": "test"})
    assert settings.mongodb_db == "chat_file_service"
    assert settings.auth_user_service_url == "http://127.0.0.1:8001"
    assert settings.auth_user_timeout == 5.0 and settings.max_message_length == 10_000
    assert settings.user_cache_prefix == "user:profile:" and settings.user_cache_ttl == 604_800
    assert settings.async_mode == "gevent" and settings.jwt_secret


def test_values_are_read_and_the_secret_is_never_printed() -> None:
    settings = Settings.from_env(
        {
            "APP_ENV": "production",
            "JWT_SECRET": "p" * 40,
            "SERVICE_SECRET": "q" * 40,
            "JWT_PREVIOUS_SECRETS": "o" * 40,
            "AUTH_USER_SERVICE_URL": "http://auth:8001/",
            "ALLOWED_ORIGINS": "https://a.example, https://b.example/",
            "AUTH_USER_BREAKER_FAILURES": "3",
        }
    )
    assert settings.auth_user_service_url == "http://auth:8001"
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.breaker_failures == 3
    assert not {"p" * 40, "q" * 40, "o" * 40} & set(repr(settings).split("'"))
    assert "p" * 40 not in repr(settings) and "q" * 40 not in repr(settings)


@pytest.mark.parametrize(
    "env",
    [
        {"APP_ENV": "production", "JWT_SECRET": "short"},
        {"APP_ENV": "production", "JWT_SECRET": "p" * 40},  # no SERVICE_SECRET
        {"APP_ENV": "test", "CHAT_ASYNC_MODE": "asyncio"},
        {"APP_ENV": "test", "AUTH_USER_TIMEOUT": "soon"},
    ],
)
def test_bad_environments_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(env)


def test_the_l1_and_the_auth_retries_are_configurable() -> None:
    defaults = Settings.from_env({"APP_ENV": "test"})
    assert (defaults.user_cache_l1, defaults.user_cache_l1_size) == (True, 10_000)
    assert defaults.user_cache_l1_ttl == 300.0 and defaults.auth_user_attempts == 3
    env = {"APP_ENV": "test", "USER_CACHE_L1": "false", "USER_CACHE_L1_SIZE": "50"}
    env["USER_CACHE_L1_TTL"] = "2.5"
    settings = Settings.from_env({**env, "AUTH_USER_ATTEMPTS": "1"})
    assert (settings.user_cache_l1, settings.user_cache_l1_size) == (False, 50)
    assert settings.user_cache_l1_ttl == 2.5 and settings.auth_user_attempts == 1
    with pytest.raises(SettingsError):
        Settings.from_env({"APP_ENV": "test", "USER_CACHE_L1_SIZE": "0"})


def test_eddsa_verifies_with_auth_users_published_keys_and_needs_no_jwt_secret() -> None:
    env = {
        "APP_ENV": "production",
        "SERVICE_SECRET": "q" * 40,
        "JWT_ALGORITHM": "EdDSA",
        "AUTH_USER_SERVICE_URL": "https://auth.internal:8443/",
    }
    settings = Settings.from_env(env)
    assert (settings.jwt_algorithm, settings.jwt_secret) == ("EdDSA", "")
    assert settings.jwt_jwks_url == "https://auth.internal:8443/.well-known/jwks.json"
    assert settings.jwt_jwks_refresh_interval == 30.0
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        Settings.from_env({**env, "JWT_ALGORITHM": "HS256"})


def test_moderation_settings_defaults_values_and_refusals() -> None:
    default = Settings.from_env({"APP_ENV": "test"}).moderation
    assert (default.max_blocks, default.suspension_refresh_seconds) == (1000, 0.5)
    assert (default.retention_days, default.retention_batch) == (0, 1000)
    env = {
        "APP_ENV": "test",
        "MODERATION_MAX_BLOCKS": "50",
        "SUSPENSION_REFRESH_SECONDS": "0.25",
        "RETENTION_DAYS": "365",
        "RETENTION_BATCH": "200",
    }
    read = Settings.from_env(env).moderation
    assert (read.max_blocks, read.suspension_refresh_seconds) == (50, 0.25)
    assert (read.retention_days, read.retention_batch) == (365, 200)
    for name, value in [
        ("MODERATION_MAX_BLOCKS", "0"),
        ("SUSPENSION_REFRESH_SECONDS", "2"),
        ("SUSPENSION_REFRESH_SECONDS", "0"),
        ("RETENTION_DAYS", "-1"),
        ("RETENTION_BATCH", "1001"),
        ("RETENTION_BATCH", "0"),
    ]:
        with pytest.raises(SettingsError):
            Settings.from_env({"APP_ENV": "test", name: value})


def test_socket_admission_defaults_to_half_the_pool() -> None:
    base = {"APP_ENV": "test"}
    assert Settings.from_env(base).connect_concurrency == 5  # DB_POOL_SIZE 10
    assert Settings.from_env({**base, "DB_POOL_SIZE": "3"}).connect_concurrency == 1
    given = Settings.from_env({**base, "SOCKET_CONNECT_CONCURRENCY": "7"})
    assert given.connect_concurrency == 7
    assert Settings.from_env(base).contacts_cache_ttl == 600
    assert Settings.from_env({**base, "CONTACTS_CACHE_TTL": "0"}).contacts_cache_ttl == 0


def test_a_negative_socket_admission_is_refused() -> None:
    with pytest.raises(SettingsError, match="SOCKET_CONNECT_CONCURRENCY"):
        Settings.from_env({"APP_ENV": "test", "SOCKET_CONNECT_CONCURRENCY": "-1"})


def test_file_limits_have_documented_defaults_and_are_read() -> None:
    limits = Settings.from_env({"APP_ENV": "test"}).file_limits
    assert (limits.thumbnail_max_pixels, limits.thumbnail_concurrency) == (16_000_000, 2)
    assert (limits.upload_quota_bytes, limits.upload_daily_bytes) == (1024**3, 512 * 1024**2)
    assert limits.unattached_upload_ttl == 86_400
    read = Settings.from_env(
        {
            "APP_ENV": "test",
            "THUMBNAIL_MAX_PIXELS": "1000",
            "THUMBNAIL_CONCURRENCY": "1",
            "UPLOAD_QUOTA_BYTES": "0",
            "UPLOAD_DAILY_BYTES": "5",
            "UNATTACHED_UPLOAD_TTL": "60",
        }
    ).file_limits
    assert (read.thumbnail_max_pixels, read.thumbnail_concurrency) == (1000, 1)
    assert (read.upload_quota_bytes, read.upload_daily_bytes) == (0, 5)
    assert read.unattached_upload_ttl == 60


@pytest.mark.parametrize(
    "name,value",
    [
        ("THUMBNAIL_MAX_PIXELS", "0"),
        ("THUMBNAIL_CONCURRENCY", "0"),
        ("UPLOAD_QUOTA_BYTES", "-1"),
        ("UPLOAD_DAILY_BYTES", "lots"),
        ("UNATTACHED_UPLOAD_TTL", "5"),
    ],
)
def test_bad_file_limits_stop_the_service(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"APP_ENV": "test", name: value})
