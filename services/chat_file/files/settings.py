"""File storage settings of `FILE_STORAGE=s3` (part of chat_file's `Settings`, built once from
the environment). The keys are never printed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.servicekit.settings import env_bool, env_int, env_str


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
