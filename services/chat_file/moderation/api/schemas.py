"""What the moderation routes accept: a report, the filters of the report list, a closing."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from services.chat_file.moderation.domain.reports import MAX_COMMENT, MAX_NOTE, REASONS

MAX_PAGE = 100  # reports per page of `GET /moderation/reports`


class ReportSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    reason = fields.String(required=True, validate=validate.OneOf(REASONS))
    comment = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_COMMENT),
        metadata={"description": f"at most {MAX_COMMENT} characters"},
    )


class ReportQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(["open", "resolved", "dismissed"]))
    reason = fields.String(validate=validate.OneOf(REASONS))
    conversationId = fields.String()
    reporterId = fields.String()
    senderId = fields.String()
    before = fields.String(metadata={"description": "nextBefore of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))


class CloseReportSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    note = fields.String(load_default="", validate=validate.Length(max=MAX_NOTE))


REPORT = ReportSchema()
REPORT_QUERY = ReportQuerySchema()
CLOSE_REPORT = CloseReportSchema()
