"""The sitemap (/sitemap.xml): every public article in each language it exists in, with
hreflang alternates, and the portal's listing pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import path, reverse

from superteam.news.models import Article
from superteam.org.models import Cluster, Regency


class _DefaultLanguageXDefault:
    """Django points x-default at the address without prefix, assuming the default language
    has none; here every language has one, so x-default is the Bahasa Indonesia version
    (as in the pages' own hreflang links)."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for info in urls:
            alternates = info.get("alternates") or []
            by_language = {a["lang_code"]: a["location"] for a in alternates}
            for alternate in alternates:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = by_language.get(
                        settings.LANGUAGE_CODE, alternate["location"]
                    )
        return urls


def _regency():
    # Public pages serve the installation's first regency (core.tenancy.current_regency).
    return Regency.objects.order_by("pk").first()


class ArticleSitemap(_DefaultLanguageXDefault, Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 20000

    def items(self):
        return (
            Article.objects.public()
            .filter(regency=_regency())
            .only(
                "id",
                "slug",
                "publish_at",
                "updated_at",
                "title_id",
                "title_en",
                "body_id",
                "body_en",
            )
            .order_by("-publish_at", "-pk")
        )

    def get_languages_for_item(self, item):
        # An untranslated version only repeats the other language: not listed.
        return item.languages or super().get_languages_for_item(item)

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class PortalSitemap(_DefaultLanguageXDefault, Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "hourly"

    def items(self):
        pages = [("news:home", {}), ("news:archive", {})]
        pages += [
            ("news:cluster", {"code": code})
            for code in Cluster.objects.filter(regency=_regency()).values_list("code", flat=True)
        ]
        return pages

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


SITEMAPS = {"articles": ArticleSitemap, "portal": PortalSitemap}


def _sitemap(request):
    from django.contrib.sitemaps.views import sitemap

    return sitemap(request, sitemaps=SITEMAPS)


# Mounted at /sitemap.xml by superteam/urls.py.
urlpatterns = [path("", _sitemap, name="sitemap")]
