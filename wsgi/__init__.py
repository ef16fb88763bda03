"""WSGI entry points: the only module-level app objects (loaded by gunicorn)."""
