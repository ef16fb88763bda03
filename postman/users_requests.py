"""auth_user requests: the Users folder (reads, search, batch, admin writes)."""

from __future__ import annotations

from .auth_requests import NO_SECRETS, USER_KEYS
from .dsl import auth

USERS_FOLDER = [
    auth(
        "GET /:id — user 1",
        "GET",
        "/{{userId}}",
        token="accessToken",
        keys=USER_KEYS,
        checks=(
            NO_SECRETS,
            (
                "user 1",
                "pm.expect(data.id).to.equal(env('userId')); "
                "pm.expect(data._id).to.equal(data.id);",
            ),
        ),
    ),
    auth(
        "GET /:id — by matricule",
        "GET",
        "/{{user2Matricule}}",
        token="accessToken",
        keys=USER_KEYS,
        checks=(("user 2", "pm.expect(data.id).to.equal(env('user2Id'));"),),
    ),
    auth(
        "GET /:id — unknown id (404 USER_NOT_FOUND)",
        "GET",
        "/{{unknownId}}",
        token="accessToken",
        status=404,
        error="USER_NOT_FOUND",
    ),
    auth(
        "GET /matricule/:matricule",
        "GET",
        "/matricule/{{user3Matricule}}",
        token="accessToken",
        keys=USER_KEYS,
        checks=(
            NO_SECRETS,
            ("user 3", "pm.expect(data.id).to.equal(env('user3Id'));"),
        ),
    ),
    auth(
        "GET /matricule/:matricule — unknown (404 USER_NOT_FOUND)",
        "GET",
        "/matricule/{{unknownMatricule}}",
        token="accessToken",
        status=404,
        error="USER_NOT_FOUND",
    ),
    auth(
        "GET /all?q= — search by name",
        "GET",
        "/all",
        token="accessToken",
        query=(("q", "Ngono"), ("page", "1"), ("limit", "10")),
        keys=("users", "pagination"),
        checks=(
            (
                "finds user 2",
                "pm.expect(data.users.map(u => u.matricule)).to.include(env('user2Matricule'));",
            ),
            (
                "no secrets",
                "data.users.forEach(u => pm.expect("
                "u).to.not.have.any.keys('password', 'password_hash'));",
            ),
            (
                "pagination shape",
                "pm.expect(data.pagination).to.include.all.keys("
                "'page', 'limit', 'total', 'pages');",
            ),
        ),
    ),
    auth(
        "GET /all — page size",
        "GET",
        "/all",
        token="accessToken",
        query=(("page", "1"), ("limit", "2")),
        keys=("users", "pagination"),
        checks=(
            (
                "two per page",
                "pm.expect(data.users.length).to.be.at.most(2); "
                "pm.expect(data.pagination.limit).to.equal(2);",
            ),
            ("five demo users at least", "pm.expect(data.pagination.total).to.be.at.least(5);"),
        ),
    ),
    auth(
        "GET /org/units — the organisation tree",
        "GET",
        "/org/units",
        token="accessToken",
        keys=("units", "agents"),
        checks=(
            (
                "the demo users' ministère",
                "pm.expect(data.units.map(u => u.name)).to.include('MINFI');",
            ),
            (
                "units nest directions and services",
                "data.units.forEach(u => pm.expect(u).to.include.all.keys("
                "'name', 'agents', 'directions'));",
            ),
        ),
    ),
    auth(
        "GET /all?ministere= — agents of one unit (accents and case aside)",
        "GET",
        "/all",
        token="accessToken",
        query=(("ministere", "minfi"), ("limit", "100")),
        keys=("users", "pagination"),
        checks=(
            (
                "only MINFI agents",
                "pm.expect(data.users.length).to.be.above(0); "
                "data.users.forEach(u => pm.expect(u.ministere.toLowerCase()).to.equal('minfi'));",
            ),
        ),
    ),
    auth(
        "GET /all — limit over 100 (400 VALIDATION_ERROR)",
        "GET",
        "/all",
        token="accessToken",
        status=400,
        query=(("limit", "1000"),),
        error="VALIDATION_ERROR",
    ),
    auth(
        "GET /batch — no token nor service signature (401 MISSING_TOKEN)",
        "GET",
        "/batch",
        query=(("ids", "{{userId}}"),),
        status=401,
        error="MISSING_TOKEN",
        no_cookies=True,
    ),
    auth(
        "GET /all — no token (401 MISSING_TOKEN)",
        "GET",
        "/all",
        status=401,
        error="MISSING_TOKEN",
        no_cookies=True,
    ),
    auth(
        "GET /batch?ids=",
        "GET",
        "/batch",
        token="accessToken",
        query=(("ids", "{{userId}},{{user2Id}},{{unknownId}}"),),
        keys=("users", "count", "missing"),
        checks=(
            (
                "two found",
                "pm.expect(data.count).to.equal(2); pm.expect(data.users.map("
                "u => u.id)).to.have.members([env('userId'), env('user2Id')]);",
            ),
            (
                "the unknown id is missing",
                "pm.expect(data.missing).to.eql([env('unknownId')]);",
            ),
        ),
    ),
    auth(
        "POST /batch",
        "POST",
        "/batch",
        token="accessToken",
        body={"ids": ["{{userId}}", "{{user3Id}}"]},
        keys=("users", "count", "missing"),
        checks=(
            (
                "both found",
                "pm.expect(data.count).to.equal(2); pm.expect(data.missing).to.eql([]);",
            ),
        ),
    ),
    auth(
        "POST /batch — ids not a list (400 VALIDATION_ERROR)",
        "POST",
        "/batch",
        token="accessToken",
        status=400,
        body={"ids": "{{userId}}"},
        error="VALIDATION_ERROR",
    ),
    auth(
        "POST / — admin creates a throwaway user",
        "POST",
        "/",
        status=201,
        token="adminToken",
        prerequest=("pm.environment.set('tempMatricule', 'PM' + Date.now());",),
        body={
            "matricule": "{{tempMatricule}}",
            "password": "{{password}}",
            "nom": "Postman",
            "prenom": "Jetable",
            "ministere": "MINFI",
        },
        keys=USER_KEYS,
        checks=(
            NO_SECRETS,
            (
                "the new user",
                "pm.expect(data.matricule).to.equal(env('tempMatricule')); "
                "pm.expect(data.role).to.equal('user');",
            ),
        ),
        save=(("tempUserId", "data.id"),),
    ),
    auth(
        "POST / — same matricule again (409 MATRICULE_TAKEN)",
        "POST",
        "/",
        status=409,
        token="adminToken",
        body={
            "matricule": "{{tempMatricule}}",
            "password": "{{password}}",
            "nom": "Postman",
            "prenom": "Bis",
        },
        error="MATRICULE_TAKEN",
    ),
    auth(
        "POST / — not an admin (403 FORBIDDEN)",
        "POST",
        "/",
        status=403,
        token="accessToken",
        body={
            "matricule": "{{tempMatricule}}X",
            "password": "{{password}}",
            "nom": "Postman",
            "prenom": "Non",
        },
        error="FORBIDDEN",
    ),
    auth(
        "PUT /:id — admin updates the throwaway user",
        "PUT",
        "/{{tempUserId}}",
        token="adminToken",
        body={"prenom": "Modifié", "ministere": "MINSANTE"},
        keys=USER_KEYS,
        checks=(
            (
                "updated",
                "pm.expect(data.prenom).to.equal('Modifié'); "
                "pm.expect(data.ministere).to.equal('MINSANTE');",
            ),
        ),
    ),
    auth(
        "PUT /:id — another user's profile (403 FORBIDDEN)",
        "PUT",
        "/{{tempUserId}}",
        status=403,
        token="accessToken",
        body={"prenom": "Pirate"},
        error="FORBIDDEN",
    ),
    auth(
        "POST /:id/deactivate — admin deactivates the throwaway user (sessions end)",
        "POST",
        "/{{tempUserId}}/deactivate",
        token="adminToken",
        keys=USER_KEYS,
        checks=(("inactive", "pm.expect(data.active).to.equal(false);"),),
    ),
    auth(
        "POST /:id/reactivate — admin reactivates the throwaway user",
        "POST",
        "/{{tempUserId}}/reactivate",
        token="adminToken",
        keys=USER_KEYS,
        checks=(("active again", "pm.expect(data.active).to.equal(true);"),),
    ),
    auth(
        "DELETE /:id — admin deletes the throwaway user",
        "DELETE",
        "/{{tempUserId}}",
        token="adminToken",
        keys=("message", "id"),
        checks=(("that user", "pm.expect(data.id).to.equal(env('tempUserId'));"),),
    ),
    auth(
        "GET /:id — the deleted user (404 USER_NOT_FOUND)",
        "GET",
        "/{{tempUserId}}",
        token="accessToken",
        status=404,
        error="USER_NOT_FOUND",
    ),
]
