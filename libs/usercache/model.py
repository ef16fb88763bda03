"""The cached user profile: the shape stored in Redis and how it is built."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

UNKNOWN_USER_NAME = "Utilisateur inconnu"

# Exactly the fields of the `user:profile:<id>` hash (source document, "Structure du cache"),
# and the user's `locale` (issue 24).
HASH_FIELDS = (
    "id",
    "nom",
    "prenom",
    "fullName",
    "avatar",
    "matricule",
    "ministere",
    "sexe",
    "updatedAt",
    "locale",  # the user's language (fr|en), for the texts sent to them; not a display field
    # the org units below the ministère (announcement audiences, docs/announcements.md); added
    # last so that a hash written before them reads with both empty
    "direction",
    "service",
)


def build_full_name(nom: str | None, prenom: str | None, fallback: str | None = None) -> str:
    """`"<prenom> <nom>"` when a nom is known, else the fallback, else "Utilisateur inconnu"."""
    if nom:
        return f"{prenom or ''} {nom}".strip()
    return fallback or UNKNOWN_USER_NAME


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else str(value)
    return text or None


def _epoch_ms(value: Any) -> int:
    """`updatedAt` as epoch milliseconds: from ms, a digit string, a datetime or ISO-8601 text."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, int | float) and value > 0:
        return int(value)
    text = _text(value)
    if text and text.isdigit():
        return int(text)
    if text:
        try:
            return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            pass
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True)
class CachedUser:
    """A user's display data as every service reads it from the shared cache."""

    id: str
    full_name: str
    matricule: str
    nom: str | None = None
    prenom: str | None = None
    avatar: str | None = None
    ministere: str = ""
    sexe: str = ""
    updated_at: int = 0
    locale: str = ""  # "" when unknown (a profile cached before the field existed): French
    direction: str = ""
    service: str = ""

    @classmethod
    def from_profile(cls, profile: Mapping[str, Any]) -> CachedUser:
        """Build from a user document or API payload (`id`/`_id`, `avatar`/`profile_pic`)."""
        user_id = _text(profile.get("id") or profile.get("_id") or profile.get("userId"))
        if not user_id:
            raise ValueError("a cached profile needs an id")
        nom, prenom = _text(profile.get("nom")), _text(profile.get("prenom"))
        fallback = _text(profile.get("fullName") or profile.get("name"))
        return cls(
            id=user_id,
            nom=nom,
            prenom=prenom,
            full_name=build_full_name(nom, prenom, fallback),
            avatar=_text(profile.get("avatar") or profile.get("profile_pic")),
            matricule=_text(profile.get("matricule")) or user_id,
            ministere=_text(profile.get("ministere")) or "",
            sexe=_text(profile.get("sexe")) or "",
            updated_at=_epoch_ms(profile.get("updatedAt")),
            locale=_text(profile.get("locale")) or "",
            direction=_text(profile.get("direction")) or "",
            service=_text(profile.get("service")) or "",
        )

    @classmethod
    def from_hash(cls, data: Mapping[Any, Any]) -> CachedUser:
        """Decode an HGETALL reply (bytes or str keys)."""
        if data and isinstance(next(iter(data)), bytes):
            data = {key.decode(): value for key, value in data.items()}
        get = data.get
        user_id = _text(get("id")) or ""
        return cls(
            id=user_id,
            nom=_text(get("nom")),
            prenom=_text(get("prenom")),
            full_name=_text(get("fullName")) or UNKNOWN_USER_NAME,
            avatar=_text(get("avatar")),
            matricule=_text(get("matricule")) or user_id,
            ministere=_text(get("ministere")) or "",
            sexe=_text(get("sexe")) or "",
            updated_at=int(_text(get("updatedAt")) or 0),
            locale=_text(get("locale")) or "",
            direction=_text(get("direction")) or "",
            service=_text(get("service")) or "",
        )

    @classmethod
    def from_fields(cls, values: list[Any]) -> CachedUser | None:
        """Decode an HMGET reply in `HASH_FIELDS` order; `None` when the hash does not exist."""
        if not values[0]:
            return None
        text: list[Any] = [(v.decode() if isinstance(v, bytes) else v) or None for v in values]
        (
            uid,
            nom,
            prenom,
            full,
            avatar,
            mat,
            ministere,
            sexe,
            updated,
            locale,
            direction,
            service,
        ) = text
        return cls(
            uid,
            full or UNKNOWN_USER_NAME,
            mat or uid,
            nom,
            prenom,
            avatar,
            ministere or "",
            sexe or "",
            int(updated or 0),
            locale or "",
            direction or "",
            service or "",
        )

    def to_hash(self) -> dict[str, str]:
        """The Redis hash; absent values are stored as empty strings."""
        return {
            "id": self.id,
            "nom": self.nom or "",
            "prenom": self.prenom or "",
            "fullName": self.full_name,
            "avatar": self.avatar or "",
            "matricule": self.matricule,
            "ministere": self.ministere,
            "sexe": self.sexe,
            "updatedAt": str(self.updated_at),
            "locale": self.locale,
            "direction": self.direction,
            "service": self.service,
        }

    def to_public(self) -> dict[str, Any]:
        """The display payload other services hand to clients."""
        return {
            "userId": self.id,
            "name": self.full_name,
            "avatar": self.avatar,
            "matricule": self.matricule,
            "nom": self.nom,
            "prenom": self.prenom,
            "ministere": self.ministere,
            "sexe": self.sexe,
        }
