"""`PillowThumbnailer`: decode an uploaded image once, square WebP thumbnails (cover crop).

Decompression bombs are refused before decoding: `Image.MAX_IMAGE_PIXELS` is set to the
configured limit and Pillow's DecompressionBombWarning is raised as an error.
"""

from __future__ import annotations

import io
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from services.chat_file.files.application.ports import Rendition
from services.chat_file.files.domain.model import CorruptImageError, ImageTooLargeError

DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: above every phone camera, far below a bomb


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
    ) -> None:
        self.max_pixels = max_pixels
        self.quality = quality
        self._offload = offload or native_thread_runner()
        Image.MAX_IMAGE_PIXELS = max_pixels  # process-wide: the only Pillow user is this class

    def render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
        """Decode and encode off the event loop (Pillow releases the GIL): other greenlets run.

        The bytes are read here first, so the worker thread never touches a Mongo client."""
        data = source.read()
        return self._offload(lambda: self._render(io.BytesIO(data), sizes))

    def _render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(source) as image:
                    width, height = image.size
                    if width * height > self.max_pixels:
                        raise ImageTooLargeError(width=width, height=height)
                    return Rendition(width, height, self._thumbnails(image, sizes))
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise ImageTooLargeError() from exc
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
                raise CorruptImageError() from exc

    def _thumbnails(self, image: Image.Image, sizes: Mapping[str, int]) -> dict[str, bytes]:
        largest = max(sizes.values())
        image.draft("RGB", (largest, largest))  # JPEG: decode directly at a reduced scale
        image.load()
        oriented = ImageOps.exif_transpose(image)
        if oriented.mode not in {"RGB", "RGBA"}:
            has_alpha = "A" in oriented.mode or "transparency" in oriented.info
            oriented = oriented.convert("RGBA" if has_alpha else "RGB")
        out: dict[str, bytes] = {}
        for name, side in sorted(sizes.items(), key=lambda item: -item[1]):
            thumb = ImageOps.fit(oriented, (side, side), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            thumb.save(buffer, "WEBP", quality=self.quality)
            out[name] = buffer.getvalue()
        return out
