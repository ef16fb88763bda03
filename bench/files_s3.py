"""File figures with FILE_STORAGE=s3 (moto's S3 server on loopback), chat_file under gunicorn.

- upload_10mb_peak_rss_mb_s3: the worker's peak RSS growth while a 10 MB upload goes up to the
  bucket as a multipart upload (same measure as bench.files' local figure: peak reset through
  /proc/<pid>/clear_refs, then VmHWM - VmRSS before). Parts are spooled through a temporary
  file, so this stays far below the part size (8 MiB) and the file size.
"""

from __future__ import annotations

import os
import sys
import tempfile

from bench.files import SECRET, SIZE, peak_rss_growth_mb
from tests.support.s3 import MotoServer, new_bucket, s3_env
from tests.support.servers import ServiceProcess, free_port


def run() -> dict[str, float | int]:
    content = b"%PDF-1.4\n" + os.urandom(SIZE - 9)
    moto = MotoServer(free_port()).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                "APP_ENV": "test",
                "JWT_SECRET": SECRET,
                "FILES_DIR": tmp,
                "ACCESS_LOG": "/dev/null",
                "LOG_LEVEL": "warning",
                **s3_env(moto.url, new_bucket(moto.url)),
            }
            server = ServiceProcess("chat_file", env=env).start()
            try:
                rss = peak_rss_growth_mb(server, content)
            finally:
                server.stop()
    finally:
        moto.stop()
    return {"upload_10mb_peak_rss_mb_s3": rss}


if __name__ == "__main__":
    print(run(), file=sys.stdout)
