"""What `python -m scripts.port_db --service auth_user` needs: the SQL schema to fill, and how
the `users` documents of `MongoUserStore`, the `audit_events` of `MongoAuditLog`, the
`directory_imports` of `MongoImportJobStore`, the `activation_codes` of the directory stores
and the `mfa` documents of `MongoMfaStore` become its rows (`num` is left to the target's
sequence, assigned in `_id` order)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from libs.servicekit.port_sources import MongoTable, Row, column_names
from libs.servicekit.sql_port import PortSpec

from ..domain.import_jobs import ImportJob
from ..domain.org import ORG_LEVELS, org_keys
from .sql.tables import (
    activation_codes,
    audit_events,
    directory_imports,
    metadata,
    mfa_credentials,
    mfa_recovery_codes,
    users,
)
from .stores import SCHEMA

MONGODB_DB = "auth_user_db"


def port_spec() -> PortSpec:
    return PortSpec("auth_user", metadata, SCHEMA.script_location, SCHEMA.version_table)


def mongo_tables() -> dict[str, MongoTable]:
    return {
        "users": MongoTable("users", column_names(users, "num"), _user),
        "audit_events": MongoTable("audit_events", column_names(audit_events, "num"), _audit_event),
        "directory_imports": MongoTable(
            "directory_imports", column_names(directory_imports, "num"), _import_job
        ),
        "activation_codes": MongoTable(
            "activation_codes", column_names(activation_codes), _activation_code
        ),
        "mfa_credentials": MongoTable("mfa", column_names(mfa_credentials), _mfa_credential),
        "mfa_recovery_codes": MongoTable(
            "mfa", column_names(mfa_recovery_codes), _mfa_recovery_codes
        ),
    }


def _user(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "matricule": doc["matricule"],
        "nom": doc.get("nom", ""),
        "prenom": doc.get("prenom", ""),
        "password_hash": doc.get("password_hash", ""),
        "role": doc.get("role", "user"),
        "email": doc.get("email"),
        "profile_pic": doc.get("profile_pic"),
        "ministere": doc.get("ministere", ""),
        "sexe": doc.get("sexe", ""),
        "created_at": doc.get("created_at"),
        "updated_at": doc.get("updated_at"),
        "active": bool(doc.get("active", True)),
        "direction": doc.get("direction", ""),
        "service": doc.get("service", ""),
        "poste": doc.get("poste", ""),
        "phone": doc.get("phone"),
        "locale": doc.get("locale", "fr"),
        "managed": bool(doc.get("managed", False)),
        **org_keys({level: doc.get(level, "") for level in ORG_LEVELS}),
    }


def _audit_event(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "at": doc["at"],
        "kind": doc["kind"],
        "user_id": doc.get("user_id"),
        "actor_id": doc.get("actor_id"),
        "ip": doc.get("ip", ""),
        "detail": doc.get("detail", ""),
    }


def _import_job(doc: Mapping[str, Any]) -> Iterator[Row]:
    job = ImportJob.from_record(doc["_id"], doc)
    yield {"id": job.id, **job.record(), "slot": doc.get("slot")}


def _activation_code(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "user_id": doc["_id"],
        "import_id": doc.get("import_id"),
        "code_hash": doc.get("code_hash"),
        "expires_at": doc.get("expires_at"),
        "issued_at": doc.get("issued_at"),
    }


def _mfa_credential(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "user_id": doc["_id"],
        "secret": doc["secret"],
        "confirmed": bool(doc.get("confirmed", False)),
        "last_step": int(doc.get("last_step", 0)),
        "created_at": doc.get("created_at"),
    }


def _mfa_recovery_codes(doc: Mapping[str, Any]) -> Iterator[Row]:
    for code_hash in doc.get("recovery", []):
        yield {"user_id": doc["_id"], "code_hash": code_hash}
