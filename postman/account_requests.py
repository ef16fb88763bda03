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
    auth(
        "GET /me/mfa — the caller's second factor",
        "GET",
        "/me/mfa",
        token="user3Token",
        keys=("enabled", "required", "recoveryCodesLeft"),
        checks=(("not enabled", "pm.expect(data.enabled).to.equal(false);"),),
    ),
    auth(
        "POST /me/mfa/setup — a TOTP secret for an authenticator app",
        "POST",
        "/me/mfa/setup",
        token="user3Token",
        keys=("secret", "otpauthUri"),
        checks=(
            ("an otpauth URI", "pm.expect(data.otpauthUri).to.match(/^otpauth:\\/\\/totp\\//);"),
        ),
        description="Scan the URI's QR code, then confirm with the app's first code.",
    ),
    auth(
        "POST /me/mfa/confirm — wrong code (401 INVALID_MFA_CODE)",
        "POST",
        "/me/mfa/confirm",
        token="user3Token",
        status=401,
        body={"code": "000000"},
        error="INVALID_MFA_CODE",
        description="With the app's current code: MFA on, and ten recovery codes (shown once).",
    ),
    auth(
        "POST /me/mfa/recovery-codes — not enabled (409 MFA_NOT_ENABLED)",
        "POST",
        "/me/mfa/recovery-codes",
        token="user3Token",
        status=409,
        body={"code": "000000"},
        error="MFA_NOT_ENABLED",
    ),
    auth(
        "POST /me/mfa/disable — not enabled (409 MFA_NOT_ENABLED)",
        "POST",
        "/me/mfa/disable",
        token="user3Token",
        status=409,
        body={"code": "000000"},
        error="MFA_NOT_ENABLED",
    ),
    auth(
        "POST /login/mfa/setup — unknown challenge (401 MFA_CHALLENGE_EXPIRED)",
        "POST",
        "/login/mfa/setup",
        status=401,
        body={"mfaToken": "not-a-challenge"},
        error="MFA_CHALLENGE_EXPIRED",
        description="The mfaToken comes from a login answered 401 MFA_REQUIRED.",
    ),
    auth(
        "POST /login/mfa — unknown challenge (401 MFA_CHALLENGE_EXPIRED)",
        "POST",
        "/login/mfa",
        status=401,
        body={"mfaToken": "not-a-challenge", "code": "123456"},
        error="MFA_CHALLENGE_EXPIRED",
        description="With a live challenge and the app's code: what POST /login answers.",
    ),
    auth(
        "DELETE /:id/mfa — admin reset, nothing to reset (409 MFA_NOT_ENABLED)",
        "DELETE",
        "/{{user4Id}}/mfa",
        token="adminToken",
        status=409,
        error="MFA_NOT_ENABLED",
    ),
]
