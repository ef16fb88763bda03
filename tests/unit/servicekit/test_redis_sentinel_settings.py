"""REDIS_SENTINELS parsing, the Socket.IO queue URL through the sentinels, and both services'
settings carrying them."""

from __future__ import annotations

import pytest

from libs.servicekit.settings import SettingsError, redis_sentinels
from libs.servicekit.stores import sentinel_queue_url
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.realtime_root import queue_options
from services.chat_file.settings import Settings as ChatSettings

SENTINELS = (("10.0.0.5", 26379), ("10.0.0.6", 26379), ("sentinel-3", 26380))


def test_sentinels_are_read_as_host_port_pairs() -> None:
    env = {"REDIS_SENTINELS": " 10.0.0.5:26379, 10.0.0.6:26379 ,sentinel-3:26380,"}
    assert redis_sentinels(env) == SENTINELS
    assert redis_sentinels({}) == ()


@pytest.mark.parametrize("raw", ["10.0.0.5", "10.0.0.5:port", ":26379"])
def test_malformed_sentinels_are_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="REDIS_SENTINELS"):
        redis_sentinels({"REDIS_SENTINELS": raw})


def test_queue_url_goes_through_the_sentinels_keeping_db_and_credentials() -> None:
    url = sentinel_queue_url("redis://:s3cret@cache:6379/2", SENTINELS, "ngomna")
    assert url == (
        "redis+sentinel://:s3cret@10.0.0.5:26379,10.0.0.6:26379,sentinel-3:26380/2/ngomna"
    )
    assert sentinel_queue_url("redis://cache:6379", SENTINELS[:1], "m") == (
        "redis+sentinel://10.0.0.5:26379/0/m"
    )
    assert sentinel_queue_url("redis://cache:6379/0", (), "m") == "redis://cache:6379/0"
    assert sentinel_queue_url("", SENTINELS, "m") == ""


def test_both_services_read_the_sentinel_settings() -> None:
    env = {
        "APP_ENV": "test",
        "REDIS_SENTINELS": "10.0.0.5:26379",
        "REDIS_SENTINEL_SERVICE": "ngomna",
    }
    chat = ChatSettings.from_env({**env, "SOCKETIO_MESSAGE_QUEUE": "redis://x:6379/0"})
    auth = AuthSettings.from_env(env)
    for settings in (chat, auth):
        assert settings.redis_sentinels == (("10.0.0.5", 26379),)
        assert settings.redis_sentinel_service == "ngomna"
    assert chat.message_queue_url == "redis+sentinel://10.0.0.5:26379/0/ngomna"
    assert ChatSettings.from_env({"APP_ENV": "test"}).redis_sentinel_service == "mymaster"


def test_a_sentinel_queue_gets_python_socketio_redis_manager() -> None:
    options = queue_options("redis+sentinel://10.0.0.5:26379/0/ngomna", "p:flask-socketio")
    assert type(options["client_manager"]).__name__ == "RedisManager"
    assert options["client_manager"].channel == "p:flask-socketio"
    plain = queue_options("redis://cache:6379/0", "c")
    assert plain == {"message_queue": "redis://cache:6379/0", "channel": "c"}
    assert queue_options("", "c") == {"message_queue": None, "channel": "c"}
