"""Peak RSS growth of one process while PillowThumbnailer handles a 6300x6300 PNG bomb.

The PNG (all zero pixels, ~120 kB, written row by row so the parent never holds the image)
is thumbnailed in a fresh subprocess: `ru_maxrss` is read after the imports and the file
read, then after `render`; the figure is the difference (MB). It is measured with the
default settings (`THUMBNAIL_MAX_PIXELS` 16 MP: the image is refused from its header) and,
for comparison, with the limit raised above the image (the full decode before row 7).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

SIDE = 6300
CHILD = """
import io, json, resource, sys
from services.chat_file.files.adapters.thumbnails import PillowThumbnailer
from services.chat_file.files.domain.model import THUMBNAIL_SIZES, ChatError
data = open(sys.argv[1], "rb").read()
thumbnailer = PillowThumbnailer(**json.loads(sys.argv[2]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    thumbnailer.render(io.BytesIO(data), THUMBNAIL_SIZES)
    outcome = "thumbnails"
except ChatError as exc:
    outcome = exc.code
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": after - before, "outcome": outcome}))
"""


def write_png_bomb(path: Path, side: int = SIDE) -> int:
    """An RGB PNG of side x side zero pixels, compressed row by row; returns its size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * side)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    content = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
    path.write_bytes(content + chunk(b"IEND", b""))
    return path.stat().st_size


def measure(path: Path, **options: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), json.dumps(options)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        path, at_limit = Path(tmp) / "bomb.png", Path(tmp) / "limit.png"
        size = write_png_bomb(path)
        write_png_bomb(at_limit, 4000)  # 16.0 MP: just allowed by the default limit
        bounded = measure(path)
        unbounded = measure(path, max_pixels=SIDE * SIDE + 1)
        largest = measure(at_limit)
    for label, found in [
        (f"{SIDE}x{SIDE} PNG of {size / 1000:.0f} kB, default settings", bounded),
        (f"{SIDE}x{SIDE} PNG, limit raised above it (before row 7)", unbounded),
        ("4000x4000 PNG (the largest the default allows)", largest),
    ]:
        growth = int(str(found["growth_kb"])) / 1024
        print(f"   {label}: {found['outcome']}, peak RSS +{growth:.1f} MB")
    return {"thumbnail_16mp_bomb_peak_rss_mb": round(int(str(bounded["growth_kb"])) / 1024, 1)}


if __name__ == "__main__":
    print(run())
