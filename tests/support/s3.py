"""An S3 server for the tests: moto in server mode, a subprocess on a free loopback port.

`s3_endpoint` (session) starts it once; `s3_bucket` makes a fresh bucket per test. Set
`TEST_S3_ENDPOINT_URL` (+ `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`) to run the same tests
against a real MinIO or Ceph instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from .servers import ROOT, free_port

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
ACCESS_KEY = os.environ.get("AWS_ACCESS_KEY_ID", "testing-key")
SECRET_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "testing-secret")
REGION = "us-east-1"


@dataclass
class MotoServer:
    """`moto_server` (S3 and the rest of moto's AWS) on 127.0.0.1:`port`."""

    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> MotoServer:
        log = ROOT / "var" / "test-logs" / f"moto-{self.port}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited early (see {log})")
            try:
                requests.get(f"{self.url}/moto-api/", timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not answer in {timeout}s (see {log})")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def s3_client(endpoint: str) -> Any:
    """The service's own client factory, pointed at the test server."""
    from services.chat_file.files.adapters.s3 import make_s3_client

    return make_s3_client(endpoint, REGION, ACCESS_KEY, SECRET_KEY)


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """chat_file's environment for FILE_STORAGE=s3 on `bucket`."""
    return {
        "FILE_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def new_bucket(endpoint: str) -> str:
    name = f"test-{uuid.uuid4().hex[:16]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    found = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in found.get("Contents", []))


def open_uploads(endpoint: str, bucket: str) -> list[str]:
    """Multipart uploads started and neither completed nor aborted."""
    found = s3_client(endpoint).list_multipart_uploads(Bucket=bucket)
    return [item["Key"] for item in found.get("Uploads", [])]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    external = os.environ.get("TEST_S3_ENDPOINT_URL", "")
    if external:
        yield external
        return
    server = MotoServer(free_port()).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    return new_bucket(s3_endpoint)
