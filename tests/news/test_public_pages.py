"""Public pages: no sign-in, both languages, only public articles, constant queries."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from superteam.news import services
from superteam.news.models import ArticleStatus, Tag
from tests.news.conftest import make_article

pytestmark = pytest.mark.django_db


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


class Head(HTMLParser):
    """The <link> and <meta> tags of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.meta = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))


def head_of(response) -> Head:
    parser = Head()
    parser.feed(response.content.decode())
    return parser


def test_home_lists_latest_news_in_both_languages(client, newsroom):
    r = newsroom.regency
    make_article(
        r, title_id="Jemput bola lansia di Genteng", title_en="Outreach to the elderly in Genteng"
    )
    id_page, en_page = client.get("/id/"), client.get("/en/")
    assert id_page.status_code == en_page.status_code == 200
    assert "Jemput bola lansia di Genteng" in id_page.content.decode()
    assert "Outreach to the elderly in Genteng" not in id_page.content.decode()
    assert "Outreach to the elderly in Genteng" in en_page.content.decode()
    assert "Jemput bola lansia di Genteng" not in en_page.content.decode()
    assert '<html lang="id">' in id_page.content.decode()
    assert '<html lang="en">' in en_page.content.decode()
    for page in (id_page, en_page):
        html = page.content.decode()
        # The visible switch names both languages, linking to this page in each.
        assert 'href="/en/" hreflang="en"' in html and 'href="/id/" hreflang="id"' in html
        assert "English Version" in html and "Bahasa Indonesia" in html
    # Like the source page: "Kumpulan Berita Terkini Seputar Banyuwangi".
    assert "Kumpulan Berita Terkini Seputar" in id_page.content.decode()
    assert "Latest news from around" in en_page.content.decode()


def test_article_page_has_hreflang_canonical_and_opengraph(client, newsroom):
    article = make_article(newsroom.regency, title_id="Smart Kampung", title_en="Smart Kampung EN")
    response = client.get(url("news:article", "en", slug=article.slug))
    assert response.status_code == 200
    head = head_of(response)
    alternates = {
        link["hreflang"]: link["href"]
        for link in head.links
        if link.get("rel") == "alternate" and link.get("hreflang")
    }
    assert alternates["id"].endswith(f"/id/news/{article.slug}/")
    assert alternates["en"].endswith(f"/en/news/{article.slug}/")
    assert alternates["x-default"] == alternates["id"]
    assert all(href.startswith("http://testserver/") for href in alternates.values())
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [alternates["en"]]
    assert head.meta["og:title"] == ["Smart Kampung EN"]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:locale"] == ["en_US"]
    assert head.meta["og:locale:alternate"] == ["id_ID"]
    assert head.meta["og:url"] == [alternates["en"]]
    assert head.meta["article:published_time"][0].startswith(str(article.publish_at.year))


def test_article_page_lists_its_topics_and_more_news_of_its_cluster(client, newsroom):
    from superteam.innovations.models import Stage
    from tests import factories as f
    from tests.innovations import factories as innovation_factories

    r = newsroom.regency
    education = f.cluster(
        r, lead=newsroom.dinkes, units=[], code="pendidikan", name="Pendidikan", name_en="Education"
    )
    education.sort_order = -1  # listed before Kesehatan/Health
    education.save(update_fields=["sort_order"])
    rolled_out = innovation_factories.innovation(newsroom.puskesmas, newsroom.head)
    trial = innovation_factories.innovation(
        newsroom.puskesmas, newsroom.head, title="Uji coba", stage=Stage.UJI_COBA
    )
    Tag.objects.create(regency=r, slug="lansia", name_id="lansia", name_en="elderly")
    now = timezone.now()
    same = [
        make_article(
            r,
            title_id=f"Sekolah {i}",
            title_en=f"School {i}",
            clusters=[education],
            publish_at=now - datetime.timedelta(hours=10 - i),
        )
        for i in range(4)
    ]
    make_article(r, title_id="Puskesmas", title_en="Clinic", clusters=[newsroom.cluster])
    article = make_article(
        r,
        title_id="Berita utama",
        title_en="Main story",
        clusters=[newsroom.cluster, education],
        kecamatan=[newsroom.genteng],
        new_tags=["lansia", "desa digital"],
        innovations=[rolled_out, trial],
        publish_at=now - datetime.timedelta(hours=1),  # the newest of its cluster
    )
    for language, names in (("id", ["Pendidikan", "Kesehatan"]), ("en", ["Education", "Health"])):
        html = client.get(url("news:article", language, slug=article.slug)).content.decode()
        chips = html.split('class="news-tags"')[1].split("</footer>")[0]
        assert chips.index(names[0]) < chips.index(names[1])  # in the clusters' order
        breadcrumb = html.split('class="breadcrumb"')[1].split("</ol>")[0]
        assert f'href="/{language}/cluster/pendidikan/"' in breadcrumb
        assert f'href="/{language}/kecamatan/kec-genteng/">Kecamatan Genteng<' in chips
        assert f'href="/{language}/tag/desa-digital/"' in chips
        assert ("#elderly" if language == "en" else "#lansia") in chips
        assert f"/{language}/innovations/{rolled_out.pk}/" in chips
        assert f"/{language}/innovations/{trial.pk}/" not in html  # not public
        more = html.split('class="news-related"')[1]
        shown = [a for a in same if a.url_in(language) in more]
        assert shown == same[1:]  # the three newest of its first cluster but itself
        assert article.url_in(language) not in more
        assert ("School 3" if language == "en" else "Sekolah 3") in more
        assert "Clinic" not in more and "Puskesmas<" not in more


def test_missing_translation_falls_back_visibly(client, newsroom):
    article = make_article(newsroom.regency, title_id="Rakor klaster pendidikan", title_en="")
    response = client.get(url("news:article", "en", slug=article.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rakor klaster pendidikan" in html
    assert "This article is not yet available in English" in html
    assert 'lang="id"' in html  # the Indonesian text is marked as such for screen readers
    head = head_of(response)
    hreflangs = {link["hreflang"] for link in head.links if link.get("hreflang")}
    assert hreflangs == {"id", "x-default"}  # no English alternate for an untranslated page
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical[0].endswith(f"/id/news/{article.slug}/")
    # The Indonesian page of an English-only article says so in Indonesian.
    english_only = make_article(newsroom.regency, title_id="", title_en="Only English")
    with translation.override("id"):
        page = client.get(url("news:article", "id", slug=english_only.slug)).content.decode()
    assert "Only English" in page
    assert "Artikel ini belum tersedia dalam Bahasa Indonesia" in page


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.REVIEW, "scheduled"])
def test_unpublished_articles_are_not_public(client, newsroom, status):
    r = newsroom.regency
    later = timezone.now() + datetime.timedelta(days=1)
    hidden = make_article(
        r,
        status=ArticleStatus.PUBLISHED if status == "scheduled" else status,
        publish_at=later if status == "scheduled" else None,
        title_id="Rahasia redaksi",
        title_en="Newsroom secret",
        clusters=[newsroom.cluster],
        kecamatan=[newsroom.genteng],
        new_tags=["rahasia"],
    )
    make_article(r, clusters=[newsroom.cluster], kecamatan=[newsroom.genteng], new_tags=["rahasia"])
    tag = Tag.objects.get(slug="rahasia")
    for language in ("id", "en"):
        assert client.get(url("news:article", language, slug=hidden.slug)).status_code == 404
        pages = [
            url("news:home", language),
            url("news:archive", language),
            url("news:cluster", language, code=newsroom.cluster.code),
            url("news:kecamatan", language, code="kec-genteng"),
            url("news:tag", language, slug=tag.slug),
            url("news:search", language) + "?q=Rahasia",
            url("news:search", language) + "?q=secret",
            url("news:feed", language),
        ]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            body = response.content.decode()
            assert "Rahasia redaksi" not in body and "Newsroom secret" not in body, page
            assert hidden.slug not in body, page
    assert hidden.slug not in client.get("/sitemap.xml").content.decode()
    assert hidden.slug not in client.get("/api/news/articles").content.decode()


def test_scheduled_article_appears_at_its_time_and_cache_never_hides_it(
    client, newsroom, monkeypatch
):
    r = newsroom.regency
    make_article(r, title_id="Berita lama", title_en="Old news")
    article = make_article(
        r, status=ArticleStatus.REVIEW, title_id="Berita terjadwal", title_en="Scheduled news"
    )
    at = timezone.now() + datetime.timedelta(minutes=30)
    services.publish_article(article=article, reviewer=newsroom.reviewer, publish_at=at)
    assert "Berita terjadwal" not in client.get("/id/").content.decode()  # now cached without it
    assert client.get(url("news:article", "id", slug=article.slug)).status_code == 404
    later = at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Berita terjadwal" in client.get("/id/").content.decode()
    assert client.get(url("news:article", "id", slug=article.slug)).status_code == 200


def test_unpublishing_takes_an_article_off_every_cached_page(client, newsroom):
    article = make_article(newsroom.regency, title_id="Ditarik", title_en="Withdrawn")
    pages = ["/id/", "/en/", url("news:feed", "id"), url("news:article", "en", slug=article.slug)]
    for page in pages:
        assert client.get(page).status_code == 200
    services.unpublish_article(article=article, reviewer=newsroom.reviewer)
    for page in pages[:3]:
        body = client.get(page).content.decode()
        assert "Ditarik" not in body and "Withdrawn" not in body
    assert client.get(pages[3]).status_code == 404


def test_listings_paginate(client, newsroom):
    r = newsroom.regency
    now = timezone.now()
    for i in range(30):
        make_article(
            r,
            title_id=f"Berita nomor {i}",
            title_en=f"News number {i}",
            clusters=[newsroom.cluster],
            publish_at=now - datetime.timedelta(hours=i + 1),
        )
    first = client.get(url("news:cluster", "id", code=newsroom.cluster.code)).content.decode()
    assert "Berita nomor 0<" in first and "Berita nomor 12<" not in first
    second = client.get(url("news:cluster", "id", code=newsroom.cluster.code) + "?page=2")
    assert "Berita nomor 12<" in second.content.decode()
    assert client.get(url("news:archive", "en") + "?page=3").status_code == 200
    assert client.get(url("news:archive", "en") + "?page=4").status_code == 404
    assert client.get(url("news:kecamatan", "id", code="kec-none")).status_code == 404


def test_search_finds_either_language(client, newsroom):
    r = newsroom.regency
    make_article(
        r,
        title_id="Puskesmas jemput bola",
        title_en="Health centres reach out",
        body_id="Petugas memantau kesehatan warga lansia.",
        body_en="Staff monitor the health of elderly residents.",
    )
    make_article(r, title_id="Festival budaya", title_en="Culture festival")
    for language in ("id", "en"):
        for query in ("lansia", "elderly", "jemput bola"):
            body = client.get(url("news:search", language), {"q": query}).content.decode()
            assert ("Puskesmas jemput bola" in body) or ("Health centres reach out" in body), (
                language,
                query,
            )
            assert "Festival budaya" not in body and "Culture festival" not in body
    empty = client.get(url("news:search", "id"), {"q": "tidakadasamasekali"}).content.decode()
    assert "0 artikel ditemukan" in empty


@pytest.mark.postgres
def test_postgres_search_stems_both_languages(client, newsroom, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search")
    make_article(
        newsroom.regency,
        title_id="Pemantauan kesehatan lansia",
        title_en="Monitoring the elderly",
        body_id="Petugas memantau.",
        body_en="Staff monitored residents.",
    )
    for query in ("pantau", "sehat", "monitor", "resident"):
        body = client.get(url("news:search", "id"), {"q": query}).content.decode()
        assert "Pemantauan kesehatan lansia" in body, query


@pytest.mark.parametrize("name", ["home", "archive", "article", "cluster", "search"])
def test_public_pages_run_a_fixed_number_of_queries(
    client, newsroom, name, django_assert_max_num_queries
):
    from django.core.cache import cache

    r = newsroom.regency

    def page_url(article):
        return {
            "home": url("news:home", "id"),
            "archive": url("news:archive", "id"),
            "article": url("news:article", "id", slug=article.slug),
            "cluster": url("news:cluster", "id", code=newsroom.cluster.code),
            "search": url("news:search", "id") + "?q=berita",
        }[name]

    tag = ["lansia"]
    first = make_article(r, clusters=[newsroom.cluster], kecamatan=[newsroom.genteng], new_tags=tag)
    make_article(r, clusters=[newsroom.cluster], kecamatan=[newsroom.genteng], new_tags=tag)
    cache.clear()  # cold: the regency (its id, then its row) is read too
    with django_assert_max_num_queries(13) as few:
        assert client.get(page_url(first)).status_code == 200
    for _ in range(25):
        make_article(r, clusters=[newsroom.cluster], kecamatan=[newsroom.genteng], new_tags=tag)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page_url(first)).status_code == 200
    # Served from the cache: the regency and the portal version are read (and the cluster).
    with django_assert_max_num_queries(3 if name == "cluster" else 2):
        assert client.get(page_url(first)).status_code == 200
