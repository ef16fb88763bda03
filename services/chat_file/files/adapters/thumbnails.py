"""`PillowThumbnailer`: decode an uploaded image once, square WebP thumbnails (cover crop).

Decoding is bounded (issue 23, row 7):
- the pixel limit (`THUMBNAIL_MAX_PIXELS`, default 16 MP) applies to the pixels actually
  decoded: a JPEG is decoded at a reduced scale (`draft`, down to 1/8) just large enough for
  the largest thumbnail, so a 48 MP camera photo decodes to 3 MP; any other format decodes at
  full size and is refused (`IMAGE_TOO_LARGE`) above the limit before a pixel is decoded
  (a 170 kB PNG of 6300x6300 would take 120 MB);
- once decoded, a large image is first shrunk by an integer factor (`reduce`) before it is
  oriented, converted and cropped, so those copies stay small;
- at most `THUMBNAIL_CONCURRENCY` decodes (default 2) run at once in a process; the others
  wait their turn (greenlets yield while they wait).
Pillow's own bomb check (`Image.MAX_IMAGE_PIXELS`, raised as an error) stays as a backstop
on the declared size: 64 times the limit, the most a 1/8 JPEG draft can bring under it.
"""

from __future__ import annotations

import io
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from services.chat_file.files.application.ports import Rendition
from services.chat_file.files.domain.model import CorruptImageError, ImageTooLargeError

DEFAULT_MAX_PIXELS = 16_000_000  # 16 MP decoded: 64 MB of RGBA at most per decode
DEFAULT_CONCURRENCY = 2
JPEG_DRAFT_SCALE = 8  # libjpeg decodes at 1/2, 1/4 or 1/8 of the size


def native_thread_runner() -> Callable[[Callable[[], Rendition]], Rendition]:
    """Run CPU-bound work in a real OS thread when gevent or eventlet patched `threading`.

    Only looks at what the process already imported: it never imports an async library."""
    gevent_monkey = sys.modules.get("gevent.monkey")
    if gevent_monkey is not None and gevent_monkey.is_module_patched("threading"):
        from gevent import get_hub

        return lambda work: get_hub().threadpool.apply(work)
    eventlet_patcher = sys.modules.get("eventlet.patcher")
    if eventlet_patcher is not None and eventlet_patcher.is_monkey_patched("thread"):
        from eventlet import tpool

        return lambda work: tpool.execute(work)
    return lambda work: work()


class PillowThumbnailer:
    def __init__(
        self,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        quality: int = 80,
        offload: Callable[[Callable[[], Rendition]], Rendition] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        if max_pixels < 1 or concurrency < 1:
            raise ValueError("max_pixels and concurrency must be at least 1")
        self.max_pixels = max_pixels
        self.quality = quality
        self._offload = offload or native_thread_runner()
        # created in the process that renders (threading is patched by then under gevent)
        self._slots = threading.BoundedSemaphore(concurrency)
        # process-wide backstop on the declared size; the only Pillow user is this class
        Image.MAX_IMAGE_PIXELS = max_pixels * JPEG_DRAFT_SCALE**2

    def render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
        """Decode and encode off the event loop (Pillow releases the GIL): other greenlets run.

        The bytes are read here first, so the worker thread never touches a Mongo client."""
        data = source.read()
        with self._slots:
            return self._offload(lambda: self._render(io.BytesIO(data), sizes))

    def _render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(source) as image:
                    width, height = image.size
                    largest = max(sizes.values())
                    image.draft("RGB", (largest, largest))  # JPEG only; a no-op elsewhere
                    decoded_w, decoded_h = image.size
                    if decoded_w * decoded_h > self.max_pixels:
                        raise ImageTooLargeError(width=width, height=height)
                    return Rendition(width, height, self._thumbnails(image, sizes))
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise ImageTooLargeError() from exc
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
                raise CorruptImageError() from exc

    def _thumbnails(self, image: Image.Image, sizes: Mapping[str, int]) -> dict[str, bytes]:
        largest = max(sizes.values())
        image.load()
        converted: Image.Image = image
        if image.mode not in {"RGB", "RGBA"}:
            has_alpha = "A" in image.mode or "transparency" in image.info
            converted = image.convert("RGBA" if has_alpha else "RGB")
        factor = min(image.size) // (2 * largest)  # keep twice the largest side for quality
        reduced = converted.reduce(factor) if factor > 1 else converted
        reduced.info.setdefault("exif", image.info.get("exif", b""))
        oriented = ImageOps.exif_transpose(reduced)
        out: dict[str, bytes] = {}
        for name, side in sorted(sizes.items(), key=lambda item: -item[1]):
            thumb = ImageOps.fit(oriented, (side, side), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            thumb.save(buffer, "WEBP", quality=self.quality)
            out[name] = buffer.getvalue()
        return out
