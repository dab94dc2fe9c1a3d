"""News services: the editorial workflow, subscriptions and the digest.

Views, the API, tasks and commands all call these functions. Every function that writes
runs in one transaction; the editorial steps are written to the ledger. Subscriptions are
personal data and are deliberately kept out of the (append-only) ledger.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from superteam.ledger.services import record
from superteam.news import markup, ratelimit
from superteam.news.images import make_cover
from superteam.news.models import (
    LANGUAGE_CODES,
    Article,
    ArticleStatus,
    Dispatch,
    DispatchKind,
    DispatchStatus,
    Frequency,
    PortalState,
    Subscriber,
    SubscriberStatus,
    Tag,
)

CONTENT_FIELDS = [
    "title_id",
    "title_en",
    "summary_id",
    "summary_en",
    "body_id",
    "body_en",
    "cover_alt_id",
    "cover_alt_en",
    "cover_credit",
    "author_unit",
]
CONFIRM_SALT = "news.subscription.confirm"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)
# Subscription requests: per client address and per email address (sliding-free windows).
IP_LIMIT, IP_WINDOW = 10, 60 * 60
EMAIL_LIMIT, EMAIL_WINDOW = 3, 60 * 60


# --- Public pages ----------------------------------------------------------------------


def portal_state(*, regency) -> PortalState:
    """The regency's portal state (its version keys the public page caches)."""
    state = PortalState.objects.filter(regency_id=regency.pk).first()
    return state or PortalState(regency_id=regency.pk)


# With a cache that every server process shares (REDIS_URL), the portal version is read
# from that cache, so that cached pages are served without any database query: a counter
# incremented after each commit that bumps the database's generation (incremented, never
# set, so two writers cannot leave an older value behind), and the upcoming publication
# times stored under each counter value. A per-process cache cannot carry it (a process
# would never see another one's increments): there, the version is read from the database.
SCHEDULE_TIMEOUT = 24 * 60 * 60
# How often each process compares the database's generation with the shared counter, in
# case a process died between its commit and its increment.
VERIFY_SECONDS = 10
_verified_at: dict[str, float] = {}


def shared_cache() -> bool:
    """Is the default cache one that every server process sees (not in-process)?"""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith((".LocMemCache", ".DummyCache"))


def _version_key(regency_id: int) -> str:
    # Named after the database too: two installations (or a benchmark) that share one
    # Redis never mix their versions.
    database = hashlib.sha256(str(settings.DATABASES["default"]["NAME"]).encode()).hexdigest()
    return f"news:portal-version:{database[:16]}:{regency_id}"


def _fresh_counter() -> int:
    """A counter value above any this key had before it was evicted: milliseconds since
    the epoch (increments are editorial changes, far fewer than one a millisecond)."""
    return time.time_ns() // 1_000_000


def bump_shared_version(regency_id: int) -> None:
    """After a commit that changed public pages: a new version for every process."""
    key = _version_key(regency_id)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (evicted): a fresh value is a new version too
        cache.add(key, _fresh_counter(), None)


def portal_version(*, regency, now: datetime.datetime | None = None) -> str:
    """The version keying the regency's cached public pages: it changes with every
    editorial change, and the moment a scheduled article's publication time comes."""
    if not shared_cache():
        return portal_state(regency=regency).version(now)
    key = _version_key(regency.pk)
    counter = cache.get(key)
    if counter is None:  # first use, or evicted
        fresh = _fresh_counter()
        counter = fresh if cache.add(key, fresh, None) else (cache.get(key) or fresh)
    entry = cache.get(f"{key}:{counter}")
    if entry is None or time.monotonic() >= _verified_at.get(key, 0):
        # Read after this counter value was set, so at least as new as its commit.
        state = portal_state(regency=regency)
        _verified_at[key] = time.monotonic() + VERIFY_SECONDS
        if entry is not None and state.generation != entry[0]:
            # A writer died between its commit and its increment (or the database was
            # replaced): a new version now rather than pages that never change.
            bump_shared_version(regency.pk)
            return portal_version(regency=regency, now=now)
        if entry is None:
            entry = (state.generation, state.scheduled)
            cache.add(f"{key}:{counter}", entry, SCHEDULE_TIMEOUT)
    now_ts = (now or timezone.now()).timestamp()
    due = sum(1 for ts in entry[1] if ts <= now_ts)
    return f"s{counter}.{due}"


def _touch_portal(regency_id: int) -> None:
    """Something public may have changed: bump the version and list upcoming publications."""
    now = timezone.now()
    upcoming = sorted(
        int(at.timestamp())
        for at in Article.objects.scheduled(now)
        .filter(regency_id=regency_id)
        .values_list("publish_at", flat=True)[:500]
    )
    PortalState.objects.get_or_create(regency_id=regency_id)
    state = PortalState.objects.select_for_update().get(regency_id=regency_id)
    state.generation += 1
    state.scheduled = upcoming
    state.save(update_fields=["generation", "scheduled"])
    if shared_cache():
        transaction.on_commit(lambda: bump_shared_version(regency_id), robust=True)


@transaction.atomic
def refresh_portal(*, regency) -> None:
    """Make every cached public page be built anew (after bulk or demo changes)."""
    _touch_portal(regency.pk)


def search_articles(*, regency, query: str, language: str):
    """Public articles matching a query in either language: PostgreSQL full-text search
    (Indonesian and English stemming, ranked), elsewhere LIKE over both languages."""
    base = Article.objects.public().filter(regency=regency)
    words = query.split()[:8]
    if not words:
        return base.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank
        from django.db.models import F

        q_id = SearchQuery(query, config=search_config("id"), search_type="websearch")
        q_en = SearchQuery(query, config=search_config("en"), search_type="websearch")
        own, other = ("search_en", "search_id") if language == "en" else ("search_id", "search_en")
        own_q, other_q = (q_en, q_id) if language == "en" else (q_id, q_en)
        return (
            base.filter(Q(search_id=q_id) | Q(search_en=q_en))
            .annotate(rank=SearchRank(F(own), own_q) + SearchRank(F(other), other_q) * 0.8)
            .order_by("-rank", "-publish_at", "-pk")
        )
    condition = Q()
    for word in words:
        either = Q()
        for field in ("title", "summary", "body"):
            for code in LANGUAGE_CODES:
                either |= Q(**{f"{field}_{code}__icontains": word})
        condition &= either
    return base.filter(condition).latest_first()


def search_config(language: str) -> str:
    """PostgreSQL text search configuration of a language (Indonesian ships with PG ≥ 13)."""
    return {"id": "indonesian", "en": "english"}.get(language, "simple")


def _refresh_search(article: Article) -> None:
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    def vector(code: str):
        config = search_config(code)
        return (
            SearchVector(f"title_{code}", weight="A", config=config)
            + SearchVector(f"summary_{code}", weight="B", config=config)
            + SearchVector(f"body_{code}", weight="C", config=config)
        )

    Article.objects.filter(pk=article.pk).update(search_id=vector("id"), search_en=vector("en"))


# --- Articles --------------------------------------------------------------------------


def _unique_slug(regency_id: int, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100].strip("-") or "berita"
    taken = set(
        Article.objects.filter(regency_id=regency_id, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _tags_from_names(regency, names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = name.strip()[:80]
        slug = slugify(name)[:80]
        if not slug:
            continue
        tag, _created = Tag.objects.get_or_create(
            regency=regency, slug=slug, defaults={"name_id": name}
        )
        tags.append(tag)
    return tags


@transaction.atomic
def save_article(
    *,
    regency,
    editor,
    data: dict,
    article: Article | None = None,
    cover_upload=None,
    remove_cover: bool = False,
) -> Article:
    """Create an article or change its content (both languages, cover, tags); its status
    stays as it is. A cover upload is checked and re-encoded; a bad one is a ValidationError."""
    if not any((data.get(f"title_{code}") or "").strip() for code in LANGUAGE_CODES):
        raise ValidationError(_("Give the article a title in at least one language."))
    creating = article is None
    if creating:
        article = Article(regency=regency, created_by=editor)
    was_published = article.status == ArticleStatus.PUBLISHED
    for field in CONTENT_FIELDS:
        if field in data:
            value = data[field]
            setattr(article, field, value.strip() if isinstance(value, str) else value)
    for code in LANGUAGE_CODES:
        setattr(article, f"body_html_{code}", markup.render(getattr(article, f"body_{code}")))
    # (storage, name) of files to delete once the change commits; FieldFiles change in place.
    current_files = [
        (f.storage, f.name)
        for f in (article.cover, article.cover_thumb, article.cover_original)
        if f
    ]
    old_files = []
    if cover_upload is not None:
        cover = make_cover(cover_upload)
        old_files = current_files
        article.cover.save(cover.large.name, cover.large, save=False)
        article.cover_thumb.save(cover.thumb.name, cover.thumb, save=False)
        article.cover_original.save(cover.original.name, cover.original, save=False)
        article.cover_width, article.cover_height = cover.width, cover.height
    elif remove_cover and article.cover:
        old_files = current_files
        article.cover = article.cover_thumb = article.cover_original = ""
        article.cover_width = article.cover_height = None
    if creating:
        article.slug = _unique_slug(regency.pk, article.title_id or article.title_en)
    article.updated_by = editor
    article.save()
    if "clusters" in data:
        article.clusters.set(data["clusters"])
    if "kecamatan" in data:
        article.kecamatan.set(data["kecamatan"])
    if "innovations" in data:
        article.innovations.set(data["innovations"])
    if "tags" in data or data.get("new_tags"):
        tags = list(data.get("tags", article.tags.all()))
        tags += _tags_from_names(regency, data.get("new_tags") or [])
        article.tags.set(tags)
    _refresh_search(article)
    if was_published:
        record(
            regency=regency,
            kind="news.article_corrected",
            subject=article,
            actor=editor,
            payload={"slug": article.slug, "languages": article.languages},
        )
        _touch_portal(regency.pk)
    for storage, name in old_files:
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    return article


def _clusters_of(unit) -> list:
    """Clusters the unit (or a unit above it) belongs to: the article's topics."""
    from superteam.org.models import Cluster

    return list(
        Cluster.objects.filter(regency_id=unit.regency_id, units__in=[*unit.ancestor_ids, unit.pk])
        .distinct()
        .order_by("sort_order")
    )


def _kecamatan_of(unit) -> list:
    from superteam.org.models import Unit, UnitKind

    return list(Unit.objects.filter(pk__in=[*unit.ancestor_ids, unit.pk], kind=UnitKind.KECAMATAN))


def _innovation_draft(innovation) -> tuple[dict, list]:
    with translation.override("id"):  # innovations are written in Bahasa Indonesia
        sections = [
            (_("The problem"), innovation.problem),
            (_("How it works"), innovation.design or innovation.goals),
            (_("Benefits"), innovation.benefits),
            (_("Results"), innovation.results),
        ]
    body = "\n\n".join(f"## {head}\n{text.strip()}" for head, text in sections if text.strip())
    return (
        {
            "title_id": innovation.title[:200],
            "summary_id": (innovation.goals or innovation.problem).strip()[:500],
            "body_id": body,
            "author_unit": innovation.owner_unit,
            "clusters": _clusters_of(innovation.owner_unit),
            "kecamatan": _kecamatan_of(innovation.owner_unit),
            "innovations": [innovation],
        },
        [],
    )


def _report_draft(report) -> tuple[dict, list]:
    from superteam.reports.services import public_photos

    photos = [p for p in public_photos(report=report) if not p["flagged"]]
    return (
        {
            "title_id": report.title[:200],
            "summary_id": report.narrative.strip().split("\n")[0][:500],
            "body_id": report.narrative.strip(),
            "author_unit": report.unit,
            "clusters": _clusters_of(report.unit),
            "kecamatan": _kecamatan_of(report.unit),
            "innovations": list(report.innovations.all()),
            "cover_credit": report.unit.display_name[:120],
        },
        photos,
    )


@transaction.atomic
def start_article_from(*, source, editor) -> Article:
    """Start a draft from a public innovation or a verified (approved) daily report, in one
    action: its text, unit, topics, districts, innovations and (for a report) its first
    public photo as the cover. An open draft from the same source is returned instead."""
    from superteam.innovations.models import Innovation
    from superteam.reports.models import Photo as ReportPhoto
    from superteam.reports.models import Report, ReportStatus

    if isinstance(source, Innovation):
        if not Innovation.objects.public().filter(pk=source.pk).exists():
            raise ValidationError(_("Only an innovation shown to the public can become news."))
        link = {"source_innovation": source}
        data, photos = _innovation_draft(source)
    elif isinstance(source, Report):
        if source.status != ReportStatus.APPROVED:
            raise ValidationError(_("Only a verified report can become news."))
        link = {"source_report": source}
        data, photos = _report_draft(source)
    else:
        raise ValidationError(_("News can be started from an innovation or a report only."))
    existing = (
        Article.objects.filter(regency_id=source.regency_id, **link)
        .exclude(status=ArticleStatus.PUBLISHED)
        .first()
    )
    if existing is not None:
        return existing
    cover = None
    if photos:
        # The report's public derivative (never its original), re-encoded once more.
        cover = ReportPhoto.objects.get(pk=photos[0]["id"]).display
    from superteam.org.models import Regency

    regency = Regency.objects.get(pk=source.regency_id)
    article = save_article(
        regency=regency,
        editor=editor,
        data={**data, "cover_alt_id": data["title_id"] if cover else ""},
        cover_upload=cover,
    )
    Article.objects.filter(pk=article.pk).update(**link)
    for field, value in link.items():
        setattr(article, field, value)
    record(
        regency=regency,
        kind="news.article_started",
        subject=article,
        actor=editor,
        payload={"source": f"{source._meta.label_lower}:{source.pk}", "slug": article.slug},
    )
    return article


def _require_complete(article: Article) -> None:
    if not article.languages:
        raise ValidationError(
            _("Write the title and the text in at least one language before sending it on.")
        )


@transaction.atomic
def submit_for_review(*, article: Article, editor) -> Article:
    """An editor sends a draft to the reviewers."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    _require_complete(article)
    article.status = ArticleStatus.REVIEW
    article.updated_by = editor
    article.save(update_fields=["status", "updated_by", "updated_at"])
    record(
        regency=article.regency_id,
        kind="news.article_submitted",
        subject=article,
        actor=editor,
        payload={"slug": article.slug, "languages": article.languages},
    )
    return article


@transaction.atomic
def publish_article(
    *, article: Article, reviewer, publish_at: datetime.datetime | None = None
) -> Article:
    """A reviewer publishes an article now, or schedules it for a later time."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.REVIEW:
        raise ValidationError(_("Only an article in review can be published."))
    _require_complete(article)
    now = timezone.now()
    # A time in the past means "now": digests rely on publication times never going back.
    article.publish_at = max(publish_at or now, now)
    article.status = ArticleStatus.PUBLISHED
    article.published_by = reviewer
    article.review_note = ""
    article.updated_by = reviewer
    article.save(
        update_fields=[
            "status",
            "publish_at",
            "published_by",
            "review_note",
            "updated_by",
            "updated_at",
        ]
    )
    record(
        regency=article.regency_id,
        kind="news.article_published",
        subject=article,
        actor=reviewer,
        payload={
            "slug": article.slug,
            "publish_at": article.publish_at,
            "languages": article.languages,
        },
    )
    _touch_portal(article.regency_id)
    if article.publish_at <= now:
        from superteam.news.tasks import send_due_digests

        send_due_digests.enqueue(Frequency.IMMEDIATE)
    return article


@transaction.atomic
def return_to_draft(*, article: Article, reviewer, note: str) -> Article:
    """A reviewer sends an article in review back to its editors, with a note saying why
    (the editors see it on the article)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.REVIEW:
        raise ValidationError(_("Only an article in review can be returned to draft."))
    if not note.strip():
        raise ValidationError(
            {"note": _("Write a note for the editors: say why the article goes back to draft.")}
        )
    article.status = ArticleStatus.DRAFT
    article.review_note = note.strip()
    article.updated_by = reviewer
    article.save(update_fields=["status", "review_note", "updated_by", "updated_at"])
    record(
        regency=article.regency_id,
        kind="news.article_returned",
        subject=article,
        actor=reviewer,
        payload={"slug": article.slug, "note": article.review_note},
    )
    return article


@transaction.atomic
def unpublish_article(*, article: Article, reviewer, note: str = "") -> Article:
    """Take a published (or scheduled) article off the portal; it becomes a draft again."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("This article is not published."))
    article.status = ArticleStatus.DRAFT
    article.review_note = note.strip()
    article.updated_by = reviewer
    article.save(update_fields=["status", "review_note", "updated_by", "updated_at"])
    record(
        regency=article.regency_id,
        kind="news.article_unpublished",
        subject=article,
        actor=reviewer,
        payload={"slug": article.slug, "note": article.review_note},
    )
    _touch_portal(article.regency_id)
    return article


# --- Subscriptions ---------------------------------------------------------------------


class SubscribeOutcome(Enum):
    ACCEPTED = "accepted"  # the same answer whatever happened to the address
    TOO_MANY = "too_many"  # this client sent too many requests


def normalise_email(email: str) -> str:
    local, _at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def subscribe(
    *,
    regency,
    email: str,
    language: str,
    frequency: str,
    topics: Iterable,
    client: str,
) -> SubscribeOutcome:
    """Ask for the news by email (double opt-in).

    Whatever the address's state, the caller gets the same answer, so nobody can learn
    whether an address subscribed: a new or pending address is sent a confirmation link,
    a confirmed one only a notice with its manage link (its choices are not changed), and
    an address asked for too often gets nothing more. Only the client's own rate limit
    shows (it reveals nothing about the address).
    """
    if not ratelimit.allow(f"news-sub-ip:{client}", IP_LIMIT, IP_WINDOW):
        return SubscribeOutcome.TOO_MANY
    email = normalise_email(email)
    if not ratelimit.allow(
        f"news-sub-email:{regency.pk}:{email.lower()}", EMAIL_LIMIT, EMAIL_WINDOW
    ):
        return SubscribeOutcome.ACCEPTED
    topics = list(topics)
    for _attempt in range(2):
        try:
            _subscribe(regency, email, language, frequency, topics)
            break
        except IntegrityError:
            continue  # a parallel request created the address first: treat it as existing
    return SubscribeOutcome.ACCEPTED


@transaction.atomic
def _subscribe(regency, email, language, frequency, topics) -> None:
    from superteam.news.tasks import send_subscription_email

    now = timezone.now()
    subscriber = (
        Subscriber.objects.select_for_update().filter(regency=regency, email__iexact=email).first()
    )
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            regency=regency,
            email=email,
            language=language,
            frequency=frequency,
            key=secrets.token_urlsafe(32),
            requested_at=now,
        )
        subscriber.topics.set(topics)
        kind = DispatchKind.CONFIRM
    elif subscriber.status == SubscriberStatus.CONFIRMED:
        subscriber.requested_at = now
        subscriber.save(update_fields=["requested_at"])
        kind = DispatchKind.NOTICE
    else:
        subscriber.language, subscriber.frequency = language, frequency
        subscriber.status = SubscriberStatus.PENDING
        subscriber.requested_at = now
        subscriber.save(update_fields=["language", "frequency", "status", "requested_at"])
        subscriber.topics.set(topics)
        kind = DispatchKind.CONFIRM
    send_subscription_email.enqueue(subscriber.pk, kind)


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps([subscriber.pk, subscriber.key[:12]], salt=CONFIRM_SALT, compress=False)


def subscriber_for_confirmation(token: str) -> Subscriber | None:
    """The subscriber a confirmation link belongs to, if the link is genuine and recent."""
    try:
        pk, key_start = signing.loads(
            token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE.total_seconds()
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None or not secrets.compare_digest(subscriber.key[:12], str(key_start)):
        return None
    return subscriber


@transaction.atomic
def confirm_subscription(*, subscriber: Subscriber) -> bool:
    """The owner of the address clicked the confirmation link: news may be sent from now."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return True
    if subscriber.status != SubscriberStatus.PENDING:
        return False
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["status", "confirmed_at"])
    return True


@transaction.atomic
def update_preferences(
    *, subscriber: Subscriber, language: str, frequency: str, topics: Iterable
) -> Subscriber:
    """Change the language, frequency and topics of a subscription."""
    subscriber.language, subscriber.frequency = language, frequency
    subscriber.save(update_fields=["language", "frequency"])
    subscriber.topics.set(list(topics))
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop all news to this address (one click; also for a subscription never confirmed)."""
    Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status=SubscriberStatus.UNSUBSCRIBED
    ).update(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())


@transaction.atomic
def erase_subscriber(*, subscriber: Subscriber) -> None:
    """Forget the address entirely, with its send log (the person's right to erasure)."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def send_subscription_email(*, subscriber: Subscriber, kind: str) -> Dispatch:
    """Send a confirmation request or an "already subscribed" notice, and log it."""
    from django.core.mail import get_connection

    from superteam.news.mail import subscription_message

    dispatch = Dispatch.objects.create(
        regency_id=subscriber.regency_id, subscriber=subscriber, kind=kind
    )
    message = subscription_message(subscriber=subscriber, kind=kind, dispatch=dispatch)
    try:
        get_connection(fail_silently=False).send_messages([message])
    except Exception as exc:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=DispatchStatus.FAILED, error=str(exc)[:300]
        )
        raise
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=DispatchStatus.SENT, sent_at=timezone.now()
    )
    return dispatch


@dataclass
class SubscriberCounts:
    confirmed: int
    pending: int
    unsubscribed: int
    by_language: dict[str, int]
    by_frequency: dict[str, int]


def subscriber_counts(*, regency) -> SubscriberCounts:
    """How many addresses receive the news, by state, language and frequency (one query)."""
    from django.db.models import Count

    rows = (
        Subscriber.objects.filter(regency=regency)
        .values("status", "language", "frequency")
        .annotate(n=Count("id"))
    )
    counts = SubscriberCounts(0, 0, 0, {}, {})
    for row in rows:
        n = row["n"]
        if row["status"] == SubscriberStatus.CONFIRMED:
            counts.confirmed += n
            counts.by_language[row["language"]] = counts.by_language.get(row["language"], 0) + n
            counts.by_frequency[row["frequency"]] = counts.by_frequency.get(row["frequency"], 0) + n
        elif row["status"] == SubscriberStatus.PENDING:
            counts.pending += n
        else:
            counts.unsubscribed += n
    return counts


def topic_counts(*, regency) -> list[tuple[str, int]]:
    """Confirmed subscribers per topic, and those who chose none (all news)."""
    from django.db.models import Count

    from superteam.org.models import Cluster

    confirmed = Subscriber.objects.filter(regency=regency, status=SubscriberStatus.CONFIRMED)
    per_cluster = dict(
        Subscriber.topics.through.objects.filter(subscriber__in=confirmed)
        .values("cluster_id")
        .annotate(n=Count("id"))
        .values_list("cluster_id", "n")
    )
    rows = [
        (cluster.localized_name, per_cluster.get(cluster.pk, 0))
        for cluster in Cluster.objects.filter(regency=regency)
    ]
    rows.append((_("All news (no topic chosen)"), confirmed.filter(topics=None).count()))
    return rows


def send_digest(*, regency, frequency: str, now: datetime.datetime | None = None, **options):
    """Send every confirmed subscriber of this frequency the new articles they have not had
    yet, one email each; safe to interrupt and restart (see digest.py)."""
    from superteam.news.digest import run_digest

    return run_digest(regency=regency, frequency=frequency, now=now, **options)
