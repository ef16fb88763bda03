"""File storage settings of `FILE_STORAGE=s3` (part of chat_file's `Settings`, built once from
the environment). The keys are never printed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.servicekit.settings import SettingsError, env_bool, env_int, env_str


@dataclass(frozen=True)
class S3Settings:
    """The bucket of `FILE_STORAGE=s3`; empty keys leave boto3's own credential chain."""

    bucket: str = ""
    endpoint_url: str = ""  # MinIO/Ceph URL; empty for AWS
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = ""
    presigned_downloads: bool = False  # downloads answer 302 to a presigned GET
    presign_seconds: int = 60

    def __repr__(self) -> str:  # never print the keys
        return f"S3Settings(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r}, …)"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> S3Settings:
        return cls(
            bucket=env.get("S3_BUCKET", "").strip(),
            endpoint_url=env.get("S3_ENDPOINT_URL", "").strip(),
            region=env_str(env, "S3_REGION", "us-east-1"),
            access_key_id=env.get("S3_ACCESS_KEY_ID", "").strip(),
            secret_access_key=env.get("S3_SECRET_ACCESS_KEY", "").strip(),
            presigned_downloads=env_bool(env, "S3_PRESIGNED_DOWNLOADS", False),
            presign_seconds=env_int(env, "S3_PRESIGN_SECONDS", 60),
        )


@dataclass(frozen=True)
class FileLimits:
    """What one user's files may cost (issue 23, rows 7 and 8); docs/security.md lists them.
    A quota or daily volume of 0 means no limit."""

    thumbnail_max_pixels: int = 16_000_000  # pixels decoded per image (a JPEG at its draft scale)
    thumbnail_concurrency: int = 2  # decodes at once per process
    upload_quota_bytes: int = 1024**3  # bytes a user's files may hold in all
    upload_daily_bytes: int = 512 * 1024**2  # bytes a user may upload per UTC day, kept or not
    unattached_upload_ttl: int = 24 * 3600  # seconds an upload linked to nothing is kept

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FileLimits:
        limits = cls(
            thumbnail_max_pixels=env_int(env, "THUMBNAIL_MAX_PIXELS", cls.thumbnail_max_pixels),
            thumbnail_concurrency=env_int(env, "THUMBNAIL_CONCURRENCY", cls.thumbnail_concurrency),
            upload_quota_bytes=env_int(env, "UPLOAD_QUOTA_BYTES", cls.upload_quota_bytes),
            upload_daily_bytes=env_int(env, "UPLOAD_DAILY_BYTES", cls.upload_daily_bytes),
            unattached_upload_ttl=env_int(env, "UNATTACHED_UPLOAD_TTL", cls.unattached_upload_ttl),
        )
        if min(limits.thumbnail_max_pixels, limits.thumbnail_concurrency) < 1:
            raise SettingsError("THUMBNAIL_MAX_PIXELS and THUMBNAIL_CONCURRENCY must be >= 1")
        if min(limits.upload_quota_bytes, limits.upload_daily_bytes) < 0:
            raise SettingsError("UPLOAD_QUOTA_BYTES and UPLOAD_DAILY_BYTES must be >= 0")
        if limits.unattached_upload_ttl < 60:
            raise SettingsError("UNATTACHED_UPLOAD_TTL must be at least 60 seconds")
        return limits
