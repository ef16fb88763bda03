"""auth_user requests: the Auth folder (logins first) and the Logout folder (run last)."""

from __future__ import annotations

from .dsl import Call, auth

USER_KEYS = (
    "_id",
    "id",
    "matricule",
    "nom",
    "prenom",
    "profile_pic",
    "avatar",
    "email",
    "ministere",
    "sexe",
    "role",
    "active",
    "direction",
    "service",
    "poste",
    "phone",
    "locale",
    "activated",
)
NO_SECRETS = (
    "no secret fields",
    "pm.expect(data).to.not.have.any.keys('password', 'password_hash');",
)
USER_NO_SECRETS = (
    "user has no secret fields",
    "pm.expect(data.user).to.not.have.any.keys('password', 'password_hash');",
)


PASSWORD = "{{password}}"  # the environment's variable, not a secret


def credentials(user: str, password: str = PASSWORD) -> dict[str, str]:
    return {"matricule": f"{{{{{user}Matricule}}}}", "password": password}


DEFAULT_MATRICULES = {
    "user1": "MAT1001",
    "user2": "MAT1002",
    "user3": "MAT1003",
    "user4": "MAT1004",
    "admin": "ADMIN001",
}


# The readable double-submit cookie set by /login, read from its Set-Cookie header.
CSRF_REFRESH_COOKIE = (
    "pm.response.headers.all().filter(h => h.key.toLowerCase() === 'set-cookie')"
    ".map(h => /^csrf_refresh_token=([^;]+)/.exec(h.value)).filter(m => m)[0][1]"
)


def login(user: str, token_var: str, id_var: str, refresh_var: str) -> Call:
    role = "admin" if user == "admin" else "user"
    return auth(
        f"Login {user} ({DEFAULT_MATRICULES[user]})",
        "POST",
        "/login",
        body=credentials(user),
        keys=("user", "accessToken", "refreshToken"),
        checks=(
            ("user shape", f"pm.expect(data.user).to.include.all.keys({_quoted(USER_KEYS)});"),
            USER_NO_SECRETS,
            (f"role {role}", f"pm.expect(data.user.role).to.equal('{role}');"),
            (
                "the matricule logged in",
                f"pm.expect(data.user.matricule).to.equal(env('{user}Matricule'));",
            ),
            (
                "access token cookie set",
                "pm.expect(pm.response.headers.toString()).to.include('accessToken=');",
            ),
        ),
        save=(
            (token_var, "data.accessToken"),
            (id_var, "data.user.id"),
            (refresh_var, "data.refreshToken"),
            ("csrfRefreshToken", CSRF_REFRESH_COOKIE),
        ),
    )


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)


AUTH_FOLDER = [
    auth(
        "Login — wrong password (401 INVALID_CREDENTIALS)",
        "POST",
        "/login",
        status=401,
        body=credentials("user1", "not-the-password"),
        error="INVALID_CREDENTIALS",
    ),
    auth(
        "Login — missing password (400 VALIDATION_ERROR)",
        "POST",
        "/login",
        status=400,
        body={"matricule": "{{user1Matricule}}"},
        error="VALIDATION_ERROR",
    ),
    login("user1", "accessToken", "userId", "refreshToken"),
    login("user2", "user2Token", "user2Id", "user2RefreshToken"),
    login("user3", "user3Token", "user3Id", "user3RefreshToken"),
    login("admin", "adminToken", "adminId", "adminRefreshToken"),
    auth(
        "Refresh — browser flow: refresh cookie + X-CSRF-TOKEN (admin's session)",
        "POST",
        "/refresh",
        headers=(("X-CSRF-TOKEN", "{{csrfRefreshToken}}"),),
        keys=("accessToken", "refreshToken"),
        checks=(
            (
                "rotated",
                "pm.expect(data.refreshToken).to.not.equal(env('adminRefreshToken'));",
            ),
            (
                "new session cookies",
                "pm.expect(pm.response.headers.toString()).to.include('refreshToken=');",
            ),
        ),
        save=(("adminToken", "data.accessToken"), ("adminRefreshToken", "data.refreshToken")),
        description="No body: the jar sends the refreshToken cookie set by the admin login.",
    ),
    auth(
        "Refresh — cookie without X-CSRF-TOKEN (403 CSRF_FAILED)",
        "POST",
        "/refresh",
        status=403,
        error="CSRF_FAILED",
    ),
    auth(
        "Validate — access token as Bearer",
        "POST",
        "/validate",
        token="accessToken",
        keys=("valid", "id", "matricule", "exp"),
        checks=(
            (
                "valid, for user 1",
                "pm.expect(data.valid).to.equal(true); pm.expect(data.id).to.equal(env('userId'));",
            ),
            ("exp in the future", "pm.expect(data.exp * 1000).to.be.above(Date.now());"),
        ),
    ),
    auth(
        "Validate — token in the body",
        "POST",
        "/validate",
        body={"token": "{{user2Token}}"},
        keys=("valid", "id", "matricule", "exp"),
        checks=(("user 2's token", "pm.expect(data.id).to.equal(env('user2Id'));"),),
    ),
    auth(
        "Validate — garbage token (401 INVALID_TOKEN)",
        "POST",
        "/validate",
        status=401,
        body={"token": "not-a-jwt"},
        error="INVALID_TOKEN",
    ),
    auth(
        "Validate — a refresh token is not an access token (401 INVALID_TOKEN)",
        "POST",
        "/validate",
        status=401,
        body={"token": "{{refreshToken}}"},
        error="INVALID_TOKEN",
    ),
    # User 4's session ends by reuse: done before user 1's rotation, so that the session
    # cookies the jar keeps (chat_file's cookie requests use them) are of a live session.
    login("user4", "user4Token", "user4Id", "user4RefreshToken"),
    auth(
        "Refresh — rotate user 4's refresh token",
        "POST",
        "/refresh",
        body={"refreshToken": "{{user4RefreshToken}}"},
        keys=("accessToken", "refreshToken"),
        save=(
            ("user4SpentRefreshToken", "env('user4RefreshToken')"),
            ("user4RefreshToken", "data.refreshToken"),
        ),
    ),
    auth(
        "Refresh — spent token reused (401 REFRESH_TOKEN_REUSED)",
        "POST",
        "/refresh",
        status=401,
        body={"refreshToken": "{{user4SpentRefreshToken}}"},
        error="REFRESH_TOKEN_REUSED",
    ),
    auth(
        "Refresh — after a reuse the whole family is revoked (401 REFRESH_TOKEN_REVOKED)",
        "POST",
        "/refresh",
        status=401,
        body={"refreshToken": "{{user4RefreshToken}}"},
        error="REFRESH_TOKEN_REVOKED",
    ),
    auth(
        "Refresh — rotate user 1's refresh token",
        "POST",
        "/refresh",
        body={"refreshToken": "{{refreshToken}}"},
        keys=("accessToken", "refreshToken"),
        checks=(
            (
                "a new refresh token",
                "pm.expect(data.refreshToken).to.not.equal(env('refreshToken'));",
            ),
        ),
        save=(
            ("spentRefreshToken", "env('refreshToken')"),
            ("refreshToken", "data.refreshToken"),
            ("accessToken", "data.accessToken"),
        ),
    ),
    auth(
        "Validate — the rotated access token",
        "POST",
        "/validate",
        token="accessToken",
        keys=("valid", "id"),
        checks=(("user 1", "pm.expect(data.id).to.equal(env('userId'));"),),
    ),
    auth(
        "Refresh — no token at all (401 MISSING_TOKEN)",
        "POST",
        "/refresh",
        status=401,
        body={},
        error="MISSING_TOKEN",
        no_cookies=True,
    ),
]

LOGOUT_FOLDER = [
    auth(
        "Audit log — admin reads the security events (newest first)",
        "GET",
        "/audit",
        token="adminToken",
        query=(("limit", "5"),),
        keys=("events", "pagination"),
        checks=(("some events", "pm.expect(data.events.length).to.be.above(0);"),),
    ),
    auth(
        "Audit log — not an admin (403 FORBIDDEN)",
        "GET",
        "/audit",
        token="user3Token",
        status=403,
        error="FORBIDDEN",
    ),
    auth(
        "Sessions of user 3 (devices, IP, login and last use)",
        "GET",
        "/sessions",
        token="user3Token",
        keys=("sessions",),
        checks=(
            (
                "the current session is listed",
                "pm.expect(data.sessions.some(s => s.current)).to.be.true;",
            ),
        ),
    ),
    auth(
        "End one session — not one of mine (404 SESSION_NOT_FOUND)",
        "DELETE",
        "/sessions/{{unknownId}}",
        token="user3Token",
        status=404,
        error="SESSION_NOT_FOUND",
    ),
    auth(
        "Logout everywhere user 3 (every session ends, sockets closed within 1 s)",
        "POST",
        "/logout-all",
        token="user3Token",
        keys=("message",),
    ),
    auth(
        "Logout user 1 (revokes the refresh family)",
        "POST",
        "/logout",
        body={"refreshToken": "{{refreshToken}}"},
        keys=("message", "revoked"),
        checks=(
            ("revoked", "pm.expect(data.revoked).to.equal(true);"),
            (
                "session cookies cleared",
                "pm.expect(pm.response.headers.toString()).to.include('accessToken=; Expires');",
            ),
        ),
    ),
    auth(
        "Refresh — after logout (401 REFRESH_TOKEN_REVOKED)",
        "POST",
        "/refresh",
        status=401,
        body={"refreshToken": "{{refreshToken}}"},
        error="REFRESH_TOKEN_REVOKED",
    ),
    auth(
        "Logout user 2",
        "POST",
        "/logout",
        body={"refreshToken": "{{user2RefreshToken}}"},
        keys=("message", "revoked"),
        checks=(("revoked", "pm.expect(data.revoked).to.equal(true);"),),
    ),
    auth(
        "Logout — nothing to revoke",
        "POST",
        "/logout",
        body={},
        keys=("message", "revoked"),
        checks=(("nothing revoked", "pm.expect(data.revoked).to.equal(false);"),),
        no_cookies=True,
    ),
]
