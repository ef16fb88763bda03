"""`PillowThumbnailer`: decode an uploaded image once, square WebP thumbnails (cover crop).

Decompression bombs are refused before decoding: `Image.MAX_IMAGE_PIXELS` is set to the
configured limit and Pillow's DecompressionBombWarning is raised as an error.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from services.chat_file.application.files import Rendition
from services.chat_file.domain.files import CorruptImageError, ImageTooLargeError

DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: above every phone camera, far below a bomb


class PillowThumbnailer:
    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS, quality: int = 80) -> None:
        self.max_pixels = max_pixels
        self.quality = quality
        Image.MAX_IMAGE_PIXELS = max_pixels  # process-wide: the only Pillow user is this class

    def render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
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
