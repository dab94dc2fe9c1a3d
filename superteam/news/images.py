"""Cover photos: check an upload, then make the public derivatives.

The upload is sniffed by content (JPEG, PNG, WebP, HEIC where supported), capped in size
and pixels (decompression bombs), turned upright, and re-encoded as JPEG without any
metadata: no EXIF, no GPS position, no camera serial. Only these derivatives are public;
the original is kept in the private storage.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

try:  # HEIC photos from phones, where the library is available
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - pillow-heif is in requirements.txt
    HEIF = False

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
LARGE = (1600, 1200)
THUMB = (640, 360)  # 16:9 cards on the home page
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg"}
if HEIF:
    ALLOWED_FORMATS["HEIF"] = "heic"


@dataclass
class Cover:
    """The derivatives to publish and the original to keep privately."""

    large: ContentFile
    thumb: ContentFile
    width: int
    height: int
    original: ContentFile


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif=, icc_profile= or comment: the JPEG carries pixels only.
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("This file is not a photo in JPEG, PNG, WebP or HEIC format.")
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The photo is too large (%(pixels)s megapixels; at most %(max)s).")
                    % {"pixels": width * height // 1_000_000, "max": MAX_PIXELS // 1_000_000}
                )
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(_("The photo has too many pixels.")) from exc
        except Exception as exc:  # any decoder error: truncated, corrupt or not an image
            raise ValidationError(
                _("This file is not a photo in JPEG, PNG, WebP or HEIC format.")
            ) from exc
    image.format_name = fmt  # type: ignore[attr-defined]
    return image


def make_cover(upload) -> Cover:
    """Check an uploaded photo and make its public derivatives (raises ValidationError)."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}
        )
    image = _open(data)
    ext = ALLOWED_FORMATS[image.format_name]  # type: ignore[attr-defined]
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    # A fresh image holds pixels only: nothing of the upload's metadata can follow it.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    large = clean.copy()
    large.thumbnail(LARGE, Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(clean, THUMB, Image.Resampling.LANCZOS)
    name = uuid.uuid4().hex
    return Cover(
        large=ContentFile(_encode(large), name=f"{name}.jpg"),
        thumb=ContentFile(_encode(thumb), name=f"{name}-card.jpg"),
        width=large.width,
        height=large.height,
        # Its own random name: a public address says nothing about where the original is.
        original=ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}"),
    )
