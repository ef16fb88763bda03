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
        "GET /admin/directory/imports/:id — unknown (404 IMPORT_NOT_FOUND)",
        "GET",
        "/admin/directory/imports/{{unknownId}}",
        token="adminToken",
        status=404,
        error="IMPORT_NOT_FOUND",
    ),
]
