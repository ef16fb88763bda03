"""Marshmallow schemas: request validation and the one public user shape (no secrets)."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from ...domain.model import (
    LOCALES,
    MAX_MATRICULE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_ORG_LENGTH,
    MAX_PAGE_SIZE,
    MAX_PASSWORD_BYTES,
    MAX_PHONE_LENGTH,
    MIN_PASSWORD_LENGTH,
    Role,
)

MAX_TOKEN_LENGTH = 4096
MAX_URL_LENGTH = 500


def _max_bytes(limit: int) -> validate.Validator:
    class MaxBytes(validate.Validator):
        def __call__(self, value: str) -> str:
            if len(value.encode()) > limit:
                raise ValidationError(f"{limit} octets au maximum.")
            return value

    return MaxBytes()


def _name(required: bool = False) -> fields.String:
    return fields.String(required=required, validate=validate.Length(min=1, max=MAX_NAME_LENGTH))


def password_field(min_length: int) -> fields.String:
    checks = [validate.Length(min=min_length), _max_bytes(MAX_PASSWORD_BYTES)]
    return fields.String(required=True, validate=checks)


_MATRICULE = validate.Regexp(r"^[A-Za-z0-9._-]+$", error="Lettres, chiffres, . _ - uniquement.")


class LoginSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # older clients send extra fields here

    matricule = fields.String(
        required=True, validate=validate.Length(min=1, max=MAX_MATRICULE_LENGTH)
    )
    password = password_field(1)


class RefreshSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # older clients send extra fields here

    refreshToken = fields.String(validate=validate.Length(min=1, max=MAX_TOKEN_LENGTH))


class ValidateSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # older clients send extra fields here

    token = fields.String(validate=validate.Length(min=1, max=MAX_TOKEN_LENGTH))


def _org(**options: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=MAX_ORG_LENGTH), **options)


PHONE = validate.Regexp(
    rf"^\+?[0-9][0-9 ().-]{{2,{MAX_PHONE_LENGTH - 1}}}$",
    error=f"Chiffres, espaces, + ( ) . - ; 3 à {MAX_PHONE_LENGTH} caractères.",
)


class ListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    q = fields.String(load_default=None, validate=validate.Length(max=MAX_NAME_LENGTH))
    ministere = _org(load_default="", metadata={"description": "accents and case aside"})
    direction = _org(load_default="", metadata={"description": "accents and case aside"})
    service = _org(load_default="", metadata={"description": "accents and case aside"})


class BatchSchema(Schema):
    ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=MAX_MATRICULE_LENGTH)), required=True
    )
    matricules = fields.List(
        fields.String(validate=validate.Length(min=1, max=MAX_MATRICULE_LENGTH)),
        load_default=list,
        metadata={"description": "also look these up by matricule (ids + matricules ≤ 200)"},
    )


class BatchQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    ids = fields.String(required=True, metadata={"description": "comma-separated user ids"})


class _ProfileFields(Schema):
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    profile_pic = fields.String(allow_none=True, validate=validate.Length(max=MAX_URL_LENGTH))
    avatar = fields.String(allow_none=True, validate=validate.Length(max=MAX_URL_LENGTH))
    ministere = _org()
    direction = _org()
    service = _org()
    poste = _org()
    phone = fields.String(allow_none=True, validate=PHONE)
    locale = fields.String(validate=validate.OneOf(LOCALES))
    sexe = fields.String(validate=validate.Length(max=16))  # the column is VARCHAR(16)
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))

    @post_load
    def avatar_is_profile_pic(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "avatar" in data:
            data.setdefault("profile_pic", data["avatar"])
            del data["avatar"]
        return data


class CreateUserSchema(_ProfileFields):
    matricule = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_MATRICULE_LENGTH), _MATRICULE],
    )
    password = password_field(MIN_PASSWORD_LENGTH)
    nom = _name(required=True)
    prenom = _name(required=True)


class UpdateUserSchema(_ProfileFields):
    nom = _name()
    prenom = _name()
    password = fields.String(
        validate=[validate.Length(min=MIN_PASSWORD_LENGTH), _max_bytes(MAX_PASSWORD_BYTES)]
    )

    @validates_schema
    def not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Aucun champ à modifier.")


class UserSchema(Schema):
    """The public user: what every route returns. `password_hash` is not a field."""

    mongo_id = fields.Function(lambda user: user.id, data_key="_id")
    id = fields.String()
    matricule = fields.String()
    nom = fields.String()
    prenom = fields.String()
    profile_pic = fields.String(allow_none=True)
    avatar = fields.Function(lambda user: user.profile_pic)
    email = fields.String(allow_none=True)
    ministere = fields.String()
    direction = fields.String()
    service = fields.String()
    poste = fields.String()
    sexe = fields.String()
    role = fields.Function(lambda user: user.role.value)
    phone = fields.String(allow_none=True)
    locale = fields.String(metadata={"description": "fr or en, the user's language"})
    createdAt = fields.DateTime(attribute="created_at", allow_none=True)
    updatedAt = fields.DateTime(attribute="updated_at", allow_none=True)
    active = fields.Boolean(metadata={"description": "false once an admin deactivated the account"})
    activated = fields.Boolean(
        metadata={"description": "false until an imported agent set a password (activation code)"}
    )
    managed = fields.Boolean(metadata={"description": "kept in step by the directory sync"})


USER = UserSchema()
USERS = UserSchema(many=True)


def dump_user(user: Any) -> dict[str, Any]:
    result: dict[str, Any] = USER.dump(user)
    return result


def dump_users(users: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = USERS.dump(users)
    return result


# shown only to the user themself and to admins
PRIVATE_FIELDS = ("email", "role", "phone", "locale", "activated", "managed")


def dump_user_for(user: Any, private: bool) -> dict[str, Any]:
    """The user shape; the private fields are null unless `private` (self or admin)."""
    data = dump_user(user)
    if not private:
        data.update(dict.fromkeys(PRIVATE_FIELDS))
    return data
