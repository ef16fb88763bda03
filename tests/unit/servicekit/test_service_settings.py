"""`ServiceSettings`: both services read the shared variables the same way."""

from __future__ import annotations

import pytest

from libs.egress import EgressSettings
from libs.servicekit.service_settings import ServiceSettings
from libs.servicekit.settings import DEV_JWT_SECRET, DEV_SERVICE_SECRET, SettingsError
from libs.servicekit.sql import SqlPool
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.settings import Settings as ChatSettings

SERVICES = [AuthSettings, ChatSettings]

SHARED_ENV = {
    "APP_ENV": "staging",
    "JWT_SECRET": "j" * 40,
    "JWT_PREVIOUS_SECRETS": " " + "o" * 40 + ", ,",
    "SERVICE_SECRET": "s" * 40,
    "MFA_ENCRYPTION_KEY": "m" * 40,  # auth_user only (chat_file ignores it)
    "REDIS_URL": "redis://cache:6380/2",
    "REDIS_KEY_PREFIX": " team1: ",
    "REDIS_SENTINELS": "s1:26379, s2:26380",
    "REDIS_SENTINEL_SERVICE": "primary",
    "USER_CACHE_PREFIX": "profiles:",
    "USER_CACHE_TTL": "60",
    "USER_CACHE_L1": "off",
    "USER_CACHE_L1_SIZE": "5",
    "USER_CACHE_L1_TTL": "0.5",
    "DATABASE_URL": "postgresql://db/chat",
    "MONGODB_DB": "elsewhere",
    "REVOCATION_MAX_STALENESS": "30",
    "TLS_CA_FILE": " /etc/ca.pem ",
    "TRUSTED_PROXY_HOPS": "2",
    "METRICS_TOKEN": " scrape-me ",
    "METRICS_BIND": "127.0.0.1:9101",
    "EGRESS_TIMEOUT": "4",
    "EGRESS_MAX_RESPONSE_BYTES": "2048",
    "DB_POOL_SIZE": "4",
    "DB_POOL_OVERFLOW": "0",
    "DB_POOL_TIMEOUT": "60",
    "DB_PREPARED_STATEMENTS": "false",
}


@pytest.mark.parametrize("settings_class", SERVICES)
def test_the_shared_variables_are_read_the_same_way(settings_class: type) -> None:
    settings = settings_class.from_env(SHARED_ENV)
    assert isinstance(settings, ServiceSettings)
    assert settings.keys.current == "j" * 40 and settings.keys.previous == ("o" * 40,)
    assert settings.service_secret == "s" * 40
    assert (settings.redis_url, settings.redis_key_prefix) == ("redis://cache:6380/2", "team1:")
    assert settings.redis_sentinels == (("s1", 26379), ("s2", 26380))
    assert settings.redis_sentinel_service == "primary"
    assert (settings.user_cache_prefix, settings.user_cache_ttl) == ("profiles:", 60)
    assert (settings.user_cache_l1, settings.user_cache_l1_size) == (False, 5)
    assert settings.user_cache_l1_ttl == 0.5
    assert (settings.database_url, settings.mongodb_db) == ("postgresql://db/chat", "elsewhere")
    assert (settings.revocation_max_staleness, settings.tls_ca_file) == (30, "/etc/ca.pem")
    assert settings.trusted_proxy_hops == 2
    assert (settings.metrics_token, settings.metrics_bind) == ("scrape-me", "127.0.0.1:9101")
    assert settings.egress == EgressSettings(False, 4.0, 2048)
    assert settings.development_secrets == ()
    assert settings.db_pool == SqlPool(size=4, overflow=0, timeout=60.0, prepared=False)


@pytest.mark.parametrize(
    ("settings_class", "database", "mongodb_db"),
    [
        (AuthSettings, "auth_user.db", "auth_user_db"),
        (ChatSettings, "chat_file.db", "chat_file_service"),
    ],
)
def test_each_service_keeps_its_own_database_defaults(
    settings_class: type, database: str, mongodb_db: str, tmp_path: object
) -> None:
    settings = settings_class.from_env({"APP_ENV": "test", "VAR_DIR": str(tmp_path)})
    assert settings.database_url.endswith(f"/{database}")
    assert settings.mongodb_db == mongodb_db


@pytest.mark.parametrize("settings_class", SERVICES)
@pytest.mark.parametrize("variable", ["USER_CACHE_L1_SIZE", "USER_CACHE_L1_TTL"])
def test_a_non_positive_l1_is_refused_by_both(settings_class: type, variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        settings_class.from_env({"APP_ENV": "test", variable: "0"})


@pytest.mark.parametrize("settings_class", SERVICES)
def test_no_secret_is_printed(settings_class: type) -> None:
    text = repr(settings_class.from_env(SHARED_ENV))
    assert not {"j" * 40, "o" * 40, "s" * 40, "postgresql://db/chat", "scrape-me"} & set(
        text.split("'")
    )


@pytest.mark.parametrize("settings_class", SERVICES)
def test_without_app_env_the_development_secrets_are_refused(settings_class: type) -> None:
    with pytest.raises(SettingsError, match="APP_ENV=development or test"):
        settings_class.from_env({})
    real = {"JWT_SECRET": "j" * 40, "SERVICE_SECRET": "s" * 40, "MFA_ENCRYPTION_KEY": "m" * 40}
    assert settings_class.from_env(real).app_env == "production"


@pytest.mark.parametrize("settings_class", SERVICES)
@pytest.mark.parametrize("variable", ["JWT_SECRET", "SERVICE_SECRET", "JWT_PREVIOUS_SECRETS"])
@pytest.mark.parametrize("app_env", [None, "production", "staging"])
def test_a_development_secret_given_outright_is_refused_outside_development(
    settings_class: type, variable: str, app_env: str | None
) -> None:
    development = DEV_JWT_SECRET if variable != "SERVICE_SECRET" else DEV_SERVICE_SECRET
    env = {"JWT_SECRET": "j" * 40, "SERVICE_SECRET": "s" * 40, variable: development}
    if app_env:
        env["APP_ENV"] = app_env
    with pytest.raises(SettingsError, match=f"{variable} holds a public development secret"):
        settings_class.from_env(env)


@pytest.mark.parametrize("settings_class", SERVICES)
@pytest.mark.parametrize("app_env", ["development", "test", "TEST"])
def test_development_and_test_name_the_development_secrets_in_use(
    settings_class: type, app_env: str
) -> None:
    settings = settings_class.from_env({"APP_ENV": app_env})
    assert settings.development_secrets == ("JWT_SECRET", "SERVICE_SECRET")
    assert (
        settings_class.from_env(
            {"APP_ENV": app_env, "JWT_SECRET": "j" * 40, "SERVICE_SECRET": "s" * 40}
        ).development_secrets
        == ()
    )


@pytest.mark.parametrize("settings_class", SERVICES)
def test_the_loopback_egress_allowance_needs_development_or_test(settings_class: type) -> None:
    env = {"JWT_SECRET": "j" * 40, "SERVICE_SECRET": "s" * 40, "EGRESS_ALLOW_LOOPBACK": "true"}
    with pytest.raises(SettingsError, match="EGRESS_ALLOW_LOOPBACK"):
        settings_class.from_env(env)
    assert settings_class.from_env({**env, "APP_ENV": "test"}).egress.allow_loopback


@pytest.mark.parametrize("settings_class", SERVICES)
@pytest.mark.parametrize(
    "env", [{"TRUSTED_PROXY_HOPS": "-1"}, {"TRUSTED_PROXY_HOPS": "one"}, {"METRICS_BIND": "9101x"}]
)
def test_bad_edge_settings_are_refused(settings_class: type, env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        settings_class.from_env({"APP_ENV": "test", **env})


@pytest.mark.parametrize("settings_class", SERVICES)
def test_the_pool_defaults_are_documented_ones(settings_class: type) -> None:
    pool = settings_class.from_env({"APP_ENV": "test"}).db_pool
    assert (pool.size, pool.overflow, pool.timeout, pool.prepared) == (10, 5, 30.0, True)


@pytest.mark.parametrize("settings_class", SERVICES)
@pytest.mark.parametrize(
    ("variable", "value"),
    [("DB_POOL_SIZE", "0"), ("DB_POOL_OVERFLOW", "-1"), ("DB_POOL_TIMEOUT", "0")],
)
def test_a_pool_that_cannot_serve_is_refused(
    settings_class: type, variable: str, value: str
) -> None:
    with pytest.raises(SettingsError, match=variable):
        settings_class.from_env({"APP_ENV": "test", variable: value})
