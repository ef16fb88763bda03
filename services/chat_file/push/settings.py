"""Push notification settings (part of chat_file's `Settings`, built once from the environment).

Secrets (the VAPID private key, the FCM service-account file's content) are never printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.servicekit.settings import SettingsError, env_bool, env_float, env_int, env_str

# Hosts (and their subdomains) of the browsers' push services a Web Push endpoint may name.
DEFAULT_ENDPOINT_HOSTS = (
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
)


@dataclass(frozen=True)
class PushSettings:
    enabled: bool = True
    vapid_private_key: str = ""  # PEM, or base64url of the raw 32-byte key
    vapid_public_key: str = ""  # base64url uncompressed point, handed to web clients
    vapid_subject: str = "mailto:admin@ngomna.local"
    endpoint_hosts: tuple[str, ...] = DEFAULT_ENDPOINT_HOSTS
    fcm_project_id: str = ""
    fcm_credentials_file: str = ""  # service-account JSON (its token_uri is used as is)
    fcm_endpoint: str = "https://fcm.googleapis.com"
    max_attempts: int = 8
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 600.0
    timeout: float = 10.0
    ttl: int = 24 * 3600  # seconds the provider keeps an undelivered notification

    def __repr__(self) -> str:
        return f"PushSettings(enabled={self.enabled!r}, fcm={bool(self.fcm_project_id)!r}, …)"

    @property
    def webpush_ready(self) -> bool:
        return bool(self.vapid_private_key)

    @property
    def fcm_ready(self) -> bool:
        return bool(self.fcm_project_id and self.fcm_credentials_file)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PushSettings:
        hosts = env_str(env, "WEBPUSH_ENDPOINT_HOSTS", ",".join(DEFAULT_ENDPOINT_HOSTS))
        settings = cls(
            enabled=env_bool(env, "PUSH_ENABLED", True),
            vapid_private_key=env.get("VAPID_PRIVATE_KEY", "").strip(),
            vapid_public_key=env.get("VAPID_PUBLIC_KEY", "").strip(),
            vapid_subject=env_str(env, "VAPID_SUBJECT", "mailto:admin@ngomna.local"),
            endpoint_hosts=tuple(h.strip().lower() for h in hosts.split(",") if h.strip()),
            fcm_project_id=env.get("FCM_PROJECT_ID", "").strip(),
            fcm_credentials_file=env.get("FCM_CREDENTIALS_FILE", "").strip(),
            fcm_endpoint=env_str(env, "FCM_ENDPOINT", "https://fcm.googleapis.com").rstrip("/"),
            max_attempts=env_int(env, "PUSH_MAX_ATTEMPTS", 8),
            retry_base_seconds=env_float(env, "PUSH_RETRY_BASE_SECONDS", 2.0),
            retry_max_seconds=env_float(env, "PUSH_RETRY_MAX_SECONDS", 600.0),
            timeout=env_float(env, "PUSH_TIMEOUT", 10.0),
            ttl=env_int(env, "PUSH_TTL", 24 * 3600),
        )
        if settings.max_attempts < 1 or settings.retry_base_seconds <= 0:
            raise SettingsError("PUSH_MAX_ATTEMPTS >= 1 and PUSH_RETRY_BASE_SECONDS > 0")
        if not settings.vapid_subject.startswith(("mailto:", "https://")):
            raise SettingsError("VAPID_SUBJECT must be a mailto: or https:// URL")
        return settings
