"""Pieces both services share: coded errors, settings, store connections, JSON errors."""
