"""Photo evidence: checking uploads, reading the original, making public derivatives.

An upload is accepted only when its *content* is a JPEG, PNG, WebP or HEIC image (the
name and the declared content type are ignored), its header parses, it is within the byte
and pixel caps (decompression bombs are refused from the header, before any decoding) and
it is complete (a cut-off file is refused; see :func:`is_complete`). Derivatives are
re-encoded from the pixels alone, so no EXIF (and no GPS) ever reaches a public URL.

Reused evidence is found with perceptual hashes (pHash and dHash, 64 bits each). Each
hash is cut into four 16-bit bands stored in indexed columns: two hashes within Hamming
distance 3 share at least one band exactly (pigeonhole), so candidates come from eight
index lookups instead of a scan, and only those few are compared bit by bit.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import warnings
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import imagehash
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

try:  # HEIC (iPhone photos) when pillow-heif and its libheif work on this machine.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except Exception:  # pragma: no cover - depends on the platform's wheels
    HEIC_SUPPORTED = False

# Pillow warns above this many pixels and refuses twice as many; uploads are refused at
# the cap itself (the warning is turned into an error in check_upload).
Image.MAX_IMAGE_PIXELS = settings.REPORTS_MAX_PHOTO_PIXELS

THUMBNAIL_SIZE = 320
DISPLAY_SIZE = 1280

# Pillow format name → (our short name, content type, file extension)
FORMATS = {
    "JPEG": ("jpeg", "image/jpeg", "jpg"),
    "PNG": ("png", "image/png", "png"),
    "WEBP": ("webp", "image/webp", "webp"),
}
if HEIC_SUPPORTED:
    FORMATS["HEIF"] = ("heic", "image/heic", "heic")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


class PhotoRejected(Exception):
    """An upload that is not acceptable photo evidence; ``message`` says why (translated)."""

    def __init__(self, message: str, *, name: str = ""):
        super().__init__(message)
        self.message = message
        self.name = name


@dataclass
class CheckedPhoto:
    """An upload that passed every check, held in memory until it is stored."""

    data: bytes
    name: str
    format: str  # Pillow's name: JPEG, PNG, WEBP, HEIF
    width: int
    height: int
    sha256: str

    @property
    def extension(self) -> str:
        return FORMATS[self.format][2]

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][1]

    @property
    def short_format(self) -> str:
        return FORMATS[self.format][0]


def sniff(head: bytes) -> str | None:
    """The image format the first bytes announce (Pillow's name), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF" if HEIC_SUPPORTED else None
    return None


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<", b"<?xml")) or b"<svg" in text or b"<html" in text


def _megabytes(n: int) -> str:
    return formats.number_format(round(n / 1024 / 1024, 1), 1)


def _jpeg_scan_start(data: bytes) -> int:
    """Offset of the first scan's data, walking the marker segments (EXIF thumbnails and
    other embedded pictures live inside segments and are skipped); -1 if there is none."""
    pos = 2
    end = len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return -1
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            return pos + 2 + length
        pos += 2 + length
    return -1


def is_complete(kind: str, data: bytes) -> bool:
    """Whether a file ends where its own structure says (a cut-off upload does not), read
    from the bytes without decoding the pixels: the end-of-image marker after the scans
    (JPEG; data after it, as in motion photos, is allowed), the IEND chunk (PNG), the
    RIFF length (WebP). Pixels are decoded by the background task; a file that is complete
    but damaged inside is flagged there ("could not be processed"), never dropped."""
    if kind == "JPEG":
        start = _jpeg_scan_start(data)
        # In entropy-coded data 0xFF is always stuffed (FF00) or a restart marker, so an
        # FFD9 after the scans begin is the end of the picture. Searched from the end: it
        # is usually the last two bytes (a forward search read all 300 KB, 0.3 ms).
        return start > 0 and data.rfind(b"\xff\xd9", start) != -1
    if kind == "PNG":
        return data.rfind(b"IEND\xaeB`\x82") > 8
    if kind == "WEBP":
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    return True


def check_upload(upload, *, max_bytes: int | None = None, max_pixels: int | None = None):
    """Check one uploaded file (a Django ``UploadedFile`` or anything with ``name``,
    ``size`` and ``read``); return a :class:`CheckedPhoto` or raise :class:`PhotoRejected`."""
    max_bytes = max_bytes or settings.REPORTS_MAX_PHOTO_BYTES
    max_pixels = max_pixels or settings.REPORTS_MAX_PHOTO_PIXELS
    name = (getattr(upload, "name", "") or "photo")[-200:]
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise PhotoRejected(
            _("%(name)s is too large (%(size)s MB); the limit is %(limit)s MB per photo.")
            % {"name": name, "size": _megabytes(size), "limit": _megabytes(max_bytes)},
            name=name,
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoRejected(
            _("%(name)s is too large; the limit is %(limit)s MB per photo.")
            % {"name": name, "limit": _megabytes(max_bytes)},
            name=name,
        )
    if not data:
        raise PhotoRejected(_("%(name)s is empty.") % {"name": name}, name=name)
    kind = sniff(data[:32])
    if kind is None:
        if _looks_like_markup(data[:512]):
            message = _(
                "%(name)s is a web page or drawing (HTML or SVG), not a photo. "
                "Send a JPEG, PNG, WebP or HEIC photo."
            )
        else:
            message = _("%(name)s is not a photo in an accepted format (JPEG, PNG, WebP, HEIC).")
        raise PhotoRejected(message % {"name": name}, name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, max_pixels)
            image = Image.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if width * height > max_pixels:
                raise Image.DecompressionBombError(f"{width}x{height}")
            if kind == "HEIF":
                image.load()  # no cheap structural check: decode it
            elif not is_complete(kind, data):
                raise OSError("image file is truncated")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(
            _(
                "%(name)s has too many pixels (limit %(limit)s megapixels); it may be a "
                "decompression bomb and was refused."
            )
            % {"name": name, "limit": formats.number_format(max_pixels // 1_000_000)},
            name=name,
        ) from None
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError, TypeError, EOFError) as exc:
        if "truncated" in str(exc).lower() or not is_complete(kind, data):
            message = _("%(name)s is incomplete (the file was cut off). Please send it again.")
        else:
            message = _("%(name)s cannot be read as a photo; the file may be damaged.")
        raise PhotoRejected(message % {"name": name}, name=name) from None
    return CheckedPhoto(
        data=data,
        name=name,
        format=kind,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_uploads(files) -> tuple[list[CheckedPhoto], list[str]]:
    """Check every uploaded photo; all refusals are reported together."""
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except PhotoRejected as exc:
            errors.append(exc.message)
    return checked, errors


# --- Reading the original --------------------------------------------------------------


@dataclass
class PhotoFacts:
    """What the original tells: capture time, position, camera, and its perceptual hashes."""

    taken_at: datetime.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    camera: str
    phash: int  # unsigned 64-bit
    dhash: int
    thumbnail: bytes
    display: bytes


def _rational(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return num / den if den else 0.0


def _gps(exif) -> tuple[Decimal | None, Decimal | None]:
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None, None
    try:
        lat_ref, lat, lon_ref, lon = gps[1], gps[2], gps[3], gps[4]
    except (KeyError, TypeError):
        return None, None
    try:
        lat_v = sum(_rational(v) / 60**i for i, v in enumerate(lat))
        lon_v = sum(_rational(v) / 60**i for i, v in enumerate(lon))
    except (TypeError, ValueError, ZeroDivisionError):
        return None, None
    if str(lat_ref).upper().startswith("S"):
        lat_v = -lat_v
    if str(lon_ref).upper().startswith("W"):
        lon_v = -lon_v
    if not (-90 <= lat_v <= 90 and -180 <= lon_v <= 180) or (lat_v == 0 and lon_v == 0):
        return None, None
    return Decimal(f"{lat_v:.6f}"), Decimal(f"{lon_v:.6f}")


def _taken_at(exif, tz: zoneinfo.ZoneInfo) -> datetime.datetime | None:
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        sub = {}
    raw = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(ExifTags.Base.OffsetTimeOriginal)
    if offset:
        try:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = str(offset).strip("+-\x00 ").split(":")[:2]
            delta = datetime.timedelta(hours=int(hours), minutes=int(minutes)) * sign
            return naive.replace(tzinfo=datetime.timezone(delta))
        except ValueError:
            pass
    # Cameras write local time without a zone: the regency's own time zone is the best guess.
    return naive.replace(tzinfo=tz)


def _encode_jpeg(image: Image.Image, quality: int, *, progressive: bool = True) -> bytes:
    out = io.BytesIO()
    # Only pixels are written: no exif=, so no EXIF block (and no GPS) in the result.
    # A progressive JPEG (its Huffman tables optimised too) shows a whole picture early on
    # a slow line and is ~12 % smaller, but costs 6x the CPU of a baseline one.
    image.save(out, "JPEG", quality=quality, optimize=progressive, progressive=progressive)
    return out.getvalue()


def _fit(image: Image.Image, box: int) -> Image.Image:
    """The picture shrunk to fit a ``box`` x ``box`` square (the picture itself if it
    fits): a new image, never a copy made only to be shrunk in place."""
    width, height = image.size
    scale = min(box / width, box / height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def read_original(data: bytes, *, time_zone: str = "Asia/Jakarta") -> PhotoFacts:
    """Read facts from an original and make its derivatives (called by the background task)."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    camera = " ".join(
        str(exif.get(tag, "")).strip("\x00 ") for tag in (ExifTags.Base.Make, ExifTags.Base.Model)
    ).strip()[:120]
    taken_at = _taken_at(exif, zoneinfo.ZoneInfo(time_zone))
    latitude, longitude = _gps(exif)
    if image.format == "JPEG":
        image.draft("RGB", (DISPLAY_SIZE, DISPLAY_SIZE))
    # In place: without an orientation to apply, a copy would only double the pixels.
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    display = _fit(image, DISPLAY_SIZE)
    thumb = _fit(display, THUMBNAIL_SIZE)
    return PhotoFacts(
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        camera=camera,
        # Both hashes shrink the picture to a few dozen pixels: the thumbnail gives the
        # same hash as the full picture at a fraction of the cost.
        phash=int(str(imagehash.phash(thumb)), 16),
        dhash=int(str(imagehash.dhash(thumb)), 16),
        thumbnail=_encode_jpeg(thumb, 78),
        # The thumbnail, which lists show on phones, is progressive. The display size, opened
        # one at a time, is a baseline JPEG: progressive encoding of it cost 41 ms of the
        # worker's ~48 ms per 1280x960 photo (baseline: 6 ms, quality 80: ~3 % larger).
        display=_encode_jpeg(display, 80, progressive=False),
    )


# --- Hashes and distances --------------------------------------------------------------


def to_signed(value: int) -> int:
    """A 64-bit unsigned hash as the signed integer a BIGINT column holds."""
    return value - (1 << 64) if value >= (1 << 63) else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def bands(value: int) -> list[int]:
    """The four 16-bit bands of a 64-bit hash, high to low."""
    return [(value >> shift) & 0xFFFF for shift in (48, 32, 16, 0)]


def hamming(a: int, b: int) -> int:
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()


def is_degenerate(value: int) -> bool:
    """Hashes of nearly uniform pictures (a black frame, a blank wall) match each other
    without being the same photo; they are not used to claim reuse."""
    return not 6 <= to_unsigned(value).bit_count() <= 58


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# --- Flag reasons, in the reader's language ---------------------------------------------


def _day(iso: str | None) -> str:
    if not iso:
        return "?"
    try:
        return formats.date_format(datetime.date.fromisoformat(iso), "DATE_FORMAT")
    except ValueError:
        return iso


def flag_reason(flag) -> str:
    """Why a photo was flagged, from the facts stored with the flag (see services)."""
    from superteam.reports.models import FlagKind

    d = flag.details or {}
    if flag.kind == FlagKind.WRONG_DAY:
        return _("Taken on %(taken)s, but the report is for %(day)s.") % {
            "taken": _day(d.get("taken_on")),
            "day": _day(d.get("report_date")),
        }
    if flag.kind == FlagKind.WRONG_PLACE:
        return _("Taken %(distance)s km from %(unit)s (more than %(limit)s km away).") % {
            "distance": formats.number_format(d.get("distance_km", 0), 1),
            "unit": d.get("unit", ""),
            "limit": formats.number_format(d.get("limit_km", 0), 1),
        }
    if flag.kind == FlagKind.REUSED:
        if d.get("identical"):
            text = _("The same file was already sent by %(unit)s for %(day)s (“%(title)s”).")
        else:
            text = _(
                "Looks like a photo already sent by %(unit)s for %(day)s (“%(title)s”), "
                "perhaps resized or recompressed."
            )
        return text % {
            "unit": d.get("unit", ""),
            "day": _day(d.get("date")),
            "title": d.get("title", ""),
        }
    if flag.kind == FlagKind.NO_TIME:
        return _("The photo carries no capture time, so its day cannot be checked.")
    if flag.kind == FlagKind.NO_LOCATION:
        if d.get("unit_without_location"):
            return _("The unit has no location on record, so the photo's place cannot be checked.")
        return _("The photo carries no GPS position, so its place cannot be checked.")
    if flag.kind == FlagKind.UNREADABLE:
        return _("The photo could not be processed: %(error)s") % {"error": d.get("error", "")}
    return str(flag.get_kind_display())
