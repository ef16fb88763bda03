"""What the egress guard lets through: `EgressPolicy`, and the settings it is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.servicekit.settings import DEVELOPMENT_ENVS, SettingsError, env_bool, env_float, env_int

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024
MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class EgressPolicy:
    """The rules for one kind of outgoing request (Web Push, webhooks, link previews...).

    `allowed_hosts`: host names a URL may name, each also covering its subdomains; empty means
    any host whose addresses are public. `allow_loopback`: http or https to loopback addresses
    (127.0.0.0/8, ::1) — for local receivers in development and tests only; nothing else
    private is ever reachable. `timeout`: seconds for the whole request (connect, headers,
    body). `max_response_bytes`: the largest body read; a bigger one is refused.
    """

    allowed_hosts: tuple[str, ...] = ()
    allow_loopback: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        hosts = tuple(h.strip().lower().rstrip(".") for h in self.allowed_hosts if h.strip())
        object.__setattr__(self, "allowed_hosts", hosts)
        if self.timeout <= 0 or self.max_response_bytes <= 0:
            raise ValueError("an egress policy needs a positive timeout and response size")

    def host_allowed(self, host: str) -> bool:
        if not self.allowed_hosts:
            return True
        return any(host == h or host.endswith("." + h) for h in self.allowed_hosts)


@dataclass(frozen=True)
class EgressSettings:
    """`EGRESS_*`: shared by every use of the guard; each use adds its own allowed hosts."""

    allow_loopback: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str], app_env: str) -> EgressSettings:
        allow_loopback = env_bool(env, "EGRESS_ALLOW_LOOPBACK", False)
        if allow_loopback and app_env not in DEVELOPMENT_ENVS:
            raise SettingsError(
                "EGRESS_ALLOW_LOOPBACK is for local receivers: only with APP_ENV=development "
                f"or test, not {app_env}"
            )
        settings = cls(
            allow_loopback=allow_loopback,
            timeout=env_float(env, "EGRESS_TIMEOUT", DEFAULT_TIMEOUT),
            max_response_bytes=env_int(
                env, "EGRESS_MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES
            ),
        )
        for name, value in (
            ("EGRESS_TIMEOUT", settings.timeout),
            ("EGRESS_MAX_RESPONSE_BYTES", settings.max_response_bytes),
        ):
            if value <= 0:
                raise SettingsError(f"{name} must be positive, got {value}")
        return settings

    def policy(self, allowed_hosts: tuple[str, ...] = ()) -> EgressPolicy:
        return EgressPolicy(
            allowed_hosts=allowed_hosts,
            allow_loopback=self.allow_loopback,
            timeout=self.timeout,
            max_response_bytes=self.max_response_bytes,
        )
