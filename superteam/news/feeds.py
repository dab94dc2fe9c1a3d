"""The Atom feed of each language: /id/feed/ and /en/feed/."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from superteam.news.models import Article, other_language
from superteam.news.pagecache import cached
from superteam.news.views import regency_or_404

FEED_SIZE = 30


class LanguageAtomFeed(Atom1Feed):
    """Atom whose entries say their language (``xml:lang``) when it is not the feed's:
    an article not yet translated is shown in the language it exists in."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        language = item.get("content_language")
        if language and language != self.feed["language"]:
            attributes["xml:lang"] = language
        return attributes


def _feed_language() -> str:
    return (translation.get_language() or "id")[:2]


def _only_in(language: str) -> str:
    """The mark of an article shown in ``language`` because the feed's one is missing."""
    if language == "id":
        return _("This article is not yet available in English. It is shown in Bahasa Indonesia.")
    return _("This article is not yet available in Bahasa Indonesia. It is shown in English.")


class LatestNewsFeed(Feed):
    """The latest public articles in the feed's language. An untranslated part falls back
    to the other language, marked visibly (title and summary) and by ``xml:lang``."""

    feed_type = LanguageAtomFeed

    def get_object(self, request, *args, **kwargs):
        return regency_or_404(request)

    def title(self, regency):
        return _("News from %(regency)s") % {"regency": regency.name}

    def subtitle(self, regency):
        return _("Latest news from around %(regency)s") % {"regency": regency.name}

    def link(self, regency):
        return reverse("news:home")

    def feed_url(self, regency):
        return reverse("news:feed")

    def feed_guid(self, regency):
        return f"tag:superteam,2026:news:{regency.slug}:{translation.get_language()}"

    def items(self, regency):
        return (
            Article.objects.public()
            .filter(regency=regency)
            .select_related("author_unit")
            .prefetch_related("clusters", "tags")
            .latest_first()[:FEED_SIZE]
        )

    def item_title(self, item):
        language = _feed_language()
        version = item.version(language)
        if getattr(item, f"title_{language}"):
            return version.title
        if version.content_language != language:
            if version.content_language == "id":
                return _("%(title)s (only in Bahasa Indonesia)") % {"title": version.title}
            return _("%(title)s (only in English)") % {"title": version.title}
        return _("%(title)s (not yet translated)") % {"title": version.title}

    def item_description(self, item):
        """HTML (Atom's ``type="html"``): the summary typed by the editors is escaped, the
        mark of a missing translation is in the feed's language, each part says its own."""
        language = _feed_language()
        version = item.version(language)
        parts = []
        if version.content_language != language:
            note = _only_in(version.content_language)
        elif version.is_fallback:
            note = _(
                "Parts of this article are not yet translated and are shown in the other language."
            )
        else:
            note = ""
        if note:
            parts.append(f'<p lang="{language}"><em>{escape(note)}</em></p>')
        if version.summary:
            summary_language = (
                language if getattr(item, f"summary_{language}") else other_language(language)
            )
            parts.append(f'<p lang="{summary_language}">{escape(version.summary)}</p>')
        return "".join(parts)

    def item_extra_kwargs(self, item):
        return {"content_language": item.version(_feed_language()).content_language}

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"tag:superteam,2026:news:{item.regency_id}:{item.pk}:{translation.get_language()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        return item.author_unit.name if item.author_unit else None

    def item_categories(self, item):
        return [c.localized_name for c in item.clusters.all()] + [t.name for t in item.tags.all()]


_feed = LatestNewsFeed()


def feed(request):
    """The feed, cached per language and portal version like the pages."""
    regency = regency_or_404(request)

    def build():
        response = _feed(request)
        return {"body": response.content.decode(), "type": response["Content-Type"]}

    data = cached(request, regency, "feed", (), build)
    return HttpResponse(data["body"], content_type=data["type"])
