"""Fixtures of the news tests: an editors' unit at Diskominfo, editors, articles, images."""

from __future__ import annotations

import datetime
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from superteam.news import services
from superteam.news.models import Article, ArticleStatus, Frequency, Subscriber, SubscriberStatus
from superteam.org.models import PositionLevel, UnitKind
from tests import factories as f

_seq = itertools.count(1)


@pytest.fixture
def newsroom(personas):
    """Diskominfo with its public-information bidang (the editors' unit), an editor (staff
    in a seksi under it), a reviewer (the kabid) and the kecamatan Genteng."""
    diskominfo = f.unit(
        personas.regency,
        parent=personas.root,
        kind=UnitKind.DINAS,
        code="DISKOMINFO",
        name="Dinas Komunikasi, Informatika dan Persandian",
    )
    ikp = f.unit(
        personas.regency,
        parent=diskominfo,
        kind=UnitKind.BIDANG,
        code="DISKOMINFO-B1",
        name="Bidang Informasi dan Komunikasi Publik",
    )
    seksi = f.unit(
        personas.regency,
        parent=ikp,
        kind=UnitKind.SEKSI,
        code="DISKOMINFO-B1-S1",
        name="Seksi Pengelolaan Informasi Publik",
    )
    genteng = f.unit(
        personas.regency,
        parent=personas.root,
        kind=UnitKind.KECAMATAN,
        code="KEC-GENTENG",
        name="Kecamatan Genteng",
        short_name="Genteng",
    )
    personas.diskominfo, personas.ikp, personas.genteng = diskominfo, ikp, genteng
    personas.editor = f.holder(seksi, PositionLevel.STAFF, title="Pranata Humas")
    personas.reviewer = f.holder(ikp, PositionLevel.KABID, title="Kepala Bidang IKP")
    return personas


def make_article(
    regency,
    *,
    editor=None,
    status=ArticleStatus.PUBLISHED,
    publish_at=None,
    title_id="",
    title_en="",
    body_id="",
    body_en="",
    summary_id="",
    summary_en="",
    clusters=(),
    kecamatan=(),
    cover=None,
    **data,
) -> Article:
    """An article through the real services; published ones go draft → review → published."""
    n = next(_seq)
    if not title_id and not title_en:
        title_id, title_en = f"Berita uji {n}", f"Test news {n}"
    if title_id and not body_id:
        body_id = f"Isi berita {n}."
    if title_en and not body_en:
        body_en = f"Text of news {n}."
    article = services.save_article(
        regency=regency,
        editor=editor,
        data={
            "title_id": title_id,
            "title_en": title_en,
            "summary_id": summary_id or (f"Ringkasan {n}" if title_id else ""),
            "summary_en": summary_en or (f"Summary {n}" if title_en else ""),
            "body_id": body_id if title_id else "",
            "body_en": body_en if title_en else "",
            "clusters": list(clusters),
            "kecamatan": list(kecamatan),
            **data,
        },
        cover_upload=cover,
    )
    if status in (ArticleStatus.REVIEW, ArticleStatus.PUBLISHED):
        article = services.submit_for_review(article=article, editor=editor)
    if status == ArticleStatus.PUBLISHED:
        article = services.publish_article(article=article, reviewer=editor, publish_at=publish_at)
        if publish_at is not None and publish_at < timezone.now():
            # Backdate for tests of ordering and digests (the service never goes back).
            Article.objects.filter(pk=article.pk).update(publish_at=publish_at)
            article.refresh_from_db()
    return article


def make_subscriber(
    regency,
    *,
    email=None,
    language="id",
    frequency=Frequency.IMMEDIATE,
    topics=(),
    confirmed_at=None,
) -> Subscriber:
    """A confirmed subscriber, written directly (the opt-in itself is tested on its own)."""
    import secrets

    n = next(_seq)
    subscriber = Subscriber.objects.create(
        regency=regency,
        email=email or f"pembaca{n}@example.org",
        language=language,
        frequency=frequency,
        status=SubscriberStatus.CONFIRMED,
        key=secrets.token_urlsafe(32),
        confirmed_at=confirmed_at or timezone.now() - datetime.timedelta(days=30),
    )
    subscriber.topics.set(topics)
    return subscriber


GPS_LAT = 8.3660  # south, Genteng


def photo_with_exif(fmt="JPEG", size=(1200, 900)) -> SimpleUploadedFile:
    """A camera-like photo with EXIF: camera model, capture time and a GPS position."""
    image = Image.new("RGB", size, (30, 120, 90))
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            image.putpixel((x, y), (250, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SuperCam"  # Make
    exif[0x0110] = "SC-1 Serial 123456"  # Model
    exif[0x0132] = "2026:01:07 08:15:00"  # DateTime
    gps = {1: "S", 2: (8.0, 21.0, 57.6), 3: "E", 4: (114.0, 8.0, 52.8)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes())
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    return SimpleUploadedFile(f"IMG_0001.{ext}", buffer.getvalue(), content_type=f"image/{ext}")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Covers and originals of the tests go to a temporary directory, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    storages = {**settings.STORAGES}
    storages["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    storages["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
    }
    settings.STORAGES = storages
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()  # page caches and rate limits never leak between tests
    translation.activate("id")  # addresses built in tests start in the default language
    yield
    cache.clear()
    translation.deactivate()
