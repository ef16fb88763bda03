"""Run a directory import from the command line (for cron), the same job the admin route runs.

    python -m services.auth_user.directory_sync                   # merge, from DIRECTORY_SOURCE_URL
    python -m services.auth_user.directory_sync --mode full --dry-run
    python -m services.auth_user.directory_sync --file agents.csv --mode full --force

Reads the environment like the service (DATABASE_URL, REDIS_URL, DIRECTORY_*). The job runs in
this process, is recorded like any other (GET /admin/directory/imports lists it, with no actor)
and printed as JSON. Exit status: 0 succeeded, 2 refused by a safety rule, 1 failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from libs.servicekit.errors import CodedError
from libs.servicekit.settings import process_env

from .application.directory_ports import DirectorySource
from .bootstrap import Services, build
from .domain.directory_files import FileFormat, UploadedFile
from .domain.directory_plan import ImportMode
from .domain.errors import FileTooLargeError, SourceNotConfiguredError
from .domain.import_jobs import ImportRequest, JobStatus
from .interfaces.http.directory_routes import dump_job
from .settings import Settings

EXIT = {JobStatus.SUCCEEDED: 0, JobStatus.REFUSED: 2}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="directory_sync", description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=[m.value for m in ImportMode], default="merge")
    parser.add_argument("--dry-run", action="store_true", help="plan and report, write nothing")
    parser.add_argument("--force", action="store_true", help="pass the deactivation limit")
    parser.add_argument("--file", type=Path, help="a CSV or JSONL file instead of the SQL source")
    parser.add_argument("--format", choices=[f.value for f in FileFormat])
    return parser


def _source(services: Services, args: argparse.Namespace) -> DirectorySource:
    if args.file is None:
        if services.sql_source is None:
            raise SourceNotConfiguredError()
        return services.sql_source
    limit = services.settings.directory_max_bytes
    with args.file.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLargeError()
    return UploadedFile.checked(args.file.name, data, args.format)


def main(
    argv: Sequence[str] | None = None,
    build_services: Callable[[Callable[[Callable[[], None]], object]], Services] | None = None,
) -> int:
    """`build_services(spawn)`: the services (tests pass theirs); the job runs in `spawn`."""
    args = _parser().parse_args(argv)
    make = build_services or (lambda spawn: build(Settings.from_env(process_env()), spawn=spawn))
    services = make(lambda run: run())  # the job runs here, before `start` returns
    try:
        source = _source(services, args)
        request = ImportRequest(ImportMode(args.mode), args.dry_run, args.force, source.description)
        started = services.sync.start(None, request, source)
    except CodedError as exc:
        print(json.dumps({"error": {"code": exc.code, "message": exc.message}}), file=sys.stderr)
        return 1
    except OSError as exc:  # --file: missing, unreadable
        error = {"code": "FILE_UNREADABLE", "message": f"{args.file}: {exc.strerror}"}
        print(json.dumps({"error": error}), file=sys.stderr)
        return 1
    job = services.sync.job(started.id)
    print(json.dumps(dump_job(job), ensure_ascii=False, indent=2))
    return EXIT.get(job.status, 1)


if __name__ == "__main__":
    sys.exit(main())
