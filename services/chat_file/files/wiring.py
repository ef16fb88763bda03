"""The files context's part of a composition root: where the bytes go (a directory, GridFS or
an S3 bucket), the file use cases and the orphan sweeper, from the configuration the root
passes (chat_file's `Settings` has every field `FilesConfig` names)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol, cast

from services.chat_file.files.adapters.local import LocalFileStorage
from services.chat_file.files.adapters.thumbnails import PillowThumbnailer
from services.chat_file.files.application.bundle import FilesServices
from services.chat_file.files.application.files import FileService
from services.chat_file.files.application.metering import UploadLimits
from services.chat_file.files.application.ports import (
    ConversationAccess,
    DownloadLinks,
    FileMetadataStore,
    FileStorage,
    Thumbnailer,
)
from services.chat_file.files.application.sweeper import (
    OrphanSweeper,
    SweepableStorage,
    UnattachedSweeper,
)
from services.chat_file.files.settings import FileLimits, S3Settings
from services.chat_file.files.socket.events import FileEvents


class FilesConfig(Protocol):
    @property
    def file_storage(self) -> str: ...
    @property
    def files_dir(self) -> str: ...
    @property
    def max_upload_bytes(self) -> int: ...
    @property
    def s3(self) -> S3Settings: ...
    @property
    def file_limits(self) -> FileLimits: ...


def file_storage(config: FilesConfig, in_database: Callable[[], FileStorage] | None) -> FileStorage:
    """`FILE_STORAGE`: `local` (a directory), `gridfs` (the database's own, `in_database`,
    built by the Mongo stores) or `s3`."""
    if config.file_storage == "gridfs":
        if in_database is None:
            raise ValueError("FILE_STORAGE=gridfs needs a MongoDB DATABASE_URL")
        return in_database()
    if config.file_storage == "s3":
        from services.chat_file.files.adapters.s3 import S3FileStorage, make_s3_client

        s3 = config.s3
        client = make_s3_client(s3.endpoint_url, s3.region, s3.access_key_id, s3.secret_access_key)
        return S3FileStorage(client, s3.bucket, s3.presign_seconds)
    return LocalFileStorage(config.files_dir)


def wire_files(
    config: FilesConfig,
    *,
    store: FileMetadataStore,
    storage: FileStorage,
    access: ConversationAccess,
    thumbnailer: Thumbnailer | None = None,
) -> FilesServices:
    """Metadata in `store`, bytes in `storage`, Pillow thumbnails; S3 may sign download
    redirects (`S3_PRESIGNED_DOWNLOADS`)."""
    presigned = config.file_storage == "s3" and config.s3.presigned_downloads
    files = FileService(
        store=store,
        storage=storage,
        thumbnailer=thumbnailer
        or PillowThumbnailer(
            max_pixels=config.file_limits.thumbnail_max_pixels,
            concurrency=config.file_limits.thumbnail_concurrency,
        ),
        conversations=access,
        max_upload_bytes=config.max_upload_bytes,
        links=cast(DownloadLinks, storage) if presigned else None,
        limits=UploadLimits(
            quota_bytes=config.file_limits.upload_quota_bytes,
            daily_bytes=config.file_limits.upload_daily_bytes,
        ),
    )
    return FilesServices(files)


def orphan_sweeper(
    storage: FileStorage, store: FileMetadataStore, grace: timedelta
) -> OrphanSweeper:
    """Every storage adapter can list its stale keys (`SweepableStorage`)."""
    return OrphanSweeper(cast(SweepableStorage, storage), store, grace)


def unattached_sweeper(
    storage: FileStorage, store: FileMetadataStore, limits: FileLimits
) -> UnattachedSweeper:
    return UnattachedSweeper(store, storage, timedelta(seconds=limits.unattached_upload_ttl))


def socket_groups(bundle: FilesServices) -> list[FileEvents]:
    """The files context's socket events (`deleteFile`)."""
    return [FileEvents(bundle.files)]
