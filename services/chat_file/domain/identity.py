"""Who is calling: the identity carried by a verified access token."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    user_id: str  # the `id` claim (falls back to `matricule` only for tokens without `id`)
    matricule: str | None
