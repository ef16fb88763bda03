"""PillowThumbnailer on real image bytes: WebP cover crops, corrupt images, decompression bombs."""

from __future__ import annotations

import io
import threading
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
from tests.support.waiting import wait_until
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


def test_the_pixel_limit_counts_the_pixels_a_jpeg_draft_decodes() -> None:
    """1600x1600 is 2.56 MP; a JPEG decodes at 1/2 (800x800) for a 600 px thumbnail."""
    limited = PillowThumbnailer(max_pixels=1_000_000)
    rendition = limited.render(io.BytesIO(samples.jpeg((1600, 1600))), THUMBNAIL_SIZES)
    assert (rendition.width, rendition.height) == (1600, 1600)
    assert set(rendition.thumbnails) == set(THUMBNAIL_SIZES)
    with pytest.raises(ImageTooLargeError):  # a PNG decodes at full size: over the limit
        limited.render(io.BytesIO(samples.png((1600, 1600))), THUMBNAIL_SIZES)


def test_the_default_limit_refuses_the_6300_square_png_bomb() -> None:
    with pytest.raises(ImageTooLargeError):
        PillowThumbnailer().render(io.BytesIO(samples.png_bomb(6300)), THUMBNAIL_SIZES)


def test_exif_orientation_survives_the_reduction() -> None:
    """Left half red, right half blue, to be shown rotated 90 degrees clockwise: once
    transposed, red is on top. 1200 // (2 * 150) = 4: the image is reduced first."""
    picture = Image.new("RGB", (2400, 1200), "blue")
    picture.paste("red", (0, 0, 1200, 1200))
    exif = picture.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes())
    rendition = PillowThumbnailer().render(io.BytesIO(buffer.getvalue()), {"small": 150})
    with Image.open(io.BytesIO(rendition.thumbnails["small"])) as thumb:
        top, bottom = (
            thumb.convert("RGB").getpixel((75, 20)),
            thumb.convert("RGB").getpixel((75, 130)),
        )
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_at_most_the_configured_number_of_decodes_run_at_once() -> None:
    inside = 0
    peak = 0
    lock = threading.Lock()
    release = threading.Event()

    def offload(work: Callable[[], Rendition]) -> Rendition:
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        release.wait(10)
        try:
            return work()
        finally:
            with lock:
                inside -= 1

    thumbnailer = PillowThumbnailer(offload=offload, concurrency=2)
    content = samples.png((64, 64))
    threads = [
        threading.Thread(target=thumbnailer.render, args=(io.BytesIO(content), {"s": 10}))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    wait_until(lambda: inside == 2)
    with lock:
        assert inside == 2  # the three others wait for a slot
    release.set()
    for thread in threads:
        thread.join(10)
    assert peak == 2 and inside == 0
