"""The Atom feed of each language and the sitemap: valid XML, public articles only,
hreflang alternates for the languages an article really exists in."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from superteam.news.models import Article, ArticleStatus
from tests.news.conftest import make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_atom_feed_per_language(client, newsroom):
    r = newsroom.regency
    both = make_article(
        r,
        title_id="Smart Kampung hadir",
        title_en="Smart Kampung arrives",
        clusters=[newsroom.cluster],
        new_tags=["desa digital"],
    )
    only_id = make_article(r, title_id="Rakor pendidikan", title_en="")
    make_article(r, status=ArticleStatus.DRAFT, title_id="Draf rahasia", title_en="Secret draft")
    feeds = {}
    for language in ("id", "en"):
        with translation.override(language):
            response = client.get(reverse("news:feed"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        feeds[language] = ET.fromstring(response.content)  # noqa: S314 - our own feed
    for language, root in feeds.items():
        assert root.tag == f"{ATOM}feed"
        assert root.attrib.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        assert root.find(f"{ATOM}id").text.endswith(f":{language}")
        assert root.find(f"{ATOM}updated") is not None
        entries = root.findall(f"{ATOM}entry")
        titles = [e.find(f"{ATOM}title").text for e in entries]
        assert "Draf rahasia" not in titles and "Secret draft" not in titles
        assert len(entries) == 2
        for entry in entries:
            link = entry.find(f"{ATOM}link").attrib["href"]
            assert link.startswith(f"http://testserver/{language}/news/")
            assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
            assert entry.find(f"{ATOM}published").text
    en_titles = [e.find(f"{ATOM}title").text for e in feeds["en"].findall(f"{ATOM}entry")]
    assert "Smart Kampung arrives" in en_titles
    # Untranslated: falls back, never missing, and says so.
    assert "Rakor pendidikan (only in Bahasa Indonesia)" in en_titles
    id_titles = [e.find(f"{ATOM}title").text for e in feeds["id"].findall(f"{ATOM}entry")]
    assert set(id_titles) == {"Smart Kampung hadir", "Rakor pendidikan"}
    categories = {c.attrib["term"] for c in feeds["en"].iter(f"{ATOM}category")}
    assert {"Health", "desa digital"} <= categories
    assert both.slug and only_id.slug


def _entries(client, language) -> dict:
    with translation.override(language):
        response = client.get(reverse("news:feed"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return {
        e.find(f"{ATOM}link").attrib["href"].split("/")[-2]: e for e in root.iter(f"{ATOM}entry")
    }


def test_feed_marks_articles_not_yet_translated(client, newsroom):
    """An article only in one language is in both feeds, marked in the feed's language and
    with its own language on the entry; a summary not yet translated is marked too."""
    r = newsroom.regency
    only_id = make_article(
        r, title_id="Rakor pendidikan", title_en="", summary_id="Ringkasan <b>rakor</b> & hasil"
    )
    only_en = make_article(
        r, title_id="", title_en="Health rakor", summary_en="Summary of the rakor"
    )
    both = make_article(r, title_id="Dua bahasa", title_en="Two languages")
    no_en_summary = make_article(r, title_id="Pustu Genteng", title_en="Genteng health post")
    Article.objects.filter(pk=no_en_summary.pk).update(summary_en="")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"

    en = _entries(client, "en")
    entry = en[only_id.slug]
    assert entry.attrib[xml_lang] == "id"
    assert entry.find(f"{ATOM}title").text == "Rakor pendidikan (only in Bahasa Indonesia)"
    summary = entry.find(f"{ATOM}summary")
    assert summary.attrib["type"] == "html"
    assert summary.text == (
        '<p lang="en"><em>This article is not yet available in English. It is shown in'
        " Bahasa Indonesia.</em></p>"
        '<p lang="id">Ringkasan &lt;b&gt;rakor&lt;/b&gt; &amp; hasil</p>'
    )  # the editor's text is escaped: no tag typed by an editor reaches a reader
    assert xml_lang not in en[only_en.slug].attrib
    assert en[only_en.slug].find(f"{ATOM}title").text == "Health rakor"
    assert xml_lang not in en[both.slug].attrib
    assert en[both.slug].find(f"{ATOM}title").text == "Two languages"
    assert "not yet" not in en[both.slug].find(f"{ATOM}summary").text
    partial = en[no_en_summary.slug]
    assert xml_lang not in partial.attrib
    assert partial.find(f"{ATOM}title").text == "Genteng health post"
    assert "not yet translated" in partial.find(f"{ATOM}summary").text
    assert '<p lang="id">Ringkasan' in partial.find(f"{ATOM}summary").text

    id_ = _entries(client, "id")
    entry = id_[only_en.slug]
    assert entry.attrib[xml_lang] == "en"
    assert entry.find(f"{ATOM}title").text == "Health rakor (hanya dalam bahasa Inggris)"
    assert "belum tersedia dalam Bahasa Indonesia" in entry.find(f"{ATOM}summary").text
    assert '<p lang="en">Summary of the rakor</p>' in entry.find(f"{ATOM}summary").text
    assert xml_lang not in id_[only_id.slug].attrib
    assert id_[only_id.slug].find(f"{ATOM}title").text == "Rakor pendidikan"


def test_sitemap_lists_public_articles_with_hreflang(client, newsroom):
    r = newsroom.regency
    both = make_article(r, title_id="Dua bahasa", title_en="Two languages")
    only_id = make_article(r, title_id="Satu bahasa", title_en="")
    draft = make_article(r, status=ArticleStatus.REVIEW, title_id="Belum terbit")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    urls = {}
    for url in root.findall(f"{SM}url"):
        loc = url.find(f"{SM}loc").text
        urls[loc] = {
            link.attrib["hreflang"]: link.attrib["href"] for link in url.findall(f"{XHTML}link")
        }
    base = "http://testserver"
    assert f"{base}/id/news/{both.slug}/" in urls and f"{base}/en/news/{both.slug}/" in urls
    assert urls[f"{base}/en/news/{both.slug}/"] == {
        "id": f"{base}/id/news/{both.slug}/",
        "en": f"{base}/en/news/{both.slug}/",
        "x-default": f"{base}/id/news/{both.slug}/",
    }
    assert set(urls[f"{base}/id/news/{only_id.slug}/"]) == {"id", "x-default"}
    assert f"{base}/id/news/{only_id.slug}/" in urls
    assert f"{base}/en/news/{only_id.slug}/" not in urls  # an untranslated copy is not listed
    assert not any(draft.slug in loc for loc in urls)
    assert f"{base}/id/" in urls and f"{base}/en/" in urls
    for url in root.findall(f"{SM}url"):
        if "/news/" in url.find(f"{SM}loc").text and url.find(f"{SM}loc").text[-6:] != "/news/":
            assert url.find(f"{SM}lastmod").text.startswith(str(both.publish_at.year))
