"""chat_file on SQL databases (SQLite, PostgreSQL) through SQLAlchemy 2 Core."""
