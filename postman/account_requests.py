"""auth_user requests: the Account folder (self service: the caller's account, language and
password)."""

from __future__ import annotations

from .auth_requests import NO_SECRETS, USER_KEYS
from .dsl import auth

ACCOUNT_FOLDER = [
    auth(
        "GET /me — the caller's account",
        "GET",
        "/me",
        token="user3Token",
        keys=USER_KEYS,
        checks=(
            NO_SECRETS,
            (
                "user 3, private fields shown",
                "pm.expect(data.id).to.equal(env('user3Id')); "
                "pm.expect(data.role).to.equal('user');",
            ),
        ),
    ),
    auth(
        "PATCH /me — choose English",
        "PATCH",
        "/me",
        token="user3Token",
        body={"locale": "en"},
        keys=USER_KEYS,
        checks=(("locale en", "pm.expect(data.locale).to.equal('en');"),),
    ),
    auth(
        "PATCH /me — back to French",
        "PATCH",
        "/me",
        token="user3Token",
        body={"locale": "fr"},
        keys=USER_KEYS,
        checks=(("locale fr", "pm.expect(data.locale).to.equal('fr');"),),
    ),
    auth(
        "PATCH /me — unknown language (400 VALIDATION_ERROR)",
        "PATCH",
        "/me",
        token="user3Token",
        status=400,
        body={"locale": "de"},
        error="VALIDATION_ERROR",
    ),
    auth(
        "POST /me/password — wrong current password (403 INVALID_CURRENT_PASSWORD)",
        "POST",
        "/me/password",
        token="user3Token",
        status=403,
        body={"currentPassword": "not-the-password", "newPassword": "Nouveau-2026!"},
        error="INVALID_CURRENT_PASSWORD",
        description="With the right current password the other sessions of user 3 would end.",
    ),
]
