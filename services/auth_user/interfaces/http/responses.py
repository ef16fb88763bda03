"""Response shapes for the OpenAPI spec (success bodies are raw payloads, not enveloped)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import UserSchema


class TokensResponse(Schema):
    accessToken = fields.String(required=True)
    refreshToken = fields.String(required=True)


class LoginResponse(TokensResponse):
    user = fields.Nested(UserSchema, required=True)
    recoveryCodes = fields.List(
        fields.String(), metadata={"description": "POST /login/mfa after enrolling: shown once"}
    )


class EnrolmentResponse(Schema):
    secret = fields.String(metadata={"description": "base32 TOTP secret"})
    otpauthUri = fields.String(metadata={"description": "otpauth://totp/... (for a QR code)"})


class RecoveryCodesResponse(Schema):
    recoveryCodes = fields.List(fields.String(), metadata={"description": "shown once"})


class MfaStatusResponse(Schema):
    enabled = fields.Boolean()
    required = fields.Boolean(metadata={"description": "the user's role requires it"})
    recoveryCodesLeft = fields.Integer()


class IssuedCodeResponse(Schema):
    matricule = fields.String()
    code = fields.String(metadata={"description": "XXXX-XXXX-XXXX, shown once"})
    expiresAt = fields.String()


class LogoutResponse(Schema):
    message = fields.String()
    revoked = fields.Boolean(metadata={"description": "a refresh family was revoked"})


class ValidateResponse(Schema):
    valid = fields.Boolean(required=True)
    id = fields.String(required=True)
    matricule = fields.String(required=True)
    role = fields.String(metadata={"description": "user, moderator, compliance or admin"})
    exp = fields.Integer(required=True, metadata={"description": "expiry, Unix seconds"})


class Pagination(Schema):
    page = fields.Integer()
    limit = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class UserPageResponse(Schema):
    users = fields.List(fields.Nested(UserSchema))
    pagination = fields.Nested(Pagination)


class BatchResponse(Schema):
    users = fields.List(fields.Nested(UserSchema))
    count = fields.Integer()
    missing = fields.List(fields.String(), metadata={"description": "unknown or malformed ids"})


class DeletedResponse(Schema):
    message = fields.String()
    id = fields.String()


class HealthResponse(Schema):
    status = fields.String()
    service = fields.String()


class JwkSchema(Schema):
    kty = fields.String(required=True, metadata={"description": "OKP (Ed25519) or EC (P-256)"})
    crv = fields.String(required=True)
    x = fields.String(required=True, metadata={"description": "base64url public key"})
    y = fields.String(metadata={"description": "EC keys only"})
    kid = fields.String(required=True, metadata={"description": "SHA-256 of the key's DER"})
    alg = fields.String(required=True, metadata={"description": "EdDSA or ES256"})
    use = fields.String(required=True, metadata={"description": "always sig"})


class JwksResponse(Schema):
    keys = fields.List(fields.Nested(JwkSchema), required=True)


class ReadyResponse(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class DeviceSessionSchema(Schema):
    id = fields.String(required=True, metadata={"description": "session id (the `sid` claim)"})
    userAgent = fields.String()
    ip = fields.String()
    createdAt = fields.Integer(metadata={"description": "login time, Unix ms"})
    lastUsedAt = fields.Integer(metadata={"description": "last login or refresh, Unix ms"})
    current = fields.Boolean(metadata={"description": "the session of the presented token"})


class SessionListResponse(Schema):
    sessions = fields.List(fields.Nested(DeviceSessionSchema))


class SessionsEndedResponse(Schema):
    message = fields.String()


class AuditEventSchema(Schema):
    kind = fields.String(metadata={"description": "login_ok, login_failed, rate_limited, ..."})
    at = fields.String(metadata={"description": "ISO 8601, UTC"})
    userId = fields.String(allow_none=True)
    actorId = fields.String(allow_none=True)
    ip = fields.String()
    detail = fields.String(metadata={"description": "a reason code, never a secret"})


class AuditPageResponse(Schema):
    events = fields.List(fields.Nested(AuditEventSchema))
    pagination = fields.Nested(Pagination)


class ServiceUnitSchema(Schema):
    name = fields.String(metadata={"description": "as stored on the unit's agents; may be empty"})
    agents = fields.Integer(metadata={"description": "active agents"})


class DirectionUnitSchema(ServiceUnitSchema):
    services = fields.List(fields.Nested(ServiceUnitSchema))


class MinistereUnitSchema(ServiceUnitSchema):
    directions = fields.List(fields.Nested(DirectionUnitSchema))


class OrgUnitsResponse(Schema):
    units = fields.List(fields.Nested(MinistereUnitSchema))
    agents = fields.Integer(metadata={"description": "active agents in all"})


class MessageResponse(Schema):
    message = fields.String()


class ImportProgressSchema(Schema):
    done = fields.Integer()
    total = fields.Integer()


class RowErrorSchema(Schema):
    line = fields.Integer(metadata={"description": "file line (header = 1) or SQL row"})
    field = fields.String(metadata={"description": "the column; empty: the line itself"})
    code = fields.String(
        metadata={
            "description": "REQUIRED, TOO_LONG, INVALID_FORMAT, INVALID_VALUE,"
            " DUPLICATE_MATRICULE, MALFORMED_LINE"
        }
    )


class ImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    deactivated = fields.Integer()
    reactivated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "≤ 1000"})
    errorCount = fields.Integer()
    rows = fields.Integer()
    refused = fields.String(allow_none=True)


class CodedMessageSchema(Schema):
    code = fields.String()
    message = fields.String()


class ImportJobResponse(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "running, succeeded, refused, failed"})
    phase = fields.String(
        metadata={"description": "queued, reading, planning, applying, applied, done"}
    )
    progress = fields.Nested(ImportProgressSchema)
    mode = fields.String()
    dryRun = fields.Boolean()
    force = fields.Boolean()
    source = fields.String()
    actorId = fields.String(allow_none=True)
    createdAt = fields.String()
    updatedAt = fields.String()
    finishedAt = fields.String(allow_none=True)
    result = fields.Nested(ImportResultSchema, allow_none=True)
    error = fields.Nested(CodedMessageSchema, allow_none=True)


class ImportPageResponse(Schema):
    imports = fields.List(fields.Nested(ImportJobResponse))
    pagination = fields.Nested(Pagination)
