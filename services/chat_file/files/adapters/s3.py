"""`S3FileStorage`: file bytes as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph).

Uploads go up as multipart uploads whose parts are spooled through one temporary file, so the
process holds one incoming chunk in memory whatever the file's size; a source that fails aborts
the multipart upload, which leaves nothing in the bucket. Reads are ranged GETs behind a
seekable stream (Pillow and `Range` downloads seek); `presigned_url` signs a short-lived GET for
redirect downloads. Keys are the same generated ids as the other adapters (thumbnails beside the
original: `<id>` and `<id>-small.webp`).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any, BinaryIO, cast

from botocore.exceptions import BotoCoreError, ClientError

from libs.servicekit.stores import guard_store
from services.chat_file.files.domain.model import KEY_RE, StoredFileNotFoundError, checked_key

PART_SIZE = 8 * 1024 * 1024  # S3 refuses parts under 5 MiB (except the last one)
READ_BUFFER = 256 * 1024
MISSING = {"404", "NoSuchKey", "NotFound"}


def make_s3_client(
    endpoint_url: str | None,
    region: str,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> Any:
    """A boto3 S3 client: path-style addressing (MinIO, Ceph), short timeouts, few retries.

    Without explicit keys boto3's own chain applies (environment, instance role)."""
    import boto3
    from botocore.config import Config

    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=config,
    )


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in MISSING


class _PartSpooler:
    """Cuts a chunk stream into parts of at least PART_SIZE bytes, each written to `spool`."""

    def __init__(self, source: Iterator[bytes], spool: IO[bytes]) -> None:
        self._source = source
        self._spool = spool
        self._carry = b""
        self.done = False

    def next_part(self) -> int:
        """Fill the spool with the next part (rewound); `done` tells whether it is the last."""
        self._spool.seek(0)
        self._spool.truncate()
        size = len(self._carry)
        self._spool.write(self._carry)
        self._carry = b""
        for chunk in self._source:
            if size >= PART_SIZE:
                self._carry = chunk  # read one chunk ahead to know whether a part is the last
                break
            self._spool.write(chunk)
            size += len(chunk)
        else:
            self.done = True
        self._spool.seek(0)
        return size


class S3ObjectReader(io.RawIOBase):
    """A seekable read-only view of one object: one streaming GET from the position onwards,
    re-opened after a seek."""

    def __init__(self, client: Any, bucket: str, key: str, size: int) -> None:
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._pos = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        target = max(0, base + offset)
        if target != self._pos:
            self._drop_body()
        self._pos = target
        return target

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._size:
            return 0
        if self._body is None:
            found = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={self._pos}-"
            )
            self._body = found["Body"]
        data = self._body.read(len(buffer))
        if not data:  # the store closed the stream before the object's end
            self._drop_body()
            raise OSError(f"object {self._key} ended at {self._pos} of {self._size} bytes")
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        self._drop_body()
        super().close()

    def _drop_body(self) -> None:
        if self._body is not None:
            with contextlib.suppress(Exception):
                self._body.close()
            self._body = None


@guard_store(BotoCoreError, ClientError)
class S3FileStorage:
    """FileStorage on one bucket; also signs short-lived download URLs (DownloadLinks)."""

    def __init__(self, client: Any, bucket: str, presign_seconds: int = 60) -> None:
        self._client = client
        self.bucket = bucket
        self.presign_seconds = presign_seconds

    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        key = checked_key(key)
        with tempfile.TemporaryFile(prefix="s3-part-") as spool:
            spooler = _PartSpooler(iter(chunks), spool)
            size = spooler.next_part()
            if spooler.done:
                self._client.put_object(Bucket=self.bucket, Key=key, Body=spool, ContentLength=size)
                return size
            return self._multipart(key, spooler, spool, size)

    def open(self, key: str) -> BinaryIO:
        key = checked_key(key)
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                raise StoredFileNotFoundError() from None
            raise
        raw = S3ObjectReader(self._client, self.bucket, key, int(head["ContentLength"]))
        return cast(BinaryIO, io.BufferedReader(raw, READ_BUFFER))

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=checked_key(key))

    def stale_keys(self, older_than: datetime) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        for page in pages:
            for item in page.get("Contents", []):
                if item["LastModified"] < older_than and KEY_RE.match(item["Key"]):
                    yield item["Key"]

    def presigned_url(self, key: str, mime_type: str, content_disposition: str) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": checked_key(key),
            "ResponseContentType": mime_type,
            "ResponseContentDisposition": content_disposition,
        }
        url: str = self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.presign_seconds
        )
        return url

    def _multipart(self, key: str, spooler: _PartSpooler, spool: IO[bytes], first: int) -> int:
        started = self._client.create_multipart_upload(Bucket=self.bucket, Key=key)
        upload = {"Bucket": self.bucket, "Key": key, "UploadId": started["UploadId"]}
        parts: list[dict[str, Any]] = []
        size = length = first
        try:
            while True:
                number = len(parts) + 1
                sent = self._client.upload_part(
                    **upload, PartNumber=number, Body=spool, ContentLength=length
                )
                parts.append({"PartNumber": number, "ETag": sent["ETag"]})
                if spooler.done:
                    break
                length = spooler.next_part()
                size += length
            self._client.complete_multipart_upload(**upload, MultipartUpload={"Parts": parts})
        except BaseException:
            with contextlib.suppress(Exception):
                self._client.abort_multipart_upload(**upload)
            raise
        return size
