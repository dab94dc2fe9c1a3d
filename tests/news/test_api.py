"""The news API: public articles without a token; the newsroom list for editors only."""

import pytest

from superteam.news.models import ArticleStatus
from tests.news.conftest import make_article

pytestmark = pytest.mark.django_db


def test_public_articles_in_both_languages_without_token(client, newsroom):
    r = newsroom.regency
    both = make_article(
        r, title_id="Dua bahasa", title_en="Two languages", clusters=[newsroom.cluster]
    )
    make_article(r, title_id="Hanya Indonesia", title_en="")
    make_article(r, status=ArticleStatus.DRAFT, title_id="Draf", title_en="Draft")
    listing = client.get("/api/news/articles", {"lang": "en"})
    assert listing.status_code == 200
    data = listing.json()
    assert data["count"] == 2
    titles = {a["title"]: a for a in data["results"]}
    assert set(titles) == {"Two languages", "Hanya Indonesia"}
    assert (
        titles["Hanya Indonesia"]["is_fallback"]
        and titles["Hanya Indonesia"]["content_language"] == "id"
    )
    assert titles["Two languages"]["url"].endswith(f"/en/news/{both.slug}/")
    assert client.get("/api/news/articles", {"cluster": "kesehatan"}).json()["count"] == 1
    detail = client.get(f"/api/news/articles/{both.slug}", {"lang": "id"}).json()
    assert detail["title"] == "Dua bahasa" and detail["languages"] == ["id", "en"]
    assert detail["body_html"].startswith("<p>")
    assert client.get("/api/news/articles", {"lang": "fr"}).status_code == 422


def test_drafts_never_leave_through_the_public_api(client, newsroom):
    draft = make_article(newsroom.regency, status=ArticleStatus.REVIEW, title_id="Rahasia")
    assert client.get(f"/api/news/articles/{draft.slug}").status_code == 404
    assert "Rahasia" not in client.get("/api/news/articles").content.decode()


def test_newsroom_list_is_for_editors(client_as, newsroom):
    make_article(newsroom.regency, status=ArticleStatus.DRAFT, title_id="Draf redaksi")
    assert client_as(None).get("/api/news/newsroom/articles").status_code == 401
    assert client_as(newsroom.head).get("/api/news/newsroom/articles").status_code == 403
    response = client_as(newsroom.editor).get("/api/news/newsroom/articles")
    assert response.status_code == 200
    assert [a["title_id"] for a in response.json()] == ["Draf redaksi"]
