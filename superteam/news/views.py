"""Public portal pages: no sign-in, every page in both languages at its own address.

The content of each page is cached per language and portal version (pagecache.py); the
page around it (header, language switch, subscription box) is rendered per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from superteam.core.permissions import can
from superteam.core.tenancy import current_regency
from superteam.news import services
from superteam.news.forms import PreferencesForm, SubscribeForm
from superteam.news.models import Article, ArticleVersion, Subscriber, SubscriberStatus, Tag
from superteam.news.pagecache import (
    CSRF_PLACEHOLDER,
    cached,
    fragment,
    safe,
    whole_page,
    with_token,
)
from superteam.news.ratelimit import client_address
from superteam.org.models import Cluster, Unit, UnitKind

PER_PAGE = 12
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
OG_LOCALES = {"id": "id_ID", "en": "en_US"}


def regency_or_404(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def path_in(path: str, code: str) -> str:
    """The same public address in another language (/id/... ↔ /en/...)."""
    for other in LANGUAGE_CODES:
        prefix = f"/{other}/"
        if path.startswith(prefix):
            return f"/{code}/" + path[len(prefix) :]
    return path


@dataclass
class Card:
    article: Article
    v: ArticleVersion


def cards(articles) -> list[Card]:
    language = translation.get_language()
    return [Card(a, a.version(language)) for a in articles]


def _public(regency):
    """Public articles of the regency, newest first, for cards (which never show the text
    as typed nor need the search vectors: those stay in the database)."""
    return (
        Article.objects.public()
        .filter(regency=regency)
        .defer("body_id", "body_en", "search_id", "search_en")
        .select_related("author_unit")
        .prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.only("id", "code", "name", "name_en"))
        )
        .latest_first()
    )


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _meta(
    request,
    *,
    title: str,
    description: str = "",
    languages: list[str] | None = None,
    og_type: str = "website",
    image: str = "",
    image_size: tuple | None = None,
    published=None,
    modified=None,
    noindex: bool = False,
) -> dict:
    """Title, canonical address, hreflang alternates and OpenGraph data of a page."""
    current = translation.get_language()
    languages = languages or LANGUAGE_CODES
    path = request.get_full_path()
    canonical_language = current if current in languages else languages[0]
    alternates = [(code, request.build_absolute_uri(path_in(path, code))) for code in languages]
    if "id" in languages:
        alternates.append(("x-default", request.build_absolute_uri(path_in(path, "id"))))
    return {
        "title": title,
        "description": description[:300],
        "canonical": request.build_absolute_uri(path_in(path, canonical_language)),
        "alternates": alternates,
        "og_type": og_type,
        "og_locale": OG_LOCALES.get(current, current),
        "og_locale_alternates": [OG_LOCALES[c] for c in languages if c != current],
        "image": request.build_absolute_uri(image) if image else "",
        "image_width": image_size[0] if image_size else "",
        "image_height": image_size[1] if image_size else "",
        "published": published.isoformat() if published else "",
        "modified": modified.isoformat() if modified else "",
        "noindex": noindex,
    }


def _sidebar(request, regency) -> str:
    def build():
        clusters = list(Cluster.objects.filter(regency=regency))
        districts = list(
            Unit.objects.filter(regency=regency, kind=UnitKind.KECAMATAN, is_active=True)
            .only("id", "code", "name", "short_name")
            .order_by("name")
        )
        tags = list(
            Tag.objects.filter(regency=regency, articles__in=Article.objects.public())
            .annotate(n=Count("articles"))
            .order_by("-n", "name_id")[:15]
        )
        html = fragment(
            "news/public/partials/sidebar.html",
            {"clusters": clusters, "districts": districts, "tags": tags},
        )
        return {"html": html}

    return safe(cached(request, regency, "sidebar", (), build)["html"])


def _render(request, regency, data: dict, *, status: int = 200, extra: dict | None = None):
    context = {
        "main": safe(data["main"]),
        "meta": data["meta"],
        "sidebar": _sidebar(request, regency),
        "subscribe_box": True,
        # Filled in per visitor by pagecache.with_token (whole pages are cached).
        "csrf_token": CSRF_PLACEHOLDER,
        **(extra or {}),
    }
    return render(request, "news/public/page.html", context, status=status)


# --- Pages -----------------------------------------------------------------------------


def home(request):
    """The portal's front page: the latest news first."""
    regency = regency_or_404(request)

    def build():
        latest = cards(_public(regency)[:13])
        main = fragment(
            "news/public/home.html",
            {"lead": latest[0] if latest else None, "items": latest[1:], "regency": regency},
        )
        meta = _meta(
            request,
            title=_("Latest news from around %(regency)s") % {"regency": regency.name},
            description=_(
                "What the super team of %(regency)s achieves: innovations, services and"
                " results, in Bahasa Indonesia and English."
            )
            % {"regency": regency.name},
            image=latest[0].article.cover.url if latest and latest[0].article.cover else "",
        )
        return {"main": main, "meta": meta}

    state = _teaser_state(regency)

    def respond():
        data = cached(request, regency, "home", (), build)
        return _render(request, regency, data, extra={"teasers": _teasers(request, regency, state)})

    return whole_page(request, regency, "home", state, respond)


TEASER_STATE_SECONDS = 15


def _teaser_state(regency) -> tuple:
    """What the front page's boxes depend on: the innovations' latest change and the
    latest published leaderboard snapshot. Those belong to other apps, so it is re-read
    every 15 seconds rather than on every request (the boxes may lag that long; news
    itself never lags: it follows the portal version)."""
    from django.core.cache import cache
    from django.db.models import Max

    from superteam.innovations.models import Innovation
    from superteam.scoring.models import Snapshot

    key = f"news:teaser-state:{regency.pk}"
    state = cache.get(key)
    if state is None:
        stamp = Innovation.objects.filter(regency=regency).aggregate(
            n=Count("id"), at=Max("updated_at")
        )
        # The same snapshot scoring.services.latest_snapshot() picks, as a bare id.
        snapshot_id = (
            Snapshot.objects.filter(regency=regency)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        state = (stamp["n"], stamp["at"], snapshot_id)
        cache.set(key, state, TEASER_STATE_SECONDS)
    return state


def _teasers(request, regency, state):
    """The front page's showcase and leaderboard boxes, cached by those apps' own state:
    the innovations' latest change and the latest published snapshot."""
    from superteam.innovations.services import showcase as public_innovations
    from superteam.scoring.models import Family
    from superteam.scoring.services import public_leaderboard

    def build():
        html = fragment(
            "news/public/partials/teasers.html",
            {
                "innovations": public_innovations(regency=regency, limit=3),
                "leaders": public_leaderboard(regency=regency, family=Family.AGENCIES, limit=5)
                if state[2]
                else [],
            },
        )
        return {"html": html}

    return safe(cached(request, regency, "teasers", state, build)["html"])


def _listing(request, regency, *, name, key, queryset, heading, intro="", noindex=False):
    number = _page_number(request)

    def build():
        page = Paginator(queryset, PER_PAGE).get_page(number)
        if number > 1 and page.number != number:
            raise Http404(_("This page does not exist."))
        main = fragment(
            "news/public/listing.html",
            {"heading": heading, "intro": intro, "page": page, "items": cards(page.object_list)},
        )
        title = (
            heading
            if page.number == 1
            else _("%(title)s, page %(number)s")
            % {
                "title": heading,
                "number": page.number,
            }
        )
        return {
            "main": main,
            "meta": _meta(request, title=title, description=intro, noindex=noindex),
        }

    return whole_page(
        request,
        regency,
        name,
        (key,),
        lambda: _render(request, regency, cached(request, regency, name, (key, number), build)),
    )


def archive(request):
    """All news, newest first."""
    regency = regency_or_404(request)
    return _listing(
        request,
        regency,
        name="archive",
        key="",
        queryset=_public(regency),
        heading=_("All news"),
    )


def tag(request, slug):
    regency = regency_or_404(request)
    tag = get_object_or_404(Tag, regency=regency, slug=slug)
    return _listing(
        request,
        regency,
        name="tag",
        key=tag.pk,
        queryset=_public(regency).filter(tags=tag),
        heading=_("Tag: %(name)s") % {"name": tag.name},
    )


def cluster(request, code):
    regency = regency_or_404(request)
    cluster = get_object_or_404(Cluster, regency=regency, code=code)
    return _listing(
        request,
        regency,
        name="cluster",
        key=cluster.pk,
        queryset=_public(regency).filter(clusters=cluster),
        heading=_("%(cluster)s cluster") % {"cluster": cluster.localized_name},
        intro=cluster.description,
    )


def kecamatan(request, code):
    regency = regency_or_404(request)
    unit = get_object_or_404(Unit, regency=regency, kind=UnitKind.KECAMATAN, code__iexact=code)
    return _listing(
        request,
        regency,
        name="kecamatan",
        key=unit.pk,
        queryset=_public(regency).filter(kecamatan=unit),
        heading=_("News from %(district)s") % {"district": unit.name},
    )


def search(request):
    """Search both languages; PostgreSQL ranks with Indonesian and English stemming."""
    regency = regency_or_404(request)
    query = " ".join(request.GET.get("q", "").split())[:200]
    number = _page_number(request)

    def build():
        results = services.search_articles(
            regency=regency, query=query, language=translation.get_language()
        )
        page = Paginator(
            results.select_related("author_unit").prefetch_related("clusters"), PER_PAGE
        ).get_page(number)
        main = fragment(
            "news/public/search.html",
            {"query": query, "page": page, "items": cards(page.object_list)},
        )
        title = _("Search: %(query)s") % {"query": query} if query else _("Search the news")
        return {"main": main, "meta": _meta(request, title=title, noindex=True)}

    # Search pages are not cached whole: any words make a new address.
    return with_token(
        request,
        _render(request, regency, cached(request, regency, "search", (query, number), build)),
    )


def article(request, slug):
    """One article in the page's language; a missing translation falls back visibly."""
    regency = regency_or_404(request)

    def build():
        art = get_object_or_404(
            Article.objects.public()
            .filter(regency=regency)
            .defer("search_id", "search_en")
            .select_related("author_unit"),
            slug=slug,
        )
        language = translation.get_language()
        version = art.version(language)
        topics = art.topics()
        clusters = topics.clusters
        related = _related(request, regency, clusters[0] if clusters else None, exclude=art.pk)
        main = fragment(
            "news/public/article.html",
            {
                "a": art,
                "v": version,
                "clusters": clusters,
                "districts": topics.kecamatan,
                "tags": topics.tags,
                "innovations": topics.innovations,
                "related": related,
                "other_language": [
                    (code, name, art.url_in(code))
                    for code, name in settings.LANGUAGES
                    if code != language and art.has_language(code)
                ],
            },
        )
        meta = _meta(
            request,
            title=version.title,
            description=version.summary,
            languages=art.languages or [language],
            og_type="article",
            image=art.cover.url if art.cover else "",
            image_size=(art.cover_width, art.cover_height) if art.cover else None,
            published=art.publish_at,
            modified=art.updated_at,
        )
        return {"main": main, "meta": meta, "pk": art.pk}

    def respond():
        data = cached(request, regency, "article", (slug,), build)
        extra = {}
        if request.user.is_authenticated:
            art = Article.objects.filter(pk=data["pk"]).first()
            if art is not None and can(request.actor, "news.edit_article", art):
                extra["edit_url"] = reverse("news:article_edit", kwargs={"pk": art.pk})
        return _render(request, regency, data, extra=extra)

    return whole_page(request, regency, "article", (slug,), respond)


RELATED = 3


def _related(request, regency, cluster, *, exclude: int) -> str:
    """The cards of the latest news of an article's first cluster (of all news when it has
    none), rendered once per cluster, language and portal version rather than once per
    article: one card more than shown is kept, so that the article itself can be left out."""

    def build():
        # One cluster, no DISTINCT: the newest-first index is walked only until enough are
        # found (never the whole table).
        articles = _public(regency)
        if cluster is not None:
            articles = articles.filter(clusters=cluster)
        return {
            "cards": [
                (c.article.pk, fragment("news/public/partials/card.html", {"c": c}))
                for c in cards(articles[: RELATED + 1])
            ]
        }

    key = (cluster.pk if cluster is not None else 0,)
    items = cached(request, regency, "related", key, build)["cards"]
    return safe("".join([html for pk, html in items if pk != exclude][:RELATED]))


# --- Subscriptions -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Subscribe by email. The answer never tells whether the address was known."""
    regency = regency_or_404(request)
    form = SubscribeForm(
        request.POST or None,
        regency=regency,
        initial={"language": translation.get_language(), "frequency": "daily"},
    )
    if request.method == "POST" and form.is_valid():
        outcome = services.subscribe(
            regency=regency,
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            frequency=form.cleaned_data["frequency"],
            topics=form.cleaned_data["topics"],
            client=client_address(request),
        )
        if outcome == services.SubscribeOutcome.TOO_MANY:
            return render(
                request,
                "news/subscribe.html",
                {"form": form, "too_many": True},
                status=429,
            )
        return redirect("news:subscribe_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "news/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request):
    return render(request, "news/subscribe_sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation email: a button, so that link scanners confirm nothing."""
    subscriber = services.subscriber_for_confirmation(token)
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return render(request, "news/confirm.html", {"invalid": True}, status=404)
    if subscriber.status == SubscriberStatus.CONFIRMED:
        # The link again (the signed token names this subscriber: it tells nobody else
        # anything): say so instead of asking once more.
        return render(request, "news/confirm.html", {"already": True, "subscriber": subscriber})
    if request.method == "POST":
        if not services.confirm_subscription(subscriber=subscriber):
            return render(request, "news/confirm.html", {"invalid": True}, status=404)
        return render(request, "news/confirm.html", {"confirmed": True, "subscriber": subscriber})
    return render(request, "news/confirm.html", {"subscriber": subscriber})


def _subscriber_or_404(key: str) -> Subscriber:
    subscriber = Subscriber.objects.select_related("regency").filter(key=key).first()
    if subscriber is None:
        raise Http404(_("This link is not valid (any more)."))
    return subscriber


@require_http_methods(["GET", "POST"])
def manage(request, key):
    """Change language, frequency and topics, unsubscribe, or erase the address."""
    subscriber = _subscriber_or_404(key)
    form = PreferencesForm(
        request.POST or None,
        regency=subscriber.regency,
        initial={
            "language": subscriber.language,
            "frequency": subscriber.frequency,
            "topics": list(subscriber.topics.all()),
        },
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "erase":
            services.erase_subscriber(subscriber=subscriber)
            return render(request, "news/unsubscribed.html", {"erased": True})
        if action == "unsubscribe":
            services.unsubscribe(subscriber=subscriber)
            return render(request, "news/unsubscribed.html", {"subscriber": subscriber})
        if form.is_valid():
            services.update_preferences(
                subscriber=subscriber,
                language=form.cleaned_data["language"],
                frequency=form.cleaned_data["frequency"],
                topics=form.cleaned_data["topics"],
            )
            return render(
                request,
                "news/manage.html",
                {"form": form, "subscriber": subscriber, "saved": True},
            )
        return render(
            request, "news/manage.html", {"form": form, "subscriber": subscriber}, status=400
        )
    return render(request, "news/manage.html", {"form": form, "subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, key):
    """One-click unsubscribe (POST, also from mail clients); GET asks for the click."""
    subscriber = _subscriber_or_404(key)
    if request.method == "POST":
        services.unsubscribe(subscriber=subscriber)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Unsubscribed.") + "\n", content_type="text/plain")
        return render(request, "news/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "news/unsubscribe.html", {"subscriber": subscriber})


# --- The innovation showcase and the public leaderboard (from the innovations and scoring
# apps' services; read live, not from the page cache, as those apps change them) ---------


def showcase(request):
    """Innovations in rollout or replicated, public fields only, with news about each."""
    from superteam.innovations.services import showcase as public_innovations

    regency = regency_or_404(request)
    items = public_innovations(regency=regency)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    news_counts = dict(
        Article.innovations.through.objects.filter(
            innovation_id__in=[i.id for i in page.object_list],
            article__in=Article.objects.public().filter(regency=regency),
        )
        .values("innovation_id")
        .annotate(n=Count("id"))
        .values_list("innovation_id", "n")
    )
    main = fragment(
        "news/public/showcase.html",
        {"page": page, "total": len(items), "news_counts": news_counts},
    )
    data = {
        "main": main,
        "meta": _meta(
            request,
            title=_("Innovation showcase"),
            description=_("Innovations of %(regency)s that serve residents today.")
            % {"regency": regency.name},
        ),
    }
    return with_token(request, _render(request, regency, data))


def innovation(request, pk):
    """News about one public innovation."""
    from superteam.innovations.models import Innovation

    regency = regency_or_404(request)
    item = get_object_or_404(
        Innovation.objects.public().select_related("owner_unit"), pk=pk, regency=regency
    )
    return _listing(
        request,
        regency,
        name="innovation",
        key=item.pk,
        queryset=_public(regency).filter(innovations=item),
        heading=_("Innovation: %(title)s") % {"title": item.title},
        intro=_("%(unit)s · %(stage)s")
        % {"unit": item.owner_unit.name, "stage": item.get_stage_display()},
    )


def leaderboard(request):
    """The latest published innovation leaderboard, family by family (published only)."""
    from superteam.core.charts import bar_chart
    from superteam.scoring.models import Family
    from superteam.scoring.services import public_leaderboard

    regency = regency_or_404(request)
    family = request.GET.get("family", Family.AGENCIES)
    if family not in Family.values:
        family = Family.AGENCIES
    number = _page_number(request)
    per_page = 50
    rows = public_leaderboard(
        regency=regency, family=family, limit=per_page + 1, offset=(number - 1) * per_page
    )
    if number > 1 and not rows:
        raise Http404(_("This page does not exist."))
    has_next, rows = len(rows) > per_page, rows[:per_page]
    # The rank follows the index with local signals when the published model blends them
    # in: the page shows and charts that figure (else ranks and bars disagree).
    blended = bool(rows) and rows[0].blended
    chart = (
        bar_chart(
            [(r.unit_name, float(r.final if blended else r.score)) for r in rows[:10]],
            title=_("Top ten by the index with local signals (the ranking)")
            if blended
            else _("Innovation index of the first ten"),
            max_value=100,
        )
        if number == 1 and rows
        else ""
    )
    main = fragment(
        "news/public/leaderboard.html",
        {
            "rows": rows,
            "family": family,
            "families": Family.choices,
            "chart": chart,
            "blended": blended,
            "number": number,
            "has_next": has_next,
            "first_rank": (number - 1) * per_page,
        },
    )
    title = _("Innovation leaderboard: %(family)s") % {"family": Family(family).label}
    return with_token(
        request, _render(request, regency, {"main": main, "meta": _meta(request, title=title)})
    )
