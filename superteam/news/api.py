"""News API (mounted under /api/news/): the public articles, in either language, without
a token, as the portal shows them; the newsroom's articles for editors."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.core.tenancy import current_regency
from superteam.news.models import Article

router = Router()
PAGE_SIZE = 20


class ArticleOut(Schema):
    slug: str
    language: str
    content_language: str
    is_fallback: bool
    title: str
    summary: str
    url: str
    cover_url: str | None
    publish_at: datetime.datetime
    updated_at: datetime.datetime
    clusters: list[str]


class ArticleDetailOut(ArticleOut):
    body_html: str
    languages: list[str]


class ArticlePage(Schema):
    count: int
    page: int
    results: list[ArticleOut]


class NewsroomArticleOut(Schema):
    id: int
    slug: str
    status: str
    title_id: str
    title_en: str
    publish_at: datetime.datetime | None
    languages: list[str]


def _language(lang: str) -> str:
    if lang not in ("id", "en"):
        raise HttpError(422, "lang must be id or en")
    return lang


def _out(request, article: Article, lang: str, *, detail: bool = False) -> dict:
    version = article.version(lang)
    data = {
        "slug": article.slug,
        "language": lang,
        "content_language": version.content_language,
        "is_fallback": version.is_fallback,
        "title": version.title,
        "summary": version.summary,
        "url": request.build_absolute_uri(article.url_in(lang)),
        "cover_url": request.build_absolute_uri(article.cover.url) if article.cover else None,
        "publish_at": article.publish_at,
        "updated_at": article.updated_at,
        "clusters": [c.code for c in article.clusters.all()],
    }
    if detail:
        data["body_html"] = version.body_html
        data["languages"] = article.languages
    return data


def _public(request):
    regency = current_regency(request)
    if regency is None:
        raise HttpError(404, "No regency has been set up yet.")
    return Article.objects.public().filter(regency=regency).prefetch_related("clusters")


@router.get("/articles", response=ArticlePage, auth=None)
def articles(request, lang: str = "id", page: int = 1, cluster: str | None = None):
    """Published articles, newest first, in one language (untranslated parts fall back)."""
    lang = _language(lang)
    qs = _public(request).latest_first()
    if cluster:
        qs = qs.filter(clusters__code=cluster)
    page = max(1, page)
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "count": qs.count(),
        "page": page,
        "results": [_out(request, a, lang) for a in rows],
    }


@router.get("/articles/{slug}", response=ArticleDetailOut, auth=None)
def article(request, slug: str, lang: str = "id"):
    """One published article with its text as safe HTML."""
    lang = _language(lang)
    return _out(request, get_object_or_404(_public(request), slug=slug), lang, detail=True)


@router.get("/newsroom/articles", response=list[NewsroomArticleOut])
def newsroom_articles(request, status: str | None = None):
    """All articles of the newsroom (drafts included): editors only."""
    regency = current_regency(request)
    if not can(request.actor, "news.edit", regency):
        raise HttpError(403, "Editors only.")
    qs = Article.objects.filter(regency=regency).order_by("-updated_at")
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": a.pk,
            "slug": a.slug,
            "status": a.status,
            "title_id": a.title_id,
            "title_en": a.title_en,
            "publish_at": a.publish_at,
            "languages": a.languages,
        }
        for a in qs[:200]
    ]
