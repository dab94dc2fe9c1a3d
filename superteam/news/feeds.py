"""The Atom feed of each language: /id/feed/ and /en/feed/."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from superteam.news.models import Article
from superteam.news.pagecache import cached
from superteam.news.views import regency_or_404

FEED_SIZE = 30


class LatestNewsFeed(Feed):
    """The latest public articles in the feed's language (untranslated parts fall back)."""

    feed_type = Atom1Feed

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
        return item.version().title

    def item_description(self, item):
        return item.version().summary

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
