"""Directory imports (admins): POST /admin/directory/imports starts one (an uploaded CSV/JSONL
file, or the configured SQL source), GET lists them, GET /<id> shows one's progress and result."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from flask_jwt_extended import get_jwt_identity, jwt_required
from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from libs.servicekit.http import load, localized
from libs.servicekit.openapi import documented

from ...application.directory_ports import DirectorySource
from ...domain.directory_files import FileFormat, UploadedFile
from ...domain.directory_plan import ImportMode
from ...domain.errors import FileRequiredError, FileTooLargeError, SourceNotConfiguredError
from ...domain.import_jobs import ImportJob, ImportRequest
from ...domain.model import MAX_PAGE_SIZE
from .context import optional_json, services
from .responses import ImportJobResponse, ImportPageResponse

bp = Blueprint("directory", __name__)

ADMIN_ERRORS = ["FORBIDDEN", "CSRF_FAILED", "TOKEN_REVOKED"]
MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and boundaries around the file


class ImportOptionsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    source = fields.String(
        load_default="file",
        validate=validate.OneOf(["file", "sql"]),
        metadata={"description": "file (the `file` part) or sql (DIRECTORY_SOURCE_URL)"},
    )
    file = fields.Raw(metadata={"type": "string", "format": "binary"})
    mode = fields.String(
        load_default=ImportMode.MERGE.value, validate=validate.OneOf([m.value for m in ImportMode])
    )
    dryRun = fields.Boolean(load_default=False)
    force = fields.Boolean(load_default=False)
    format = fields.String(
        load_default=None, validate=validate.OneOf([f.value for f in FileFormat])
    )


class ImportPageQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


@bp.post("/admin/directory/imports")
@documented(
    "Start a directory import (admins): multipart `file` (CSV or JSONL, ≤ DIRECTORY_MAX_BYTES) or"
    " source=sql; mode merge|full, dryRun, force. 202 with the job; follow it with GET",
    body=ImportOptionsSchema,
    content_type="multipart/form-data",
    response=ImportJobResponse,
    status=202,
    errors=[
        "VALIDATION_ERROR",
        "FILE_REQUIRED",
        "FILE_TOO_LARGE",
        "UNREADABLE_FILE",
        "SOURCE_NOT_CONFIGURED",
        "IMPORT_IN_PROGRESS",
        *ADMIN_ERRORS,
    ],
    tags=["directory"],
)
@jwt_required()
def start_import() -> tuple[Response, int, dict[str, str]]:
    settings = services().settings
    request.max_content_length = settings.directory_max_bytes + MULTIPART_OVERHEAD
    actor = services().users.actor(get_jwt_identity())
    services().sync.authorise(actor)  # before the upload is read
    try:
        options = load(ImportOptionsSchema(), _form())
        source = _source(options, settings.directory_max_bytes)
    except RequestEntityTooLarge:
        raise FileTooLargeError() from None
    mode = ImportMode(options["mode"])
    wanted = ImportRequest(mode, options["dryRun"], options["force"], source.description)
    job = services().sync.start(actor, wanted, source)
    location = url_for("directory.get_import", job_id=job.id)
    return jsonify(dump_job(job)), 202, {"Location": location}


@bp.get("/admin/directory/imports")
@documented(
    "Directory imports, newest first (admins)",
    query=ImportPageQuerySchema,
    response=ImportPageResponse,
    errors=["VALIDATION_ERROR", *ADMIN_ERRORS],
    tags=["directory"],
)
@jwt_required()
def list_imports() -> Response:
    query = load(ImportPageQuerySchema(), request.args.to_dict())
    actor = services().users.actor(get_jwt_identity())
    page, limit = query["page"], query["limit"]
    jobs, total = services().sync.page(actor, page, limit)
    pagination = {"page": page, "limit": limit, "total": total, "pages": -(-total // limit)}
    return jsonify(imports=[dump_job(j) for j in jobs], pagination=pagination)


@bp.get("/admin/directory/imports/<job_id>")
@documented(
    "One directory import: status, phase and progress while it runs; then its result (the"
    " plan: created, updated, deactivated, reactivated, unchanged, errors) or its error",
    response=ImportJobResponse,
    errors=["IMPORT_NOT_FOUND", *ADMIN_ERRORS],
    tags=["directory"],
)
@jwt_required()
def get_import(job_id: str) -> Response:
    actor = services().users.actor(get_jwt_identity())
    return jsonify(dump_job(services().sync.get(actor, job_id)))


def _form() -> dict[str, Any]:
    """Multipart fields (with the file), or a JSON body (source=sql needs no file)."""
    if request.mimetype == "multipart/form-data":
        return {**request.form.to_dict(), **request.files.to_dict()}
    return optional_json()


def _source(options: dict[str, Any], max_bytes: int) -> DirectorySource:
    if options["source"] == "sql":
        configured = services().sql_source
        if configured is None:
            raise SourceNotConfiguredError()
        return configured
    upload = options.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise FileRequiredError()
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLargeError()
    return UploadedFile.checked(upload.filename or "import", data, options["format"])


def dump_job(job: ImportJob) -> dict[str, Any]:
    # the stored French message, in the reader's language when it is a catalogue text (one with
    # variable parts, such as the source's own error, stays as stored)
    message = localized(job.error_message) if job.error_message else job.error_message
    error = {"code": job.error_code, "message": message} if job.error_code else None
    return {
        "id": job.id,
        "status": job.status.value,
        "phase": job.phase.value,
        "progress": {"done": job.done, "total": job.total},
        "mode": job.request.mode.value,
        "dryRun": job.request.dry_run,
        "force": job.request.force,
        "source": job.request.source,
        "actorId": job.actor_id,
        "createdAt": job.created_at.isoformat(),
        "updatedAt": job.updated_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "result": job.result,
        "error": error,
    }
