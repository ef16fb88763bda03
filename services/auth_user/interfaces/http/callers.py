"""Who is calling a directory route: a user (access token) or a service (signed request).

Lookups (`GET /<id>`, `/matricule/<m>`, `/batch`) and the user list need one or the other;
each caller is rate limited; `email` and `role` are shown only to the user themself and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_jwt_extended import get_jwt, verify_jwt_in_request

from libs.servicekit.service_auth import is_signed, verified_service

from ...domain.errors import InvalidServiceSignatureError
from .context import services

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Caller:
    key: str  # "user:<id>" or "service:<name>": the rate-limit bucket
    user_id: str | None = None
    admin: bool = False

    def sees_private_fields_of(self, user_id: str) -> bool:
        return self.admin or self.user_id == user_id


def identify_caller() -> Caller:
    settings = services().settings
    headers = dict(request.headers.items())
    if is_signed(headers):
        target = request.path + (
            f"?{request.query_string.decode()}" if request.query_string else ""
        )
        name = verified_service(
            settings.service_secret,
            headers,
            request.method,
            target,
            request.get_data(cache=True),
        )
        if name is None:
            raise InvalidServiceSignatureError()
        return Caller(f"service:{name}")
    verify_jwt_in_request()  # MISSING_TOKEN / INVALID_TOKEN / TOKEN_EXPIRED / TOKEN_REVOKED
    claims = get_jwt()
    return Caller(f"user:{claims['id']}", str(claims["id"]), claims.get("role") == "admin")


def caller_required(view: F) -> F:
    """Identify and rate-limit the caller, then run the view (`current_caller()` inside)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        caller = identify_caller()
        action = "service-lookup" if caller.user_id is None else "lookup"
        services().users.admit_lookup(caller.key, action)
        g.caller = caller
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def current_caller() -> Caller:
    caller: Caller = g.caller
    return caller
