"""The editors' area: write and translate articles, preview both languages, review and
publish, subscriber counts and the send log. Rules are in rules.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from superteam.core.charts import bar_chart
from superteam.core.permissions import can, require
from superteam.news import services
from superteam.news.forms import ArticleForm, NoteForm, PublishForm, ReturnForm
from superteam.news.models import (
    Article,
    ArticleStatus,
    Dispatch,
    Frequency,
    SendRun,
)
from superteam.news.views import regency_or_404

SEND_LOG_PAGE = 50


def _article_for(request, pk, action="news.edit") -> Article:
    regency = regency_or_404(request)
    article = get_object_or_404(
        Article.objects.select_related("author_unit", "created_by", "published_by"),
        pk=pk,
        regency=regency,
    )
    require(request, action, article)
    return article


@login_required
def dashboard(request):
    """Articles by state, subscriber counts and the latest digests."""
    regency = regency_or_404(request)
    require(request, "news.edit", regency)
    now = timezone.now()
    articles = Article.objects.filter(regency=regency)
    counts = articles.aggregate(
        draft=Count("id", filter=Q(status=ArticleStatus.DRAFT)),
        review=Count("id", filter=Q(status=ArticleStatus.REVIEW)),
        scheduled=Count("id", filter=Q(status=ArticleStatus.PUBLISHED, publish_at__gt=now)),
        published=Count("id", filter=Q(status=ArticleStatus.PUBLISHED, publish_at__lte=now)),
    )
    shown = request.GET.get("status", "")
    if shown == "scheduled":
        articles = articles.filter(status=ArticleStatus.PUBLISHED, publish_at__gt=now)
    elif shown in ("draft", "review"):
        articles = articles.filter(status=shown)
    elif shown == "published":
        articles = articles.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        articles = articles.filter(Q(title_id__icontains=query) | Q(title_en__icontains=query))
    page = Paginator(
        articles.select_related("author_unit", "updated_by").order_by("-updated_at", "-pk"), 20
    ).get_page(request.GET.get("page"))
    subscribers = services.subscriber_counts(regency=regency)
    return render(
        request,
        "news/editor/dashboard.html",
        {
            "counts": counts,
            "page": page,
            "shown": shown,
            "query": query,
            "filters": [
                ("", _("All")),
                ("draft", _("Drafts")),
                ("review", _("In review")),
                ("scheduled", _("Scheduled")),
                ("published", _("Published")),
            ],
            "subscribers": subscribers,
            "runs": SendRun.objects.filter(regency=regency)[:5],
            "may_review": can(request.actor, "news.review", regency),
            "now": now,
        },
    )


def _save(request, regency, form, article=None):
    try:
        return services.save_article(
            regency=regency,
            editor=request.user,
            data=form.service_data(),
            article=article,
            cover_upload=form.cleaned_data.get("cover_upload"),
            remove_cover=form.cleaned_data.get("remove_cover", False),
        )
    except ValidationError as exc:
        field = "cover_upload" if form.cleaned_data.get("cover_upload") else None
        for message in exc.messages:
            form.add_error(field, message)
        return None


@login_required
def article_new(request):
    regency = regency_or_404(request)
    require(request, "news.edit", regency)
    form = ArticleForm(request.POST or None, request.FILES or None, regency=regency)
    if request.method == "POST" and form.is_valid():
        article = _save(request, regency, form)
        if article is not None:
            messages.success(request, _("The draft is saved."))
            return redirect("news:article_edit", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "news/editor/article_form.html", {"form": form, "article": None}, status=status
    )


@login_required
def article_edit(request, pk):
    """Write and translate: both languages side by side, the workflow buttons below."""
    article = _article_for(request, pk)
    regency = article.regency
    may_edit = can(request.actor, "news.edit_article", article)
    form = ArticleForm(
        request.POST or None, request.FILES or None, instance=article, regency=regency
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            saved = _save(request, regency, form, article=Article.objects.get(pk=article.pk))
            if saved is not None:
                messages.success(request, _("The changes are saved."))
                return redirect("news:article_edit", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "news/editor/article_form.html",
        {
            "form": form,
            "article": article,
            "may_edit": may_edit,
            "may_review": can(request.actor, "news.review", article),
            "publish_form": PublishForm(),
            "note_form": NoteForm(),
            "return_form": ReturnForm(),
        },
        status=status,
    )


@login_required
def article_preview(request, pk, language):
    """The article as the public will see it, in one language (never cached)."""
    article = _article_for(request, pk)
    if language not in ("id", "en"):
        raise PermissionDenied
    with translation.override(language):
        version = article.version(language)
    return render(
        request,
        "news/editor/preview.html",
        {
            "a": article,
            "v": version,
            "preview_language": language,
            "clusters": list(article.clusters.all()),
            "districts": list(article.kecamatan.all()),
            "tags": list(article.tags.all()),
        },
    )


@login_required
@require_POST
def article_action(request, pk):
    """A workflow step: send for review, publish or schedule, return, take off the portal."""
    article = _article_for(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "submit":
            require(request, "news.edit_article", article)
            services.submit_for_review(article=article, editor=request.user)
            messages.success(request, _("Sent to the reviewers."))
        elif action == "publish":
            require(request, "news.review", article)
            form = PublishForm(request.POST)
            if not form.is_valid():
                for error in form.errors.get("publish_at", []):
                    messages.error(request, error)
                return redirect("news:article_edit", pk=article.pk)
            article = services.publish_article(
                article=article,
                reviewer=request.user,
                publish_at=form.cleaned_data["publish_at"],
            )
            if article.is_scheduled:
                messages.success(
                    request,
                    _("Scheduled: the article appears on %(when)s.")
                    % {
                        "when": date_format(
                            timezone.localtime(article.publish_at), "SHORT_DATETIME_FORMAT"
                        )
                    },
                )
            else:
                messages.success(request, _("Published."))
        elif action in ("return", "unpublish"):
            require(request, "news.review", article)
            form = (ReturnForm if action == "return" else NoteForm)(request.POST)
            if not form.is_valid():
                for error in form.errors.get("note", []):
                    messages.error(request, error)
                return redirect("news:article_edit", pk=article.pk)
            note = form.cleaned_data["note"]
            if action == "return":
                services.return_to_draft(article=article, reviewer=request.user, note=note)
                messages.success(request, _("Returned to the editors as a draft."))
            else:
                services.unpublish_article(article=article, reviewer=request.user, note=note)
                messages.success(request, _("Taken off the portal; it is a draft again."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("news:article_edit", pk=article.pk)


@login_required
def subscribers(request):
    """How many people receive the news, by language, frequency and topic (counts only)."""
    regency = regency_or_404(request)
    require(request, "news.edit", regency)
    counts = services.subscriber_counts(regency=regency)
    topics = services.topic_counts(regency=regency)
    languages = dict(settings.LANGUAGES)
    return render(
        request,
        "news/editor/subscribers.html",
        {
            "counts": counts,
            "language_chart": bar_chart(
                [(languages.get(k, k), v) for k, v in sorted(counts.by_language.items())],
                title=_("Confirmed subscribers by language"),
            ),
            "frequency_chart": bar_chart(
                [(str(Frequency(k).label), v) for k, v in sorted(counts.by_frequency.items())],
                title=_("Confirmed subscribers by frequency"),
            ),
            "topic_chart": bar_chart(
                [(label, n) for label, n in topics], title=_("Confirmed subscribers by topic")
            ),
        },
    )


@login_required
def send_log(request):
    """Every email sent: digests run by run, confirmations and notices (addresses masked)."""
    regency = regency_or_404(request)
    require(request, "news.edit", regency)
    runs = SendRun.objects.filter(regency=regency)[:20]
    # Newest first, page by page backwards by id: no count over a table that only grows.
    emails = Dispatch.objects.filter(regency=regency).select_related("subscriber")
    before = request.GET.get("before", "")
    if before.isdigit():
        emails = emails.filter(pk__lt=int(before))
    rows = list(emails.order_by("-pk")[: SEND_LOG_PAGE + 1])
    older = rows[SEND_LOG_PAGE - 1].pk if len(rows) > SEND_LOG_PAGE else None
    return render(
        request,
        "news/editor/send_log.html",
        {"runs": runs, "emails": rows[:SEND_LOG_PAGE], "older": older, "paged": bool(before)},
    )


@login_required
def start_from(request):
    """Start an article from a public innovation or a verified report, in one action."""
    from superteam.innovations.models import Innovation
    from superteam.reports.models import Report, ReportStatus

    regency = regency_or_404(request)
    require(request, "news.edit", regency)
    if request.method == "POST":
        kind, pk = request.POST.get("source", ""), request.POST.get("pk", "")
        model = {"innovation": Innovation, "report": Report}.get(kind)
        if model is None or not pk.isdigit():
            messages.error(request, _("Choose an innovation or a report."))
            return redirect("news:start_from")
        source = get_object_or_404(model, pk=int(pk), regency=regency)
        try:
            article = services.start_article_from(source=source, editor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("news:start_from")
        messages.success(
            request, _("A draft is ready: check it, translate it, send it for review.")
        )
        return redirect("news:article_edit", pk=article.pk)
    innovations = list(
        Innovation.objects.public()
        .filter(regency=regency)
        .select_related("owner_unit")
        .order_by("-updated_at")[:20]
    )
    reports = list(
        Report.objects.filter(regency=regency, status=ReportStatus.APPROVED)
        .select_related("unit")
        .order_by("-date", "-submitted_at")[:20]
    )
    return render(
        request,
        "news/editor/start_from.html",
        {"innovations": innovations, "reports": reports},
    )
