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


# --- A cache shared by every server process (REDIS_URL in production) -------------------


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache that every process would see: a directory here, Redis in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


def test_shared_cache_serves_pages_without_queries_and_follows_every_commit(
    newsroom, shared_cache, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from superteam.news import services

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(newsroom.regency, title_id="Kabar pasar", title_en="Market news")
    pages = ["/id/", "/en/", article.url_in("id"), article.url_in("en")]
    for page, text in zip(pages, ["Kabar pasar", "Market news"] * 2, strict=True):
        assert text in Client().get(page).content.decode()
    with django_assert_num_queries(0):  # the version comes from the shared cache too
        for page in pages:
            assert Client().get(page).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_article(newsroom.regency, title_id="Kabar baru", title_en="New story")
    assert "Kabar baru" in Client().get("/id/").content.decode()
    assert "New story" in Client().get("/en/").content.decode()
    assert "Kabar baru" in Client().get(article.url_in("id")).content.decode()  # related
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish_article(article=newer, reviewer=newsroom.reviewer)
    for page in pages:
        body = Client().get(page).content.decode()
        assert "Kabar baru" not in body and "New story" not in body
    assert Client().get(newer.url_in("en")).status_code == 404


def test_shared_cache_shows_a_scheduled_article_at_its_time(
    newsroom, shared_cache, django_capture_on_commit_callbacks, monkeypatch
):
    import datetime

    from django.utils import timezone

    from superteam.news import services
    from superteam.news.models import ArticleStatus

    make_article(newsroom.regency, title_id="Berita lama", title_en="Old news")
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(
            newsroom.regency,
            status=ArticleStatus.REVIEW,
            title_id="Berita terjadwal",
            title_en="Scheduled news",
        )
        at = timezone.now() + datetime.timedelta(minutes=30)
        services.publish_article(article=article, reviewer=newsroom.reviewer, publish_at=at)
    assert "Berita terjadwal" not in Client().get("/id/").content.decode()
    later = at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Berita terjadwal" in Client().get("/id/").content.decode()
    assert Client().get(article.url_in("id")).status_code == 200


def test_shared_version_catches_up_when_a_writer_died_before_its_increment(
    newsroom, shared_cache, django_capture_on_commit_callbacks, monkeypatch
):
    import time

    from superteam.news import services

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(newsroom.regency, title_id="Ditarik", title_en="Withdrawn")
    assert "Ditarik" in Client().get("/id/").content.decode()
    # Committed, but the process died before it could increment the shared version.
    services.unpublish_article(article=article, reviewer=newsroom.reviewer)
    later = time.monotonic() + services.VERIFY_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert "Ditarik" not in Client().get("/id/").content.decode()
    assert Client().get(article.url_in("id")).status_code == 404
