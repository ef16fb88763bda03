"""`SqlDirectorySource`: agents read from the HR database (`DIRECTORY_SOURCE_URL` +
`DIRECTORY_SOURCE_QUERY`, any SQLAlchemy URL: PostgreSQL, SQLite...).

The query's column names are the import's columns (alias them: `SELECT agt_matricule AS
matricule, ...`). The source is only read: SQLite files are opened read-only, PostgreSQL
sessions are read-only with a statement timeout. Any failure to connect or to run the query is
`SourceUnavailableError` with the driver's reason (never the URL's password).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from libs.servicekit.sql import sqlalchemy_url

from ..domain.directory_files import SourceRow
from ..domain.errors import SourceUnavailableError

STATEMENT_TIMEOUT_MS = 300_000


class SqlDirectorySource:
    def __init__(self, url: str, query: str) -> None:
        self._url = url
        self._query = query
        try:
            shown = make_url(url).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            shown = "URL invalide"
        self.description = f"sql {shown}"[:300]

    def rows(self) -> Iterator[SourceRow]:
        try:
            engine = _engine(self._url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise SourceUnavailableError(
                "Source SQL injoignable : URL refusée (%(reason)s)", params={"reason": exc}
            ) from exc
        try:
            with engine.connect() as connection:
                result = connection.execution_options(stream_results=True).execute(
                    sa.text(self._query)
                )
                names = result.keys()  # the query's column names (a result, not a dict)
                columns = [str(name) for name in names]
                for number, row in enumerate(result, start=1):
                    yield number, dict(zip(columns, row, strict=True))
        except sa.exc.SQLAlchemyError as exc:
            raise SourceUnavailableError(
                "Source SQL injoignable : %(reason)s", params={"reason": _reason(exc)}
            ) from exc
        finally:
            engine.dispose()


def _engine(url: str) -> sa.Engine:
    parsed = make_url(sqlalchemy_url(url))
    if parsed.get_backend_name() == "sqlite":
        return sa.create_engine(_read_only_sqlite(parsed), poolclass=sa.pool.NullPool)
    connect: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        options = f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_MS}"
        connect = {"connect_timeout": 5, "options": options}
    return sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args=connect)


def _read_only_sqlite(url: URL) -> URL:
    """The file opened read-only: a wrong path fails instead of creating an empty database."""
    database = url.database or ""
    if not database.startswith("file:"):
        database = f"file:{database}"
    return url.set(database=database, query={**url.query, "mode": "ro", "uri": "true"})


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return (
        str(original).strip().splitlines()[0][:200]
        if str(original).strip()
        else type(original).__name__
    )
