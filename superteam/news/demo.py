"""Demo newsroom: a dozen bilingual articles (one only in Bahasa Indonesia, one scheduled,
one in review), articles about the demo innovations where that app has loaded some,
generated cover photos, a newsroom editor account and a few confirmed subscribers.

Deterministic (seeded) and idempotent: an article whose address exists is skipped.
Publication times are relative to today so that the portal always looks current.
"""

from __future__ import annotations

import datetime
import io
import math
import random
import secrets

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from superteam.core.demo_accounts import DEMO_PASSWORD
from superteam.core.progress import Progress
from superteam.news import services
from superteam.news.demo_stories import IN_REVIEW, STORIES
from superteam.news.models import (
    Article,
    ArticleStatus,
    Frequency,
    Subscriber,
    SubscriberStatus,
    Tag,
)
from superteam.org.models import Cluster, Person, Position, Unit, UnitKind

TAG_NAMES_EN = {
    "super team": "super team",
    "reformasi birokrasi": "bureaucratic reform",
    "rakor": "coordination meetings",
    "target": "targets",
    "jemput bola": "outreach",
    "lansia": "elderly",
    "laporan harian": "daily reports",
    "smart kampung": "Smart Kampung",
    "desa digital": "digital villages",
    "kompetisi inovasi": "innovation competition",
    "rujukan": "referrals",
}
EDITOR_USERNAME = "redaksi"
SUBSCRIBERS = [
    ("pembaca.genteng@example.org", "id", Frequency.IMMEDIATE, ["kesehatan"]),
    ("warga.glagah@example.org", "id", Frequency.DAILY, []),
    ("journalist@example.org", "en", Frequency.IMMEDIATE, []),
    ("replication.team@example.org", "en", Frequency.DAILY, ["pemerintahan-desa"]),
    ("guru.rogojampi@example.org", "id", Frequency.DAILY, ["pendidikan"]),
    ("kader.posyandu@example.org", "id", Frequency.IMMEDIATE, ["kesehatan", "pemerintahan-desa"]),
]


def cover_photo(rng: random.Random, colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A generated 'photo' (sky, hills, figures) with camera EXIF and GPS, as phones take them:
    the portal must strip all of it."""
    width, height = 1600, 1000
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c * (0.45 + 0.55 * t) + 255 * (1 - t) * 0.35) for c in colour),
        )
    for layer in range(3):
        base = height * (0.55 + 0.12 * layer)
        shade = tuple(max(0, int(c * (0.9 - 0.25 * layer))) for c in colour)
        phase = rng.uniform(0, math.pi)
        points = [
            (x, base + 40 * math.sin(x / (180 + 60 * layer) + phase))
            for x in range(0, width + 20, 20)
        ]
        draw.polygon([(0, height), *points, (width, height)], fill=shade)
    for _person in range(rng.randint(3, 7)):
        x, y = rng.randint(100, width - 100), rng.randint(int(height * 0.6), height - 120)
        tone = (rng.randint(60, 120), rng.randint(40, 90), rng.randint(30, 70))
        draw.ellipse([x - 22, y - 120, x + 22, y - 76], fill=tone)
        draw.rounded_rectangle([x - 36, y - 74, x + 36, y + 40], radius=18, fill=(240, 240, 235))
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"
    exif[0x0110] = "DP-7 serial 0042"
    exif[0x8825] = {1: "S", 2: (8.0, 21.0, 57.6), 3: "E", 4: (114.0, 8.0, 52.8)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _editor(regency) -> Person | None:
    """A demo account in Diskominfo's public-information bidang (an editor by position)."""
    from superteam.org.services import assign

    person = Person.objects.filter(username=EDITOR_USERNAME).first()
    if person is not None:
        return person
    position = (
        Position.objects.filter(regency=regency, unit__code="DISKOMINFO-B1-S1", level="staff")
        .order_by("code")
        .first()
    )
    if position is None:
        return None
    person = Person.objects.create(
        regency=regency,
        username=EDITOR_USERNAME,
        full_name="Rina Redaksi",
        email=f"{EDITOR_USERNAME}@demo.banyuwangikab.go.id",
        password=make_password(DEMO_PASSWORD),
    )
    assign(
        person=person,
        position=position,
        start=datetime.date(2025, 1, 2),
        end_previous=False,
    )
    return person


def _reviewer(regency):
    return Person.objects.filter(username="admin").first()


def _tags(regency, names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(
            regency=regency,
            slug=name.replace(" ", "-"),
            defaults={"name_id": name, "name_en": TAG_NAMES_EN.get(name, name)},
        )
        tags.append(tag)
    return tags


def _data(regency, story: dict) -> dict:
    clusters = list(Cluster.objects.filter(regency=regency, code__in=story["clusters"]))
    kecamatan = list(
        Unit.objects.filter(
            regency=regency,
            kind=UnitKind.KECAMATAN,
            name__in=[f"Kecamatan {k}" for k in story.get("kecamatan", [])],
        )
    )
    author = Unit.objects.filter(
        regency=regency, code="DINKES" if "kesehatan" in story["clusters"] else "DISKOMINFO"
    ).first()
    return {
        "title_id": story["id"]["title"],
        "title_en": story["en"]["title"],
        "summary_id": story["id"]["summary"],
        "summary_en": story["en"]["summary"],
        "body_id": story["id"]["body"],
        "body_en": story["en"]["body"],
        "cover_alt_id": story["id"]["alt"],
        "cover_alt_en": story["en"]["alt"],
        "cover_credit": "Humas Diskominfo",
        "author_unit": author,
        "clusters": clusters,
        "kecamatan": kecamatan,
        "tags": _tags(regency, story["tags"]),
    }


def _write(regency, story, editor, reviewer, rng, *, status, publish_at=None) -> None:
    article = services.save_article(
        regency=regency,
        editor=editor,
        data=_data(regency, story),
        cover_upload=cover_photo(rng, story["colour"], story["slug"]),
    )
    if article.slug != story["slug"]:
        Article.objects.filter(pk=article.pk).update(slug=story["slug"])
        article.refresh_from_db()
    if status == ArticleStatus.DRAFT:
        return
    services.submit_for_review(article=article, editor=editor)
    if status == ArticleStatus.REVIEW:
        return
    now = timezone.now()
    services.publish_article(
        article=article, reviewer=reviewer, publish_at=publish_at if publish_at > now else None
    )
    if publish_at < now:
        # Stories of the past days: set their publication time back (demo only).
        Article.objects.filter(pk=article.pk).update(publish_at=publish_at)
        services.refresh_portal(regency=regency)


def _innovation_stories(regency) -> list[dict]:
    """Short bilingual stories about rolled-out demo innovations, if that app loaded some."""
    try:
        from superteam.innovations.models import Innovation
    except ImportError:  # pragma: no cover - the app is part of the project
        return []
    stories, titles = [], set()
    originals = (
        Innovation.objects.public()
        .filter(regency=regency, replicated_from__isnull=True)
        .select_related("owner_unit")
        .order_by("pk")
    )
    chosen = []
    for innovation in originals[:50]:
        if innovation.title not in titles and len(chosen) < 4:
            titles.add(innovation.title)
            chosen.append(innovation)
    for i, innovation in enumerate(chosen):
        unit = innovation.owner_unit.name
        stories.append(
            {
                "slug": f"inovasi-{slugify(innovation.title)[:90]}",
                "days_ago": 13 + i,
                "clusters": list(
                    Cluster.objects.filter(units=innovation.owner_unit).values_list(
                        "code", flat=True
                    )
                ),
                "kecamatan": [],
                "tags": ["kompetisi inovasi"],
                "colour": (29, 79, 145),
                "innovation": innovation,
                "id": {
                    "title": f"Inovasi {innovation.title} dari {unit}",
                    "summary": (innovation.benefits or innovation.problem)[:300],
                    "body": f"{innovation.problem}\n\n{innovation.design or innovation.goals}".strip(),
                    "alt": f"Kegiatan inovasi {innovation.title}",
                },
                "en": {
                    "title": f"{unit} rolls out the innovation {innovation.title}",
                    "summary": f"{unit} has rolled out {innovation.title}; the Indonesian page tells the full story.",
                    "body": f"{unit} has rolled out the innovation **{innovation.title}**, now serving residents.",
                    "alt": f"The innovation {innovation.title} at work",
                },
            }
        )
    return stories


def load(*, regency, stdout) -> None:
    rng = random.Random(3510_7)
    editor = _editor(regency)
    reviewer = _reviewer(regency) or editor
    stories = _innovation_stories(regency) + STORIES
    existing = set(Article.objects.filter(regency=regency).values_list("slug", flat=True))
    now = timezone.now().replace(second=0, microsecond=0)
    with Progress(len(stories) + 1 + len(SUBSCRIBERS), "News articles", stdout) as bar:
        for story in stories:
            if story["slug"] not in existing:
                with transaction.atomic():
                    at = now - datetime.timedelta(days=story["days_ago"], hours=rng.randint(0, 6))
                    _write(
                        regency,
                        story,
                        editor,
                        reviewer,
                        rng,
                        status=ArticleStatus.PUBLISHED,
                        publish_at=at,
                    )
                    if story.get("innovation") is not None:
                        article = Article.objects.get(regency=regency, slug=story["slug"])
                        article.innovations.add(story["innovation"])
            bar.advance()
        if IN_REVIEW["slug"] not in existing:
            with transaction.atomic():
                _write(regency, IN_REVIEW, editor, reviewer, rng, status=ArticleStatus.REVIEW)
        bar.advance()
        for email, language, frequency, topics in SUBSCRIBERS:
            if not Subscriber.objects.filter(regency=regency, email=email).exists():
                subscriber = Subscriber.objects.create(
                    regency=regency,
                    email=email,
                    language=language,
                    frequency=frequency,
                    status=SubscriberStatus.CONFIRMED,
                    key=secrets.token_urlsafe(32),
                    confirmed_at=now - datetime.timedelta(days=60),
                )
                subscriber.topics.set(Cluster.objects.filter(regency=regency, code__in=topics))
            bar.advance()
    stdout.write(
        f"News: {Article.objects.filter(regency=regency).count()} articles, "
        f"{Subscriber.objects.filter(regency=regency, status='confirmed').count()} confirmed subscribers; "
        f"newsroom editor account: {EDITOR_USERNAME if editor else '(none)'}.\n"
    )
