"""`python -m scripts.port_db`: move a service's data from SQLite or MongoDB into PostgreSQL.

    python -m scripts.port_db --service chat_file \\
        --from sqlite:///var/chat_file.db --to postgresql+psycopg://ngomna@db:5432/ngomna

Stop the service first. The target schema is created by the service's migrations; the copy
is resumable (run the same command again after an interruption) and ends by comparing the row
count and checksum of every table. Run again after success, it only verifies.
Exit status: 0 copied and verified, 1 a table differs, 2 refused (nothing written), 3 a
database became unreachable (run again: the port resumes).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from types import ModuleType

from libs.servicekit.port_sources import MongoSource, PortRefusedError, RowSource, SqlSource, masked
from libs.servicekit.sql import (
    SQL_STORE_ERRORS,
    backend_of,
    create_sql_engine,
    default_database_url,
)
from libs.servicekit.sql_port import TableReport, port
from libs.servicekit.stores import connect_mongo, mongo_store_errors


def _service(name: str) -> ModuleType:
    if name == "auth_user":
        from services.auth_user.infrastructure import port as auth_port

        return auth_port
    from services.chat_file.storage import port as chat_port

    return chat_port


def open_source(url: str, service: ModuleType, mongodb_db: str | None) -> RowSource:
    backend = backend_of(url)
    if backend == "mongomock":
        raise PortRefusedError("mongomock:// lives in one process only: there is nothing to port")
    if backend == "mongodb":
        db = connect_mongo(url, mongodb_db or service.MONGODB_DB)
        return MongoSource(db, service.mongo_tables(), f"{masked(url)} (database {db.name})")
    if backend == "sqlite":
        path = Path(url.split(":///", 1)[1])
        if not path.is_file():
            raise PortRefusedError(f"no SQLite database at {path}")
        url = f"sqlite:///{path.resolve()}"
    return SqlSource(create_sql_engine(url), masked(url))


def report(reports: list[TableReport]) -> str:
    lines = [f"{'table':<24} {'source':>9} {'target':>9}  checksum"]
    for r in reports:
        verdict = "ok" if r.ok else f"DIFFERS (source {r.source_checksum})"
        lines.append(
            f"{r.table:<24} {r.source_rows:>9} {r.target_rows:>9}  {r.target_checksum} {verdict}"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.port_db", description=__doc__)
    parser.add_argument("--service", required=True, choices=["auth_user", "chat_file"])
    parser.add_argument("--from", dest="source", help="default: sqlite:///var/<service>.db")
    parser.add_argument("--to", dest="target", required=True, help="postgresql+psycopg://…")
    parser.add_argument("--mongodb-db", help="MongoDB database when the URL names none")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--gridfs-to",
        metavar="FILES_DIR",
        help="chat_file from MongoDB with FILE_STORAGE=gridfs: write the file bytes here",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = parse(argv)
    if backend_of(args.target) not in {"postgresql", "sqlite"}:
        print("--to must be a SQL database (postgresql+psycopg://…)", file=sys.stderr)
        return 2
    try:
        reports = run(args, _service(args.service))
    except PortRefusedError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except (
        *SQL_STORE_ERRORS,
        *mongo_store_errors(),
    ) as exc:  # a database went away: what is committed stays committed
        print(
            f"database unavailable ({exc.__class__.__name__}): run again to resume", file=sys.stderr
        )
        return 3
    print(report(reports))
    return 0 if all(r.ok for r in reports) else 1


def run(args: argparse.Namespace, service: ModuleType) -> list[TableReport]:
    source = open_source(
        args.source or default_database_url(args.service), service, args.mongodb_db
    )
    target = create_sql_engine(args.target)
    try:
        if source.identity == masked(args.target):
            raise PortRefusedError("the source and the target are the same database")
        if args.gridfs_to:
            if not isinstance(source, MongoSource) or args.service != "chat_file":
                raise PortRefusedError("--gridfs-to is for chat_file ported from MongoDB")
            copied = service.copy_gridfs_files(source.db, args.gridfs_to)
            print(f"{copied} files copied from GridFS into {args.gridfs_to}")
        return port(source, target, service.port_spec(), batch_size=args.batch_size)
    finally:
        source.close()
        target.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
