"""chat_file's catalogue: its own texts (`services/chat_file/locales`) over the shared ones."""

from __future__ import annotations

from pathlib import Path

from libs.servicekit.i18n import Catalogue, catalogue

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"


def chat_catalogue() -> Catalogue:
    """Loaded (and compiled from `.po`) on first use, once per process."""
    return catalogue(LOCALES_DIR)
