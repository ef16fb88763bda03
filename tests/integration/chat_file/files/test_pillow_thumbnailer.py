"""PillowThumbnailer on real image bytes: WebP cover crops, corrupt images, decompression bombs."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from services.chat_file.files.adapters.thumbnails import PillowThumbnailer
from services.chat_file.files.application.ports import Rendition
from services.chat_file.files.domain.model import (
    THUMBNAIL_SIZES,
    CorruptImageError,
    ImageTooLargeError,
)
from tests.unit.chat_file.files import samples


@pytest.mark.parametrize(
    "content",
    [samples.jpeg((1600, 900)), samples.png((300, 1200)), samples.image("GIF", (200, 100), "P")],
)
def test_renders_square_webp_thumbnails_for_each_size(content: bytes) -> None:
    rendition = PillowThumbnailer().render(io.BytesIO(content), THUMBNAIL_SIZES)
    assert set(rendition.thumbnails) == set(THUMBNAIL_SIZES)
    for name, side in THUMBNAIL_SIZES.items():
        with Image.open(io.BytesIO(rendition.thumbnails[name])) as thumb:
            assert thumb.format == "WEBP"
            assert thumb.size == (side, side)


def test_reports_the_original_dimensions() -> None:
    rendition = PillowThumbnailer().render(io.BytesIO(samples.jpeg((1600, 900))), THUMBNAIL_SIZES)
    assert (rendition.width, rendition.height) == (1600, 900)


def test_transparent_png_keeps_its_alpha() -> None:
    content = samples.image("PNG", (400, 400), "RGBA")
    rendition = PillowThumbnailer().render(io.BytesIO(content), {"small": 150})
    with Image.open(io.BytesIO(rendition.thumbnails["small"])) as thumb:
        assert thumb.mode == "RGBA"


@pytest.mark.parametrize(
    "content", [samples.truncated_jpeg(), samples.png()[:60], b"GIF89a" + b"\x00" * 20]
)
def test_corrupt_images_are_refused(content: bytes) -> None:
    with pytest.raises(CorruptImageError):
        PillowThumbnailer().render(io.BytesIO(content), THUMBNAIL_SIZES)


@pytest.mark.parametrize("side", [100_000, 9_000])
def test_decompression_bombs_are_refused_before_decoding(side: int) -> None:
    with pytest.raises(ImageTooLargeError):
        PillowThumbnailer(max_pixels=40_000_000).render(
            io.BytesIO(samples.png_bomb(side)), THUMBNAIL_SIZES
        )


def test_rendering_runs_through_the_offload_hook() -> None:
    calls = []

    def offload(work: Callable[[], Rendition]) -> Rendition:
        calls.append(work)
        return work()

    rendition = PillowThumbnailer(offload=offload).render(io.BytesIO(samples.png()), {"s": 10})
    assert len(calls) == 1 and set(rendition.thumbnails) == {"s"}
