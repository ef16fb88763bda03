"""auth_user requests: the Admin folder (directory imports; the admin's token)."""

from __future__ import annotations

from .dsl import auth

AGENTS = "fixtures/agents.csv"  # relative to postman/ (newman --working-dir postman)
JOB_KEYS = ("id", "status", "phase", "progress", "mode", "dryRun", "result", "error")

ADMIN_FOLDER = [
    auth(
        "POST /admin/directory/imports — dry run of a CSV file (202)",
        "POST",
        "/admin/directory/imports",
        status=202,
        token="adminToken",
        form=(("file", "file", AGENTS), ("mode", "text", "merge"), ("dryRun", "text", "true")),
        keys=JOB_KEYS,
        checks=(
            ("a dry run", "pm.expect(data.dryRun).to.equal(true);"),
            (
                "where to follow it",
                "pm.expect(pm.response.headers.get('Location')).to.include(data.id);",
            ),
        ),
        save=(("importId", "data.id"),),
        description="Follow the job with GET /admin/directory/imports/:id until its status"
        " is no longer `running`; its `result` is then the exact plan.",
    ),
    auth(
        "POST /admin/directory/imports — no file (400 FILE_REQUIRED)",
        "POST",
        "/admin/directory/imports",
        status=400,
        token="adminToken",
        form=(("mode", "text", "merge"),),
        error="FILE_REQUIRED",
    ),
    auth(
        "POST /admin/directory/imports — not an admin (403 FORBIDDEN)",
        "POST",
        "/admin/directory/imports",
        status=403,
        token="accessToken",
        form=(("file", "file", AGENTS),),
        error="FORBIDDEN",
    ),
    auth(
        "GET /admin/directory/imports/:id — progress, then the plan",
        "GET",
        "/admin/directory/imports/{{importId}}",
        token="adminToken",
        keys=JOB_KEYS,
        checks=(
            ("the dry run", "pm.expect(data.id).to.equal(env('importId'));"),
            (
                "running, or its plan",
                "if (data.status !== 'running') { pm.expect(data.result).to.include.all.keys("
                "'created', 'updated', 'deactivated', 'reactivated', 'unchanged', 'errors'); }",
            ),
        ),
    ),
    auth(
        "GET /admin/directory/imports — newest first",
        "GET",
        "/admin/directory/imports",
        token="adminToken",
        query=(("page", "1"), ("limit", "10")),
        keys=("imports", "pagination"),
        checks=(("the dry run first", "pm.expect(data.imports[0].id).to.equal(env('importId'));"),),
    ),
    auth(
        "POST /admin/directory/imports/:id/activation-codes — the import's codes (CSV)",
        "POST",
        "/admin/directory/imports/{{importId}}/activation-codes",
        token="adminToken",
        raw=True,
        checks=(
            ("a CSV", "pm.expect(pm.response.headers.get('Content-Type')).to.include('text/csv');"),
            (
                "never cached",
                "pm.expect(pm.response.headers.get('Cache-Control')).to.equal('no-store');",
            ),
            (
                "the header line",
                "pm.expect(pm.response.text()).to.include('matricule;nom;prenom');",
            ),
        ),
        description="A dry run created nobody: the CSV holds its header only. After a real"
        " import it lists one new code per agent still waiting to activate.",
    ),
    auth(
        "POST /:id/activation-code — one agent's new code",
        "POST",
        "/{{user3Id}}/activation-code",
        token="adminToken",
        keys=("matricule", "code", "expiresAt"),
        checks=(
            (
                "XXXX-XXXX-XXXX",
                "pm.expect(data.code).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);",
            ),
        ),
        description="User 3's password keeps working until the code is used with POST /activate.",
    ),
    auth(
        "POST /activate — wrong code (401 INVALID_ACTIVATION_CODE)",
        "POST",
        "/activate",
        status=401,
        body={
            "matricule": "{{user3Matricule}}",
            "code": "AAAA-BBBB-CCCC",
            "password": "Nouveau-2026!",
        },
        error="INVALID_ACTIVATION_CODE",
        description="With the right code: what POST /login answers, and the agent's password set.",
    ),
    auth(
        "GET /admin/directory/imports/:id — unknown (404 IMPORT_NOT_FOUND)",
        "GET",
        "/admin/directory/imports/{{unknownId}}",
        token="adminToken",
        status=404,
        error="IMPORT_NOT_FOUND",
    ),
]
