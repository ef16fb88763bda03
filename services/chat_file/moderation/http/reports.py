"""Report routes: a participant reports a message; moderators list, read and close reports."""

from __future__ import annotations

from flask import request

from libs.servicekit.http import Reply, json_body, load, ok, optional_body
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.moderation.api.schemas import (
    CLOSE_REPORT,
    REPORT,
    REPORT_QUERY,
    CloseReportSchema,
    ReportQuerySchema,
    ReportSchema,
)
from services.chat_file.moderation.api.views import (
    REPORT_PAGE,
    REPORT_VIEW,
    ReportPageView,
    ReportView,
)
from services.chat_file.moderation.domain.reports import ReportFilter, ReportStatus
from services.chat_file.moderation.http.context import moderation

bp = protected_blueprint("moderation_reports", __name__)
MODERATOR = ("MODERATOR_REQUIRED",)
REPORT_ERRORS = (*MODERATOR, "INVALID_ID", "REPORT_NOT_FOUND")


@bp.post("/messages/<message_id>/report")
@documented(
    "Report a message of a conversation the caller takes part in (moderators get report:new)",
    body=ReportSchema,
    response=ReportView,
    status=201,
    errors=(*WRITE_ERRORS, "INVALID_ID", "MESSAGE_NOT_FOUND", "ALREADY_REPORTED"),
    tags=["moderation"],
)
def report_message(message_id: str) -> Reply:
    body = load(REPORT, json_body())
    report = moderation().reports.report(
        current_user(), message_id, body["reason"], body["comment"]
    )
    return ok(REPORT_VIEW.dump_fast(report), 201, "Message signalé")


@bp.get("/moderation/reports")
@documented(
    "Reports, newest first (moderators and admins): filter by status, reason, conversationId, "
    "reporterId, senderId; page with before=nextBefore",
    query=ReportQuerySchema,
    response=ReportPageView,
    errors=(*AUTH_ERRORS, "VALIDATION_ERROR", "INVALID_ID", *MODERATOR),
    tags=["moderation"],
)
def list_reports() -> Reply:
    args = load(REPORT_QUERY, request.args.to_dict())
    status = args.get("status")
    where = ReportFilter(
        status=ReportStatus(status) if status else None,
        reason=args.get("reason"),
        conversation_id=args.get("conversationId"),
        reporter_id=args.get("reporterId"),
        sender_id=args.get("senderId"),
    )
    page = moderation().reports.page(current_user(), where, args.get("before"), args["limit"])
    return ok(REPORT_PAGE.dump_fast(page))


@bp.get("/moderation/reports/<report_id>")
@documented(
    "One report (moderators and admins)",
    response=ReportView,
    errors=(*AUTH_ERRORS, *REPORT_ERRORS),
    tags=["moderation"],
)
def get_report(report_id: str) -> Reply:
    return ok(REPORT_VIEW.dump_fast(moderation().reports.get(current_user(), report_id)))


def _close(report_id: str, status: ReportStatus) -> Reply:
    body = load(CLOSE_REPORT, optional_body())
    closed = moderation().reports.close(current_user(), report_id, status, body["note"])
    return ok(REPORT_VIEW.dump_fast(closed))


@bp.post("/moderation/reports/<report_id>/resolve")
@documented(
    "Close an open report as acted upon, with a note (moderators and admins)",
    body=CloseReportSchema,
    response=ReportView,
    errors=(*WRITE_ERRORS, *REPORT_ERRORS, "REPORT_CLOSED"),
    tags=["moderation"],
)
def resolve_report(report_id: str) -> Reply:
    return _close(report_id, ReportStatus.RESOLVED)


@bp.post("/moderation/reports/<report_id>/dismiss")
@documented(
    "Close an open report as needing no action, with a note (moderators and admins)",
    body=CloseReportSchema,
    response=ReportView,
    errors=(*WRITE_ERRORS, *REPORT_ERRORS, "REPORT_CLOSED"),
    tags=["moderation"],
)
def dismiss_report(report_id: str) -> Reply:
    return _close(report_id, ReportStatus.DISMISSED)
