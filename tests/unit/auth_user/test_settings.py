from __future__ import annotations

from pathlib import Path

import pytest

from libs.ratelimit import Rate
from libs.servicekit.settings import DEV_JWT_SECRET, SettingsError
from services.auth_user.domain.model import LoginLimits, Role
from services.auth_user.settings import DEV_MFA_KEY, Settings
from tests.support.key_files import kid_of, new_key, write_private

DEV = {"APP_ENV": "test"}
PRODUCTION = {
    "APP_ENV": "production",
    "JWT_SECRET": "x" * 32,
    "SERVICE_SECRET": "s" * 32,
    "MFA_ENCRYPTION_KEY": "m" * 32,
}


def test_defaults_follow_the_shared_conventions() -> None:
    settings = Settings.from_env(DEV)
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert settings.mongodb_db == "auth_user_db"
    assert settings.user_cache_prefix == "user:profile:"
    assert (settings.access_token_ttl, settings.refresh_token_ttl) == (900, 604_800)
    assert settings.cookie_secure is False
    assert settings.seed_demo_users is False


def test_production_refuses_a_short_jwt_secret() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"APP_ENV": "production", "JWT_SECRET": "short"})


def test_production_defaults_to_secure_cookies() -> None:
    assert Settings.from_env(PRODUCTION).cookie_secure is True


def test_production_refuses_a_missing_or_short_service_secret() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"APP_ENV": "production", "JWT_SECRET": "x" * 32})
    with pytest.raises(SettingsError):
        Settings.from_env({"APP_ENV": "production", "JWT_SECRET": "x" * 32, "SERVICE_SECRET": "s"})


def test_environment_overrides_are_parsed() -> None:
    settings = Settings.from_env(
        {
            **DEV,
            "SEED_DEMO_USERS": "true",
            "REDIS_KEY_PREFIX": "t:",
            "LOGIN_BACKOFF_FREE_FAILURES": "2",
            "LOGIN_BACKOFF_BASE": "0.5",
            "LOGIN_BACKOFF_MAX": "60",
            "LOGIN_BACKOFF_FORGET": "600",
            "LOGIN_MAX_FAILURES_PER_IP": "20",
            "PASSWORD_TIME_COST": "1",
        }
    )
    assert settings.seed_demo_users and settings.redis_key_prefix == "t:"
    assert settings.login_limits == LoginLimits(2, 0.5, 60, 600, 20, 300)
    assert settings.password_time_cost == 1


def test_the_login_defaults_and_the_older_per_ip_name() -> None:
    assert Settings.from_env(DEV).login_limits == LoginLimits(3, 1.0, 900.0, 86_400, 50, 300)
    older = Settings.from_env({**DEV, "LOGIN_MAX_ATTEMPTS_PER_IP": "7"})
    assert older.login_limits.per_ip == 7


def test_the_per_matricule_lockout_setting_is_refused_with_what_replaced_it() -> None:
    with pytest.raises(SettingsError, match="LOGIN_BACKOFF"):
        Settings.from_env({**DEV, "LOGIN_MAX_ATTEMPTS_PER_MATRICULE": "5"})


def test_lookup_budgets_are_rates_with_the_older_per_minute_names_still_read() -> None:
    assert dict(Settings.from_env(DEV).rate_limits) == {
        "lookup": Rate(600, 60),
        "service-lookup": Rate(12_000, 60),
    }
    older = Settings.from_env({**DEV, "LOOKUP_RATE_PER_MINUTE": "30"})
    assert older.rate_limits["lookup"] == Rate(30, 60)
    newer = Settings.from_env({**DEV, "RATE_LIMIT_LOOKUP": "5/1s", "LOOKUP_RATE_PER_MINUTE": "30"})
    assert newer.rate_limits["lookup"] == Rate(5, 1)
    with pytest.raises(SettingsError, match="RATE_LIMIT_SERVICE_LOOKUP"):
        Settings.from_env({**DEV, "RATE_LIMIT_SERVICE_LOOKUP": "fast"})


def test_demo_users_are_refused_outside_development_and_test() -> None:
    with pytest.raises(SettingsError, match="SEED_DEMO_USERS"):
        Settings.from_env({**PRODUCTION, "SEED_DEMO_USERS": "true"})
    with pytest.raises(SettingsError, match="SEED_DEMO_USERS"):
        Settings.from_env(
            {"JWT_SECRET": "x" * 32, "SERVICE_SECRET": "s" * 32, "SEED_DEMO_USERS": "1"}
        )


@pytest.mark.parametrize(
    "env",
    [{"ACCESS_TOKEN_TTL": "0"}, {"LOGIN_RATE_WINDOW": "-1"}, {"USER_CACHE_TTL": "abc"}],
)
def test_invalid_numbers_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({**DEV, **env})


def test_the_secret_is_not_in_the_repr() -> None:
    assert "x" * 32 not in repr(Settings.from_env(PRODUCTION))


def test_the_l1_settings_are_read_and_checked() -> None:
    settings = Settings.from_env({**DEV, "USER_CACHE_L1": "off", "USER_CACHE_L1_SIZE": "7"})
    assert (settings.user_cache_l1, settings.user_cache_l1_size) == (False, 7)
    with pytest.raises(SettingsError):
        Settings.from_env({**DEV, "USER_CACHE_L1_TTL": "0"})


def test_eddsa_signs_with_the_key_file_and_needs_no_jwt_secret(tmp_path: Path) -> None:
    key = new_key()
    env = {
        "APP_ENV": "production",
        "SERVICE_SECRET": "s" * 32,
        "MFA_ENCRYPTION_KEY": "m" * 32,
        "JWT_ALGORITHM": "EdDSA",
        "JWT_PRIVATE_KEY_FILE": write_private(tmp_path / "jwt.pem", key),
    }
    settings = Settings.from_env(env)
    assert settings.jwt_algorithm == "EdDSA" and settings.jwt_secret == ""
    assert settings.jwt_signing is not None and settings.jwt_signing.current_kid == kid_of(key)
    assert "PRIVATE" not in repr(settings)
    with pytest.raises(SettingsError, match="JWT_PRIVATE_KEY_FILE"):
        Settings.from_env({**env, "JWT_PRIVATE_KEY_FILE": ""})


def test_production_requires_mfa_for_the_privileged_roles_by_default() -> None:
    assert Settings.from_env(PRODUCTION).mfa_required_roles == (
        Role.ADMIN,
        Role.MODERATOR,
        Role.COMPLIANCE,
    )
    only_admins = Settings.from_env({**PRODUCTION, "MFA_REQUIRED_ROLES": " admin , "})
    assert only_admins.mfa_required_roles == (Role.ADMIN,)
    assert Settings.from_env({**PRODUCTION, "MFA_REQUIRED_ROLES": ""}).mfa_required_roles == ()
    assert Settings.from_env({"APP_ENV": "test"}).mfa_required_roles == ()  # the demo admin
    with pytest.raises(SettingsError, match="MFA_REQUIRED_ROLES"):
        Settings.from_env({**PRODUCTION, "MFA_REQUIRED_ROLES": "admin,root"})


def test_production_refuses_a_missing_or_short_mfa_encryption_key() -> None:
    for key in ("", "short", DEV_MFA_KEY):
        with pytest.raises(SettingsError, match="MFA_ENCRYPTION_KEY"):
            Settings.from_env({**PRODUCTION, "MFA_ENCRYPTION_KEY": key})
    assert "m" * 32 not in repr(Settings.from_env(PRODUCTION))


def test_the_directory_limits_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {**DEV, "DIRECTORY_MAX_DEACTIVATE_RATIO": "0.1", "DIRECTORY_MAX_BYTES": "1000"}
    )
    assert (settings.directory_limits.max_deactivate_ratio, settings.directory_max_bytes) == (
        0.1,
        1000,
    )
    for name, value in (("DIRECTORY_MAX_ERROR_RATIO", "1.5"), ("DIRECTORY_MAX_ROWS", "0")):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({**DEV, name: value})
    source = Settings.from_env({**DEV, "DIRECTORY_SOURCE_URL": "postgresql://hr:s3cret@db/hr"})
    assert "s3cret" not in repr(source)
