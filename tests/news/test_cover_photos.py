"""Cover photos: only re-encoded derivatives without EXIF or GPS are public; bad uploads
are refused with a translated message and lose nothing."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from superteam.news import images, services
from superteam.news.models import Article
from tests.news.conftest import make_article, photo_with_exif

pytestmark = pytest.mark.django_db


def assert_no_metadata(data: bytes):
    assert b"Exif" not in data and b"SuperCam" not in data and b"123456" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert len(exif) == 0
    assert not exif.get_ifd(0x8825)  # no GPS
    assert "exif" not in image.info and "icc_profile" not in image.info


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_public_derivatives_carry_no_exif_or_gps(client, newsroom, fmt, settings):
    upload = photo_with_exif(fmt)
    original_bytes = upload.read()
    upload.seek(0)
    article = make_article(newsroom.regency, cover=upload)
    for field in (article.cover, article.cover_thumb):
        assert field.path.startswith(str(settings.MEDIA_ROOT))
        with open(field.path, "rb") as fh:
            assert_no_metadata(fh.read())
    assert (article.cover_width, article.cover_height) == (1200, 900)
    # The original, with its EXIF, is kept privately: outside MEDIA_ROOT, no URL.
    original = article.cover_original
    assert not original.path.startswith(str(settings.MEDIA_ROOT))
    with open(original.path, "rb") as fh:
        assert fh.read() == original_bytes
    # Public pages show derivatives only, and the derivative served is metadata-free.
    for language in ("id", "en"):
        with translation.override(language):
            html = client.get(
                reverse("news:article", kwargs={"slug": article.slug})
            ).content.decode()
            home = client.get(reverse("news:home")).content.decode()
        assert article.cover.url in html
        for page in (html, home):
            assert os.path.basename(original.name) not in page
            assert "IMG_0001" not in page
    assert article.cover.url.startswith("/media/news/covers/")


def test_rotated_phone_photo_is_turned_upright(newsroom):
    image = Image.new("RGB", (800, 400), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    cover = images.make_cover(SimpleUploadedFile("p.jpg", buffer.getvalue()))
    assert (cover.width, cover.height) == (400, 800)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.4 not a photo", "bukan foto"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "bukan foto"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "bukan foto"),
    ],
)
def test_bad_uploads_are_refused_with_a_translated_error(newsroom, content, message):
    article = make_article(newsroom.regency, title_id="Tetap utuh", title_en="Still whole")
    with translation.override("id"), pytest.raises(ValidationError) as error:
        services.save_article(
            regency=newsroom.regency,
            editor=newsroom.editor,
            article=article,
            data={"title_id": "Judul diubah"},
            cover_upload=SimpleUploadedFile("x.jpg", content),
        )
    assert message in " ".join(error.value.messages)
    article.refresh_from_db()
    assert article.title_id == "Tetap utuh"  # the failed request changed nothing


def test_decompression_bombs_are_refused(newsroom, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        images.make_cover(photo_with_exif())
    assert "too large" in error.value.messages[0]


def test_replacing_a_cover_deletes_the_old_files_after_commit(
    newsroom, django_capture_on_commit_callbacks
):
    article = make_article(newsroom.regency, cover=photo_with_exif())
    old = [article.cover.path, article.cover_thumb.path, article.cover_original.path]
    with django_capture_on_commit_callbacks(execute=True):
        article = services.save_article(
            regency=newsroom.regency,
            editor=newsroom.editor,
            article=article,
            data={"title_id": article.title_id},
            cover_upload=photo_with_exif("PNG"),
        )
    assert not any(os.path.exists(p) for p in old)
    assert os.path.exists(article.cover.path) and os.path.exists(article.cover_original.path)
    assert Article.objects.get(pk=article.pk).cover.name == article.cover.name
