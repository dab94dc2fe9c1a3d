"""The public page cache: shared by the public, each visitor with their own working CSRF
token; never shared with signed-in people; per language; odd addresses not stored."""

import re

import pytest
from django.test import Client

from superteam.news.models import Subscriber
from superteam.news.pagecache import CSRF_PLACEHOLDER
from tests.news.conftest import make_article

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_cached_pages_carry_each_visitors_own_working_token(newsroom):
    article = make_article(newsroom.regency, title_id="Berita", title_en="News")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_1 = first.get(article.url_in("id")).content.decode()
    page_2 = second.get(article.url_in("id")).content.decode()  # from the cache
    assert CSRF_PLACEHOLDER not in page_1 and CSRF_PLACEHOLDER not in page_2
    token_1, token_2 = TOKEN.findall(page_1)[0], TOKEN.findall(page_2)[0]
    assert token_1 != token_2
    assert TOKEN.sub("", page_1) == TOKEN.sub("", page_2).replace(token_2, token_1)
    response = second.post(
        "/id/subscribe/",
        {
            "email": "pembaca@example.org",
            "language": "id",
            "frequency": "daily",
            "csrfmiddlewaretoken": token_2,
        },
    )
    assert response.status_code == 302  # the cached page's form works
    assert Subscriber.objects.filter(email="pembaca@example.org").exists()


def test_signed_in_people_never_get_or_fill_the_public_cache(client, newsroom):
    article = make_article(newsroom.regency, title_id="Berita", title_en="News")
    anonymous = Client()
    assert "Sunting berita ini" not in anonymous.get(article.url_in("id")).content.decode()
    client.force_login(newsroom.reviewer)
    editor_page = client.get(article.url_in("id")).content.decode()
    assert "Sunting berita ini" in editor_page  # the edit link, for this reviewer only
    assert "Sunting berita ini" not in Client().get(article.url_in("id")).content.decode()
    assert newsroom.reviewer.get_short_name() not in Client().get("/id/").content.decode()


def test_cache_is_per_language_and_odd_addresses_are_not_stored(newsroom):
    from django.core.cache import cache

    make_article(newsroom.regency, title_id="Kabar desa", title_en="Village news")
    assert "Kabar desa" in Client().get("/id/").content.decode()
    assert "Village news" in Client().get("/en/").content.decode()
    assert "Kabar desa" not in Client().get("/en/").content.decode()
    before = len(cache._cache)
    for i in range(5):
        assert Client().get(f"/id/?utm_source=x{i}").status_code == 200
    assert len(cache._cache) == before
