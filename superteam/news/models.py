"""The public news portal: bilingual articles, tags, email subscribers and the send log.

Content typed by editors exists in both languages, one field per language (``*_id`` for
Bahasa Indonesia, ``*_en`` for English); a missing translation falls back visibly to the
other language (:meth:`Article.version`). Vocabulary: *kecamatan* is a district of the
regency; a *cluster* (klaster) is a group of units that coordinate together (org.Cluster).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import storages
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from superteam.core.models import RegencyScoped

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def private_storage():
    """Originals (with their EXIF and GPS) live in the private storage, never under /media/."""
    return storages["private"]


def other_language(code: str) -> str:
    return next(c for c in LANGUAGE_CODES if c != code)


class Tag(RegencyScoped):
    """A free tag (e.g. "lansia", "digital village"), named in both languages."""

    slug = models.SlugField(_("slug"), max_length=80)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name_id"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "slug"], name="news_tag_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (translation.get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name_id


class ArticleStatus(models.TextChoices):
    """Editorial workflow: an editor writes a draft and sends it for review; a reviewer
    publishes it (now or at a set time) or returns it to draft with a note."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class ArticleQuerySet(models.QuerySet):
    def public(self, now: datetime.datetime | None = None):
        """What the public may see: published, and the publication time has come."""
        return self.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now())

    def scheduled(self, now: datetime.datetime | None = None):
        return self.filter(status=ArticleStatus.PUBLISHED, publish_at__gt=now or timezone.now())

    def latest_first(self):
        return self.order_by("-publish_at", "-pk")


@dataclass(frozen=True)
class ArticleVersion:
    """An article as shown in one language, with the language each part really is in."""

    language: str  # the language asked for
    title: str
    summary: str
    body_html: str
    cover_alt: str
    content_language: str  # the language of the title and body actually shown
    is_fallback: bool  # something is shown in the other language


class Article(RegencyScoped):
    """A news article in Bahasa Indonesia and English, with a cover photo (public
    derivatives only), tags, an author unit and a publication time."""

    slug = models.SlugField(_("address"), max_length=120)
    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_id = models.TextField(_("summary (Bahasa Indonesia)"), max_length=500, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=500, blank=True)
    body_id = models.TextField(_("text (Bahasa Indonesia)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    # The text rendered once to safe HTML (see markup.py) when it is saved.
    body_html_id = models.TextField(editable=False, blank=True)
    body_html_en = models.TextField(editable=False, blank=True)

    # Cover photo: re-encoded derivatives without metadata are public; the upload is not.
    cover = models.ImageField(_("cover photo"), upload_to="news/covers/", blank=True)
    cover_thumb = models.ImageField(upload_to="news/covers/", blank=True, editable=False)
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_original = models.FileField(
        storage=private_storage, upload_to="news/originals/", blank=True, editable=False
    )
    cover_alt_id = models.CharField(
        _("photo description (Bahasa Indonesia)"), max_length=200, blank=True
    )
    cover_alt_en = models.CharField(_("photo description (English)"), max_length=200, blank=True)
    cover_credit = models.CharField(_("photo credit"), max_length=120, blank=True)

    author_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("author unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="news_authored",
    )
    clusters = models.ManyToManyField(
        "org.Cluster", verbose_name=_("clusters"), blank=True, related_name="news_articles"
    )
    kecamatan = models.ManyToManyField(
        "org.Unit", verbose_name=_("districts"), blank=True, related_name="news_articles"
    )
    innovations = models.ManyToManyField(
        "innovations.Innovation",
        verbose_name=_("innovations"),
        blank=True,
        related_name="news_articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    # What the article was started from (start_article_from), if anything.
    source_innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("started from innovation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("started from report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Full-text search vectors, filled on PostgreSQL only (SQLite searches with LIKE).
    search_id = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "slug"], name="news_article_slug_unique"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="news_article_published_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["regency", "status", "publish_at"], name="news_article_public"),
            models.Index(fields=["regency", "updated_at"], name="news_article_updated"),
        ]

    def __str__(self) -> str:
        return self.title_id or self.title_en or self.slug

    def get_absolute_url(self) -> str:
        return reverse("news:article", kwargs={"slug": self.slug})

    def url_in(self, language: str) -> str:
        with translation.override(language):
            return reverse("news:article", kwargs={"slug": self.slug})

    def is_public(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    def has_language(self, language: str) -> bool:
        """A language version exists when its title and text are written."""
        return bool(getattr(self, f"title_{language}") and getattr(self, f"body_{language}"))

    @property
    def languages(self) -> list[str]:
        return [code for code in LANGUAGE_CODES if self.has_language(code)]

    def version(self, language: str | None = None) -> ArticleVersion:
        """The article in a language; a part not yet translated comes from the other one."""
        language = (language or translation.get_language() or "id")[:2]
        other = other_language(language)

        def pick(field: str) -> tuple[str, bool]:
            own = getattr(self, f"{field}_{language}")
            return (own, False) if own else (getattr(self, f"{field}_{other}"), True)

        title, t_fb = pick("title")
        summary, s_fb = pick("summary")
        body, b_fb = pick("body_html")
        alt, _a = pick("cover_alt")
        content_language = other if (b_fb or (t_fb and not body)) else language
        return ArticleVersion(
            language=language,
            title=title,
            summary=summary,
            body_html=body,
            cover_alt=alt,
            content_language=content_language,
            is_fallback=t_fb or s_fb or b_fb,
        )

    @property
    def title(self) -> str:
        return self.version().title

    def topics(self) -> Topics:
        """Its clusters, districts (kecamatan), tags and public innovations, as its page
        lists them. One query for all four (the page is built for every article the cache
        does not hold yet; four prefetches cost three times as much), and one more only
        for an article that names innovations (whose public rule stays in one place)."""
        from superteam.innovations.models import Innovation
        from superteam.org.models import Cluster, Unit

        kinds = {"clusters": [], "kecamatan": [], "tags": [], "innovations": []}
        with connection.cursor() as cursor:
            cursor.execute(_topics_sql(), [self.pk] * len(kinds))
            for kind, pk, code, name, name_en, _rank, _key in cursor.fetchall():
                kinds[kind].append((pk, code, name, name_en))
        innovations = []
        if kinds["innovations"]:
            innovations = list(
                Innovation.objects.public()
                .filter(pk__in=[pk for pk, *_rest in kinds["innovations"]])
                .only("id", "title", "regency_id")
            )
        return Topics(
            clusters=[
                Cluster(pk=pk, regency_id=self.regency_id, code=code, name=name, name_en=name_en)
                for pk, code, name, name_en in kinds["clusters"]
            ],
            kecamatan=[
                Unit(pk=pk, regency_id=self.regency_id, code=code, name=name)
                for pk, code, name, _en in kinds["kecamatan"]
            ],
            tags=[
                Tag(pk=pk, regency_id=self.regency_id, slug=code, name_id=name, name_en=name_en)
                for pk, code, name, name_en in kinds["tags"]
            ],
            innovations=innovations,
        )


@dataclass(frozen=True)
class Topics:
    """What an article is about (:meth:`Article.topics`), each list in its model's order."""

    clusters: list
    kecamatan: list
    tags: list
    innovations: list


@functools.cache
def _topics_sql() -> str:
    """One UNION ALL over the article's four many-to-many tables, in each model's order:
    (kind, id, code, name, name_en, rank, key). Names come from the models' metadata."""
    from superteam.org.models import Cluster, Unit

    q = connection.ops.quote_name

    def part(field_name, kind, model=None, columns="", rank="0", key="''"):
        field = Article._meta.get_field(field_name)
        through, article, other = (
            q(field.m2m_db_table()),
            q(field.m2m_column_name()),
            q(field.m2m_reverse_name()),
        )
        # Only names from the models' metadata go into the text; the id is a parameter.
        if model is None:  # ids only
            return (
                f"SELECT '{kind}', x.{other}, '', '', '', 0, '' FROM {through} x"  # noqa: S608
                f" WHERE x.{article} = %s"
            )
        return (
            f"SELECT '{kind}', t.{q('id')}, {columns}, {rank}, {key}"  # noqa: S608
            f" FROM {q(model._meta.db_table)} t JOIN {through} x ON x.{other} = t.{q('id')}"
            f" WHERE x.{article} = %s"
        )

    return (
        " UNION ALL ".join(
            [
                part(
                    "clusters",
                    "clusters",
                    Cluster,
                    f"t.{q('code')}, t.{q('name')}, t.{q('name_en')}",
                    f"t.{q('sort_order')}",
                    f"t.{q('name')}",
                ),
                part(
                    "kecamatan",
                    "kecamatan",
                    Unit,
                    f"t.{q('code')}, t.{q('name')}, ''",
                    key=f"t.{q('path')}",
                ),
                part(
                    "tags",
                    "tags",
                    Tag,
                    f"t.{q('slug')}, t.{q('name_id')}, t.{q('name_en')}",
                    key=f"t.{q('name_id')}",
                ),
                part("innovations", "innovations"),
            ]
        )
        + " ORDER BY 1, 6, 7, 2"
    )


class PortalState(models.Model):
    """Per regency: a counter bumped by every change that can alter a public page, and the
    upcoming publication times. Public page caches are keyed by both, so a cached page
    never outlives a change, and a scheduled article appears the moment its time comes."""

    regency = models.OneToOneField(
        "org.Regency", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    generation = models.BigIntegerField(default=0)
    scheduled = models.JSONField(default=list, blank=True)  # epoch seconds, ascending

    class Meta:
        verbose_name = _("portal state")
        verbose_name_plural = _("portal states")

    def __str__(self) -> str:
        return f"{self.regency_id}:{self.generation}"

    def version(self, now: datetime.datetime | None = None) -> str:
        now_ts = (now or timezone.now()).timestamp()
        due = sum(1 for ts in self.scheduled if ts <= now_ts)
        return f"{self.generation}.{due}"


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as news is published")
    DAILY = "daily", _("Once a day")


class Subscriber(RegencyScoped):
    """An email address that asked for the news (double opt-in), its language and topics.

    The ``key`` is the secret in its manage and unsubscribe links. No news is sent
    before the address is confirmed.
    """

    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="id"
    )
    frequency = models.CharField(
        _("how often"), max_length=12, choices=Frequency.choices, default=Frequency.DAILY
    )
    topics = models.ManyToManyField(
        "org.Cluster", verbose_name=_("topics"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    requested_at = models.DateTimeField(_("last requested"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "email"], name="news_subscriber_unique")
        ]
        indexes = [
            models.Index(
                fields=["regency", "status", "frequency", "id"], name="news_subscriber_due"
            )
        ]

    def __str__(self) -> str:
        return masked_email(self.email)

    @property
    def masked_email(self) -> str:
        return masked_email(self.email)


def masked_email(email: str) -> str:
    """ "a•••@example.org": enough for a send log, without listing people's addresses."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


class SendRun(RegencyScoped):
    """One run of the digest sender for one frequency: what it covered and how it went."""

    frequency = models.CharField(_("digest"), max_length=12, choices=Frequency.choices)
    worker = models.CharField(_("sender"), max_length=120)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Articles published up to this time were all considered by this run.
    covered_until = models.DateTimeField(null=True, blank=True)
    complete = models.BooleanField(_("complete"), default=False)
    articles = models.PositiveIntegerField(_("articles"), default=0)
    sent = models.PositiveIntegerField(_("emails sent"), default=0)
    failed = models.PositiveIntegerField(_("emails failed"), default=0)
    skipped = models.PositiveIntegerField(_("subscribers left for later"), default=0)

    class Meta:
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["regency", "frequency", "-started_at"], name="news_run_recent")
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.started_at:%Y-%m-%d %H:%M}"


class DispatchKind(models.TextChoices):
    CONFIRM = "confirm", _("Confirmation request")
    NOTICE = "notice", _("Already subscribed notice")
    DIGEST = "digest", _("News digest")


class DispatchStatus(models.TextChoices):
    """An email's way out. ``claimed`` is committed before sending; ``handed_over`` is
    committed just before the mail server is told the message is complete; a claim whose
    sender died before that point is ``released`` and its articles are sent again."""

    CLAIMED = "claimed", _("Claimed")
    HANDED_OVER = "handed_over", _("Handed to the mail server")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    RELEASED = "released", _("Interrupted, sent again later")


class Dispatch(RegencyScoped):
    """One email to one subscriber (a confirmation request, a notice or a digest)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="dispatches")
    run = models.ForeignKey(
        SendRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="dispatches"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DispatchKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=DispatchStatus.choices, default=DispatchStatus.CLAIMED
    )
    worker = models.CharField(max_length=120, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    article_count = models.PositiveIntegerField(_("articles"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-claimed_at", "-pk"]
        indexes = [
            models.Index(fields=["regency", "-claimed_at"], name="news_dispatch_recent"),
            models.Index(fields=["status", "claimed_at"], name="news_dispatch_status"),
            models.Index(fields=["subscriber", "status"], name="news_dispatch_subscriber"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.subscriber}"

    @property
    def message_id(self) -> str:
        domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"<news-{self.regency_id}-{self.kind}-{self.pk}@{domain or 'localhost'}>"


class Delivery(RegencyScoped):
    """This subscriber has been sent (or is being sent) this article: at most once, ever."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deliveries")
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "article"], name="news_delivery_once")
        ]
        indexes = [models.Index(fields=["article", "subscriber"], name="news_delivery_article")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.subscriber_id}"
