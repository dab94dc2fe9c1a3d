"""Bad uploads are refused with a clear, translated message, and nothing is stored."""

import io
import random
import zlib

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from superteam.api.services import issue_token
from superteam.reports.models import Photo, Report
from superteam.reports.photos import PhotoRejected, check_upload
from superteam.reports.scenes import photo_bytes
from tests.reports.helpers import jpeg, upload

pytestmark = pytest.mark.django_db


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header announcing width×height pixels, with a tiny compressed body."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (the body never comes)."""
    import struct

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def _png() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes(seed=3))).save(out, "PNG")
    return out.getvalue()


CORPUS = {
    "pixel bomb (PNG, 30000×30000)": (
        png_bomb(30000, 30000),
        "bomb.png",
        "image/png",
        "decompression bomb",
    ),
    "pixel bomb (header claims 100000×100000)": (
        png_header_only(100000, 100000),
        "big.png",
        "image/png",
        "decompression bomb",
    ),
    "truncated JPEG": (
        truncated(photo_bytes(seed=2, grain=40)),
        "cut.jpg",
        "image/jpeg",
        "incomplete",
    ),
    "truncated PNG": (truncated(_png()), "cut.png", "image/png", "incomplete"),
    "HTML renamed .jpg": (
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        "photo.jpg",
        "image/jpeg",
        "web page or drawing",
    ),
    "SVG renamed .jpg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="9"/></svg>',
        "photo.jpg",
        "image/jpeg",
        "web page or drawing",
    ),
    "PDF with an image content type": (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        "scan.jpg",
        "image/jpeg",
        "not a photo in an accepted format",
    ),
    "random bytes with an image content type": (
        random.Random(1).randbytes(4096),
        "x.png",
        "image/png",
        "not a photo in an accepted format",
    ),
    "GIF (not on the allow-list)": (
        b"GIF89a" + b"\0" * 64,
        "anim.gif",
        "image/gif",
        "not a photo in an accepted format",
    ),
    "JPEG header with garbage after it": (
        b"\xff\xd8\xff\xe0" + random.Random(2).randbytes(2048),
        "bad.jpg",
        "image/jpeg",
        ("cannot be read", "incomplete"),
    ),
    "empty file": (b"", "empty.jpg", "image/jpeg", "is empty"),
}


def _alternatives(expected) -> tuple[str, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


@pytest.mark.parametrize("case", list(CORPUS), ids=list(CORPUS))
def test_check_upload_refuses_with_a_clear_message(case):
    data, name, content_type, expected = CORPUS[case]
    with pytest.raises(PhotoRejected) as exc:
        check_upload(upload(data, name, content_type))
    assert any(e in exc.value.message for e in _alternatives(expected))
    assert name in exc.value.message


def test_oversized_files_are_refused_before_being_read(settings):
    settings.REPORTS_MAX_PHOTO_BYTES = 50_000
    data = photo_bytes(seed=4, size=(1200, 900), grain=60)
    assert len(data) > 50_000
    with pytest.raises(PhotoRejected) as exc:
        check_upload(upload(data, "big.jpg"))
    assert "too large" in exc.value.message


def test_a_picture_just_over_the_pixel_cap_is_refused(settings):
    settings.REPORTS_MAX_PHOTO_PIXELS = 640 * 480 - 1
    with pytest.raises(PhotoRejected) as exc:
        check_upload(upload(jpeg(1)))
    assert "decompression bomb" in exc.value.message
    settings.REPORTS_MAX_PHOTO_PIXELS = 640 * 480
    assert check_upload(upload(jpeg(1))).width == 640


def test_messages_are_translated():
    data, name, content_type, _expected = CORPUS["HTML renamed .jpg"]
    with translation.override("id"), pytest.raises(PhotoRejected) as exc:
        check_upload(upload(data, name, content_type))
    assert "bukan foto" in exc.value.message


@pytest.mark.parametrize(
    ("image_format", "name"),
    [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("HEIF", "a.heic")],
)
def test_accepted_formats_are_recognised_by_content(image_format, name):
    data = photo_bytes(seed=5, image_format=image_format)
    checked = check_upload(upload(data, "no-extension", "application/octet-stream"))
    assert checked.format == image_format
    assert checked.width == 800


@pytest.mark.parametrize("case", list(CORPUS), ids=list(CORPUS))
def test_the_api_refuses_bad_files_and_stores_nothing(
    case, personas, reporting, today, english_client, media
):
    client = english_client
    data, name, content_type, expected = CORPUS[case]
    _token, raw = issue_token(person=personas.staff, name="phone")
    response = client.post(
        reverse("api:reports_submit"),
        {
            "idempotency_key": "corpus-0001",
            "title": "Posyandu lansia",
            "narrative": "Pemeriksaan tekanan darah.",
            "date": today.isoformat(),
            "photos": [upload(jpeg(1)), upload(data, name, content_type)],
        },
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert any(e in body["detail"] for e in _alternatives(expected))
    assert body["errors"]["photos"]
    assert Report.objects.count() == 0 and Photo.objects.count() == 0
    private = media / "private"
    assert not private.exists() or not any(private.rglob("*.*"))


def test_the_form_refuses_bad_files_in_indonesian(personas, reporting, today, client_as):
    client = client_as(personas.staff)
    data, name, content_type, _expected = CORPUS["SVG renamed .jpg"]
    page = client.get(reverse("reports:submit"))
    key = page.context["form"]["idempotency_key"].value()
    response = client.post(
        reverse("reports:submit"),
        {
            "idempotency_key": key,
            "position": personas.staff.current_assignments().first().position_id,
            "title": "Posyandu",
            "narrative": "Pemeriksaan.",
            "date": today.isoformat(),
            "photos": [upload(data, name, content_type)],
        },
    )
    assert response.status_code == 400
    assert "bukan foto" in response.content.decode()
    assert Report.objects.count() == 0


def _progressive() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes(seed=6, grain=20))).save(
        out, "JPEG", progressive=True, quality=80
    )
    return out.getvalue()


def _webp() -> bytes:
    return photo_bytes(seed=7, image_format="WEBP")


def _with_exif_thumbnail() -> bytes:
    """A JPEG whose EXIF carries a small JPEG of its own (as cameras write)."""
    from PIL import ExifTags

    thumb = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(thumb, "JPEG")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamera"
    image = Image.open(io.BytesIO(photo_bytes(seed=8, grain=20)))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes() + thumb.getvalue())
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (truncated(_progressive()), "progressive.jpg"),
        (truncated(_webp()), "cut.webp"),
        (truncated(_with_exif_thumbnail()), "thumbnail-inside.jpg"),
    ],
    ids=["truncated progressive JPEG", "truncated WebP", "truncated JPEG with EXIF thumbnail"],
)
def test_cut_off_files_are_refused_without_decoding(data, name):
    with pytest.raises(PhotoRejected) as exc:
        check_upload(upload(data, name))
    assert "incomplete" in exc.value.message


def test_complete_files_with_extra_data_are_accepted():
    # A "motion photo": the JPEG, then a video appended after its end marker.
    motion = photo_bytes(seed=9) + b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096
    assert check_upload(upload(motion, "MVIMG.jpg")).format == "JPEG"
    assert check_upload(upload(_progressive(), "p.jpg")).format == "JPEG"
    assert check_upload(upload(_with_exif_thumbnail(), "t.jpg")).format == "JPEG"
