"""Drawn photos for the demo, the benchmark and the tests: simple field scenes (a home
visit, a health post, a meeting, a road) painted with Pillow from a seed, saved with the
EXIF a phone camera writes (capture time, GPS) when asked to.
"""

from __future__ import annotations

import datetime
import io
import random

from PIL import ExifTags, Image, ImageDraw

SCENES = ("visit", "clinic", "meeting", "road")


def _person(draw: ImageDraw.ImageDraw, x: int, y: int, h: int, colour: tuple) -> None:
    head = h // 6
    draw.ellipse([x - head // 2, y, x + head // 2, y + head], fill=(120, 85, 60))
    draw.rectangle([x - head // 2 - 4, y + head, x + head // 2 + 4, y + h * 2 // 3], fill=colour)
    draw.rectangle([x - head // 2, y + h * 2 // 3, x - 2, y + h], fill=(40, 40, 60))
    draw.rectangle([x + 2, y + h * 2 // 3, x + head // 2, y + h], fill=(40, 40, 60))


def draw_scene(
    *, seed: int, size: tuple[int, int] = (800, 600), scene: str | None = None
) -> Image.Image:
    """A deterministic picture for a seed: the same seed always draws the same photo."""
    rng = random.Random(seed)
    w, h = size
    scene = scene or SCENES[seed % len(SCENES)]
    sky = (rng.randint(120, 180), rng.randint(170, 210), rng.randint(220, 250))
    ground = (rng.randint(60, 110), rng.randint(120, 170), rng.randint(50, 90))
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    horizon = int(h * rng.uniform(0.45, 0.6))
    draw.rectangle([0, horizon, w, h], fill=ground)
    for _ in range(rng.randint(2, 5)):  # clouds and trees make every picture different
        cx, cy = rng.randint(0, w), rng.randint(0, horizon // 2)
        r = rng.randint(w // 20, w // 8)
        draw.ellipse([cx - r, cy - r // 2, cx + r, cy + r // 2], fill=(245, 245, 245))
    for _ in range(rng.randint(3, 8)):
        tx = rng.randint(0, w)
        tr = rng.randint(h // 20, h // 9)
        draw.rectangle([tx - 4, horizon - tr, tx + 4, horizon + 4], fill=(90, 60, 30))
        draw.ellipse(
            [tx - tr, horizon - 2 * tr, tx + tr, horizon - tr // 2],
            fill=(30, rng.randint(90, 140), 40),
        )
    wall = (rng.randint(200, 240), rng.randint(190, 230), rng.randint(150, 200))
    if scene in ("visit", "clinic"):
        bx, bw, bh = (
            rng.randint(w // 10, w // 3),
            rng.randint(w // 3, w // 2),
            rng.randint(h // 4, h // 3),
        )
        draw.rectangle([bx, horizon - bh, bx + bw, horizon + 10], fill=wall)
        draw.polygon(
            [
                (bx - 20, horizon - bh),
                (bx + bw // 2, horizon - bh - bh // 2),
                (bx + bw + 20, horizon - bh),
            ],
            fill=(150, 50, 40),
        )
        draw.rectangle(
            [bx + bw // 2 - 20, horizon - bh // 2, bx + bw // 2 + 20, horizon + 10],
            fill=(100, 70, 40),
        )
        if scene == "clinic":
            cx, cy = bx + bw // 4, horizon - bh + bh // 4
            draw.rectangle([cx - 18, cy - 6, cx + 18, cy + 6], fill=(200, 20, 30))
            draw.rectangle([cx - 6, cy - 18, cx + 6, cy + 18], fill=(200, 20, 30))
    elif scene == "meeting":
        draw.rectangle([w // 6, horizon, w - w // 6, horizon + h // 12], fill=(110, 75, 45))
    else:
        draw.polygon(
            [(w // 2 - w // 10, horizon), (w // 2 + w // 10, horizon), (w, h), (0, h)],
            fill=(90, 90, 95),
        )
    for _ in range(rng.randint(2, 5)):
        colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        ph = rng.randint(h // 5, h // 3)
        _person(
            draw,
            rng.randint(w // 8, w - w // 8),
            horizon - ph // 2 + rng.randint(0, h // 8),
            ph,
            colour,
        )
    return image


def camera_exif(
    *,
    taken_at: datetime.datetime | None = None,
    gps: tuple[float, float] | None = None,
    make: str = "SuperTeam",
    model: str = "Demo Camera",
) -> Image.Exif:
    """EXIF as a phone writes it: make and model, local capture time, GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = model
    if taken_at is not None:
        stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
        exif[ExifTags.Base.DateTime] = stamp
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = stamp
    if gps is not None:
        lat, lon = gps

        def dms(value: float) -> tuple[float, float, float]:
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            return (float(d), float(m), round((value - d - m / 60) * 3600, 3))

        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[1] = "S" if lat < 0 else "N"
        info[2] = dms(lat)
        info[3] = "W" if lon < 0 else "E"
        info[4] = dms(lon)
    return exif


def photo_bytes(
    *,
    seed: int,
    size: tuple[int, int] = (800, 600),
    taken_at: datetime.datetime | None = None,
    gps: tuple[float, float] | None = None,
    quality: int = 85,
    grain: int = 0,
    image_format: str = "JPEG",
    scene: str | None = None,
) -> bytes:
    """A drawn photo as file bytes, with camera EXIF. ``grain`` adds sensor-like noise
    (larger, more realistic files, e.g. for the benchmark's 300 KB photos)."""
    image = draw_scene(seed=seed, size=size, scene=scene)
    if grain:
        import numpy as np

        noise = np.random.default_rng(seed).integers(-grain, grain + 1, (size[1], size[0], 1))
        pixels = np.asarray(image, dtype=np.int16) + noise.astype(np.int16)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    exif = camera_exif(taken_at=taken_at, gps=gps)
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=quality, exif=exif)
    else:
        image.save(out, image_format, exif=exif)
    return out.getvalue()
