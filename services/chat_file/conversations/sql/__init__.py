"""Conversations on SQL databases (SQLite, PostgreSQL) through SQLAlchemy 2 Core."""
